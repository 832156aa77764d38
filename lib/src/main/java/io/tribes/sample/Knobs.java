package io.tribes.sample;

/**
 * The generator's realism parameters in one place. Rates are per member per day, so volumes scale
 * with both the member count and the number of days.
 */
final class Knobs {
  private Knobs() {}

  // --- planted communities -------------------------------------------------------------------
  /** Community sizes: discrete power law P(s) ~ s^-ALPHA on [MIN, MAX]: mean ~10.3, ~95% under 30. */
  static final int MIN_COMMUNITY = 4;
  static final int MAX_COMMUNITY = 40;
  static final double SIZE_ALPHA = 1.8;
  /** Ambassadors per community: round(AMBASSADOR_SHARE * size), at least 1. */
  static final double AMBASSADOR_SHARE = 0.10;

  // --- member activity -----------------------------------------------------------------------
  /** Mean interactions sent per ordinary member per day (20 per 30 days). */
  static final double ORDINARY_DAILY = 20.0 / 30.0;
  /** Per-member activity multiplier: lognormal(0, sigma) clipped, fixed for the member's life. */
  static final double ACTIVITY_SIGMA = 0.35;
  static final double ACTIVITY_MIN = 0.5;
  static final double ACTIVITY_MAX = 2.0;
  /** Ambassadors send this many times more (uniform per ambassador). */
  static final double AMBASSADOR_FACTOR_MIN = 3.0;
  static final double AMBASSADOR_FACTOR_MAX = 5.0;
  /** Ordinary members address an ambassador of their community with this probability. */
  static final double TO_AMBASSADOR = 0.8;
  /** Share of a member's interactions that go to a random member of another community. */
  static final double NOISE = 0.07;
  /** Members without a community (only after a community dissolves) send this fraction of the usual rate, all noise. */
  static final double UNAFFILIATED_FACTOR = 0.5;
  /** Share of rows that carry an explicit weight (the rest leave it null). */
  static final double WEIGHTED = 0.01;
  static final double[] WEIGHTS = {0.5, 1.0, 1.5, 2.0};

  /** Opted-out share of (non-hub) members; their interactions stay in the data. */
  static final double OPT_OUT = 0.015;

  // --- hubs ----------------------------------------------------------------------------------
  static final int BOTS = 3;
  static final int CELEBRITIES = 2;
  /** Rows per hub per day as a share of the community members (30 days: brand ~19%, bot ~14%, celebrity ~26% distinct). */
  static final double BRAND_DAILY = 0.007;
  static final double BOT_DAILY = 0.005;
  static final double CELEBRITY_DAILY = 0.010;
  /** Floor on rows per hub per day so hubs stand out in small samples. */
  static final int HUB_MIN_DAILY = 30;

  // --- interaction types ---------------------------------------------------------------------
  static final String[] TYPES = {"reply", "comment", "mention", "like", "share"};
  /** Ordinary member to someone in the community. */
  static final double[] ORDINARY_TYPES = Rng.cumulative(25, 20, 12, 35, 8);
  /** Ambassador to a member of the community: ambassadors answer and tag people. */
  static final double[] AMBASSADOR_TYPES = Rng.cumulative(40, 20, 25, 10, 5);
  /** Cross-community noise: mostly likes. */
  static final double[] NOISE_TYPES = Rng.cumulative(5, 5, 8, 72, 10);
  /** Brand account to members (posts mentioning or answering them). */
  static final double[] BRAND_OUT_TYPES = Rng.cumulative(40, 0, 60, 0, 0);
  /** Members to the brand account. */
  static final double[] TO_BRAND_TYPES = Rng.cumulative(10, 15, 15, 45, 15);
  /** Bots to members: like farming and spam mentions. */
  static final double[] BOT_TYPES = Rng.cumulative(10, 0, 30, 50, 10);
  /** Members to a celebrity. */
  static final double[] TO_CELEBRITY_TYPES = Rng.cumulative(25, 10, 20, 40, 5);
  static final double BRAND_OUTGOING = 0.5;
  static final double BOT_OUTGOING = 0.9;
  static final double CELEBRITY_OUTGOING = 0.15;

  /** Activity by hour of day (UTC): quiet nights, busy evenings. */
  static final double[] HOURS = Rng.cumulative(
      1.0, 0.7, 0.5, 0.4, 0.4, 0.6, 1.2, 2.5, 3.5, 4.0, 4.2, 4.5,
      5.0, 4.8, 4.5, 4.5, 4.8, 5.2, 6.0, 6.8, 7.0, 6.2, 4.5, 2.5);

  /** Base topics; a community's topic is one of these suffixed with a number. */
  static final String[] TOPICS = {
      "plants", "coffee", "ultrarunning", "sourdough", "birding", "vinyl", "bouldering", "knitting",
      "chess", "astronomy", "homebrewing", "woodworking", "kayaking", "boardgames", "photography",
      "beekeeping", "cycling", "anime", "jazz", "gardening", "fermentation", "retrogaming", "yoga",
      "surfing", "pottery", "tea", "hiking", "mycology", "aquariums", "calligraphy", "drones",
      "cosplay", "baking", "origami", "skateboarding", "podcasting", "fountainpens", "trailrunning",
      "vegancooking", "synths"};
  static final String BRAND_TOPIC = "brand-news";
  static final String CELEBRITY_TOPIC = "pop-culture";

  // --- partitioning (fixed by the spec, never by the cluster, so files are reproducible) -------
  /** Target member-days per interaction partition (~0.9 rows each). */
  static final long MEMBER_DAYS_PER_PARTITION = 300_000;
  static final long HUB_ROWS_PER_PARTITION = 500_000;
  static final long MEMBERS_PER_PARTITION = 500_000;
}
