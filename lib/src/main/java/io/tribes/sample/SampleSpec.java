package io.tribes.sample;

import java.time.LocalDate;

/**
 * What to generate: {@code members} accounts (hubs included), interactions over {@code days} days
 * ending at {@code endDate} (exclusive; timestamps fall in {@code [endDate - days, endDate)} UTC),
 * all derived from {@code seed}. The same spec always yields the same rows.
 */
public record SampleSpec(long members, int days, long seed, LocalDate endDate) {
  public static final LocalDate DEFAULT_END_DATE = LocalDate.of(2026, 11, 1);

  /** Upper bound on {@code members}: the driver keeps a few ints per member. */
  public static final long MAX_MEMBERS = 100_000_000L;
  /** Upper bound on {@code days} (ten years). */
  public static final int MAX_DAYS = 3650;

  public SampleSpec {
    if (members < 100) {
      throw new IllegalArgumentException("members must be >= 100, got " + members);
    }
    if (members > MAX_MEMBERS) {
      throw new IllegalArgumentException("members must be <= " + MAX_MEMBERS + ", got " + members);
    }
    if (days < 1) {
      throw new IllegalArgumentException("days must be >= 1, got " + days);
    }
    if (days > MAX_DAYS) {
      throw new IllegalArgumentException("days must be <= " + MAX_DAYS + ", got " + days);
    }
    if (endDate == null) {
      throw new IllegalArgumentException("endDate must not be null (use SampleSpec.DEFAULT_END_DATE)");
    }
  }

  /** A spec ending at {@link #DEFAULT_END_DATE}. */
  public SampleSpec(long members, int days, long seed) {
    this(members, days, seed, DEFAULT_END_DATE);
  }

  /** First day covered (inclusive), UTC. */
  public LocalDate startDate() {
    return endDate.minusDays(days);
  }
}
