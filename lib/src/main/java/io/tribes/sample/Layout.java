package io.tribes.sample;

import java.io.Serializable;

/**
 * Who belongs where on one day: an immutable snapshot of the planted structure, broadcast to
 * executors. Members live in "slots": slots below {@link #permDomain} (the initial population) get
 * their ids through a keyed permutation, later slots (joiners) get id = slot. Communities are
 * indices into {@link #commOffsets}; an index never changes meaning, so ids stay stable across days.
 */
final class Layout implements Serializable {
  private static final long serialVersionUID = 1L;

  static final byte INACTIVE = 0;
  static final byte MEMBER = 1;
  static final byte AMBASSADOR = 2;
  static final byte UNAFFILIATED = 3;
  static final byte BRAND = 4;
  static final byte BOT = 5;
  static final byte CELEBRITY = 6;
  /**
   * Left the platform, but still present in a multi-day window (its earlier interactions are in
   * it): listed in {@code members}, no community in {@code truth}, sends nothing. Only in the views
   * made by {@link #withDeparted}.
   */
  static final byte LEFT = 7;

  final long seed;
  /** Multiplier of every account's daily interaction rate ({@link SampleSpec#activity()}). */
  final double activity;
  /** Slots [0, universe) exist (some may be inactive). */
  final int universe;
  final int permDomain;
  final int idWidth;
  final int communityWidth;
  final int topicOffset;
  final IdPermutation perm;
  /** Per slot. */
  final byte[] role;
  /** Per slot: community index or -1. */
  final int[] communityOf;
  /** Community c's members are commMembers[commOffsets[c] .. commOffsets[c + 1]), ambassadors first. */
  final int[] commOffsets;
  final int[] commMembers;
  /** Per community: how many of its first members are ambassadors. */
  final int[] commAmbassadors;
  /** Active members without a community (slots). */
  final int[] unaffiliated;
  /** Hub slots. */
  final int[] hubs;

  Layout(long seed, double activity, int universe, int permDomain, int idWidth, int communityWidth, byte[] role,
      int[] communityOf, int[] commOffsets, int[] commMembers, int[] commAmbassadors,
      int[] unaffiliated, int[] hubs) {
    this.seed = seed;
    this.activity = activity;
    this.universe = universe;
    this.permDomain = permDomain;
    this.idWidth = idWidth;
    this.communityWidth = communityWidth;
    this.topicOffset = (int) Math.floorMod(Rng.seed(seed, Streams.TOPICS, 0, 0), (long) Knobs.TOPICS.length);
    this.perm = new IdPermutation(permDomain, seed);
    this.role = role;
    this.communityOf = communityOf;
    this.commOffsets = commOffsets;
    this.commMembers = commMembers;
    this.commAmbassadors = commAmbassadors;
    this.unaffiliated = unaffiliated;
    this.hubs = hubs;
  }

  /**
   * This layout, but with the inactive slots flagged in {@code present} marked {@link #LEFT}: the
   * view used for the members and truth tables of a window in which those members still appear.
   */
  Layout withDeparted(boolean[] present) {
    byte[] roles = role.clone();
    for (int s = 0; s < universe && s < present.length; s++) {
      if (present[s] && roles[s] == INACTIVE) {
        roles[s] = LEFT;
      }
    }
    return new Layout(seed, activity, universe, permDomain, idWidth, communityWidth, roles, communityOf,
        commOffsets, commMembers, commAmbassadors, unaffiliated, hubs);
  }

  int communitySlots() {
    return commAmbassadors.length;
  }

  int communitySize(int c) {
    return commOffsets[c + 1] - commOffsets[c];
  }

  /** Communities with at least one member. */
  int activeCommunities() {
    int n = 0;
    for (int c = 0; c < communitySlots(); c++) {
      if (communitySize(c) > 0) {
        n++;
      }
    }
    return n;
  }

  /** Members that send interactions: community members, then unaffiliated ones. */
  int senderCount() {
    return commMembers.length + unaffiliated.length;
  }

  int senderSlot(int position) {
    return position < commMembers.length ? commMembers[position] : unaffiliated[position - commMembers.length];
  }

  /** Numeric part of a slot's member id. */
  long idIndex(int slot) {
    return slot < permDomain ? perm.apply(slot) : slot;
  }

  /** The slot whose id has numeric part {@code index}. */
  int slotOfIndex(long index) {
    return (int) (index < permDomain ? perm.inverse(index) : index);
  }

  String memberId(int slot) {
    return Ids.padded('m', idIndex(slot), idWidth);
  }

  String communityId(int c) {
    return Ids.padded('c', c, communityWidth);
  }

  /** Unique per community index: base topic rotated by the seed, numbered by round. */
  String topic(int c) {
    int base = Knobs.TOPICS.length;
    return Knobs.TOPICS[(c + topicOffset) % base] + "-" + (c / base + 1);
  }

  static boolean isPerson(byte role) {
    return role == MEMBER || role == AMBASSADOR || role == UNAFFILIATED || role == LEFT;
  }

  static boolean isHub(byte role) {
    return role == BRAND || role == BOT || role == CELEBRITY;
  }

  /** Opt-out is a fixed trait of a (non-hub) member. */
  boolean optedOut(int slot) {
    return isPerson(role[slot]) && Rng.unit(seed, Streams.OPT_OUT, slot, 0) < Knobs.OPT_OUT;
  }

  long countRole(byte r) {
    long n = 0;
    for (byte b : role) {
      if (b == r) {
        n++;
      }
    }
    return n;
  }

  long activeMembers() {
    long n = 0;
    for (byte b : role) {
      if (b != INACTIVE) {
        n++;
      }
    }
    return n;
  }

  long optedOutCount() {
    long n = 0;
    for (int s = 0; s < universe; s++) {
      if (optedOut(s)) {
        n++;
      }
    }
    return n;
  }
}
