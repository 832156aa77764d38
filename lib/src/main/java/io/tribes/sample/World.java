package io.tribes.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mutable planted structure, on the driver only: member roles and community memberships.
 * {@link #initial} plants the first population; churn (multi-day samples) edits it day by day;
 * {@link #freeze} turns the current state into a {@link Layout} for the executors. Everything here
 * is O(members) and sequential, so it is deterministic by construction.
 */
final class World {
  final long seed;
  /** {@link SampleSpec#activity()}. */
  final double activity;
  /** The initial population (hubs included): slots below it get permuted ids. */
  final int permDomain;
  int universe;
  byte[] role;
  int[] communityOf;
  /** Per community index: member slots in joining order (ambassadors are marked by role). */
  final List<IntList> communities = new ArrayList<>();
  final int[] hubs;

  private World(long seed, double activity, int permDomain, int hubCount) {
    this.seed = seed;
    this.activity = activity;
    this.permDomain = permDomain;
    this.universe = permDomain;
    this.role = new byte[permDomain];
    this.communityOf = new int[permDomain];
    Arrays.fill(communityOf, -1);
    this.hubs = new int[hubCount];
  }

  /** Hubs in slots 0..H-1 (brand, bots, celebrities), then communities filling the remaining slots. */
  static World initial(SampleSpec spec) {
    int n = Math.toIntExact(spec.members());
    int hubCount = 1 + Knobs.BOTS + Knobs.CELEBRITIES;
    World w = new World(spec.seed(), spec.activity(), n, hubCount);
    int slot = 0;
    w.role[slot] = Layout.BRAND;
    w.hubs[slot] = slot;
    slot++;
    for (int i = 0; i < Knobs.BOTS; i++, slot++) {
      w.role[slot] = Layout.BOT;
      w.hubs[slot] = slot;
    }
    for (int i = 0; i < Knobs.CELEBRITIES; i++, slot++) {
      w.role[slot] = Layout.CELEBRITY;
      w.hubs[slot] = slot;
    }
    Rng rng = new Rng(Rng.seed(spec.seed(), Streams.COMMUNITY_SIZES, 0, 0));
    int[] sizes = communitySizes(n - hubCount, rng);
    for (int size : sizes) {
      IntList members = new IntList(size);
      int c = w.communities.size();
      w.communities.add(members);
      for (int i = 0; i < size; i++, slot++) {
        w.role[slot] = Layout.MEMBER;
        w.communityOf[slot] = c;
        members.add(slot);
      }
      w.promoteAmbassadors(c);
    }
    if (slot != n) {
      throw new IllegalStateException("planted " + slot + " slots for " + n + " members");
    }
    return w;
  }

  static int ambassadorsFor(int size) {
    return size == 0 ? 0 : Math.max(1, (int) Math.round(Knobs.AMBASSADOR_SHARE * size));
  }

  /** Makes the first members ambassadors until the community has its share. */
  void promoteAmbassadors(int c) {
    IntList members = communities.get(c);
    int want = ambassadorsFor(members.size());
    int have = 0;
    for (int i = 0; i < members.size(); i++) {
      if (role[members.get(i)] == Layout.AMBASSADOR) {
        have++;
      }
    }
    for (int i = 0; i < members.size() && have < want; i++) {
      int s = members.get(i);
      if (role[s] == Layout.MEMBER) {
        role[s] = Layout.AMBASSADOR;
        have++;
      }
    }
  }

  /** Truncated discrete power law sizes summing exactly to {@code total} (each within bounds when total >= MIN). */
  static int[] communitySizes(int total, Rng rng) {
    int min = Knobs.MIN_COMMUNITY;
    int max = Knobs.MAX_COMMUNITY;
    double[] weights = new double[max - min + 1];
    for (int s = min; s <= max; s++) {
      weights[s - min] = Math.pow(s, -Knobs.SIZE_ALPHA);
    }
    double[] cdf = Rng.cumulative(weights);
    IntList sizes = new IntList(Math.max(16, total / 8));
    int sum = 0;
    while (sum < total) {
      int s = min + rng.pick(cdf);
      int left = total - sum;
      if (s >= left) {
        s = left;
      }
      sizes.add(s);
      sum += s;
    }
    int last = sizes.size() - 1;
    if (sizes.get(last) < min && last > 0) {
      // fold a too-small remainder into the previous community, or borrow from it
      int prev = sizes.get(last - 1);
      int rem = sizes.get(last);
      if (prev + rem <= max) {
        sizes.set(last - 1, prev + rem);
        sizes.removeLast();
      } else {
        int borrow = min - rem;
        sizes.set(last - 1, prev - borrow);
        sizes.set(last, min);
      }
    }
    return sizes.toArray();
  }

  int newSlot(byte r) {
    if (universe == role.length) {
      int cap = Math.max(16, role.length + (role.length >> 3));
      role = Arrays.copyOf(role, cap);
      int old = communityOf.length;
      communityOf = Arrays.copyOf(communityOf, cap);
      Arrays.fill(communityOf, old, cap, -1);
    }
    int s = universe++;
    role[s] = r;
    return s;
  }

  /** The current state for executors. Widths must fit every id the whole sample will use. */
  Layout freeze(int idWidth, int communityWidth) {
    int communityCount = communities.size();
    int[] offsets = new int[communityCount + 1];
    int total = 0;
    for (int c = 0; c < communityCount; c++) {
      offsets[c] = total;
      total += communities.get(c).size();
    }
    offsets[communityCount] = total;
    int[] members = new int[total];
    int[] ambassadors = new int[communityCount];
    for (int c = 0; c < communityCount; c++) {
      IntList list = communities.get(c);
      int at = offsets[c];
      for (int i = 0; i < list.size(); i++) {
        if (role[list.get(i)] == Layout.AMBASSADOR) {
          members[at++] = list.get(i);
          ambassadors[c]++;
        }
      }
      for (int i = 0; i < list.size(); i++) {
        if (role[list.get(i)] != Layout.AMBASSADOR) {
          members[at++] = list.get(i);
        }
      }
    }
    IntList unaffiliated = new IntList(16);
    for (int s = 0; s < universe; s++) {
      if (role[s] == Layout.UNAFFILIATED) {
        unaffiliated.add(s);
      }
    }
    return new Layout(seed, activity, universe, permDomain, idWidth, communityWidth,
        Arrays.copyOf(role, universe), Arrays.copyOf(communityOf, universe), offsets, members,
        ambassadors, unaffiliated.toArray(), hubs.clone());
  }

  /** Phase-1 widths: ids fit the population, community ids fit the planted communities. */
  Layout freeze() {
    return freeze(Ids.width(universe), Ids.width(communities.size()));
  }

  /** A growable int array. */
  static final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    int get(int i) {
      return a[i];
    }

    void set(int i, int v) {
      a[i] = v;
    }

    int size() {
      return n;
    }

    void removeLast() {
      n--;
    }

    /** Removes the first occurrence of {@code v}, keeping order; false if absent. */
    boolean removeValue(int v) {
      for (int i = 0; i < n; i++) {
        if (a[i] == v) {
          System.arraycopy(a, i + 1, a, i, n - i - 1);
          n--;
          return true;
        }
      }
      return false;
    }

    void clear() {
      n = 0;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
