package io.tribes.sample;

/** Distinct RNG stream ids, so independent decisions never share random numbers. */
final class Streams {
  private Streams() {}

  static final long PERMUTATION = 1;
  static final long COMMUNITY_SIZES = 2;
  static final long MEMBER_TRAITS = 3;
  static final long MEMBER_DAY = 4;
  static final long HUB_DAY = 5;
  static final long OPT_OUT = 6;
  static final long TOPICS = 7;
  static final long CHURN = 8;
}
