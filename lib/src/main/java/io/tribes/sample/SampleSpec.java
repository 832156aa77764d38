package io.tribes.sample;

import java.time.LocalDate;

/**
 * What to generate: {@code members} accounts (hubs included), interactions over {@code days} days
 * ending at {@code endDate} (exclusive; timestamps fall in {@code [endDate - days, endDate)} UTC),
 * all derived from {@code seed}. {@code activity} multiplies every account's daily interaction rate
 * (1 = the default: about 0.67 interactions a day for an ordinary member); a churn sample read with a
 * short window needs a busier world. The same spec always yields the same rows.
 */
public record SampleSpec(long members, int days, long seed, LocalDate endDate, double activity) {
  public static final LocalDate DEFAULT_END_DATE = LocalDate.of(2026, 11, 1);

  /** Upper bound on {@code members}: the driver keeps a few ints per member. */
  public static final long MAX_MEMBERS = 100_000_000L;
  /** Upper bound on {@code days} (ten years). */
  public static final int MAX_DAYS = 3650;
  /** Upper bound on {@code activity}. */
  public static final double MAX_ACTIVITY = 100.0;

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
    if (!(activity > 0 && activity <= MAX_ACTIVITY)) {
      throw new IllegalArgumentException("activity must be > 0 and <= " + MAX_ACTIVITY + ", got " + activity);
    }
  }

  /** A spec with the default activity 1. */
  public SampleSpec(long members, int days, long seed, LocalDate endDate) {
    this(members, days, seed, endDate, 1.0);
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
