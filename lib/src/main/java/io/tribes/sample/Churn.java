package io.tribes.sample;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Day-by-day evolution of the planted structure for multi-day samples, on the driver. Day 0 is the
 * initial population of {@link World#initial}; at the start of each later day some members leave,
 * some join existing communities, and the four planted events happen once each, spread over the
 * days: a community splits in two, two communities merge, one dissolves (its members stay, without
 * a community) and one is born (from new members).
 */
final class Churn {
  private Churn() {}

  /** Daily probability that a member leaves (never below the minimum community size). */
  static final double LEAVE_DAILY = 0.002;
  /** New members per day, as a share of community members; each joins an existing community. */
  static final double JOIN_DAILY = 0.002;
  static final int SPLIT_MIN_SIZE = 16;
  static final int MERGE_MAX_SIZE = 20;
  static final int DISSOLVE_MAX_SIZE = 20;
  static final int BIRTH_MIN_SIZE = 6;
  static final int BIRTH_MAX_SIZE = 12;

  static final String SPLIT = "split";
  static final String MERGE = "merge";
  static final String DISSOLVE = "dissolve";
  static final String BIRTH = "birth";
  static final String JOIN = "join";
  static final String LEAVE = "leave";

  /** One planted event; community indices are -1 when not applicable. */
  record Event(LocalDate day, String event, int community, int otherCommunity, int members) {}

  /** Layout per day (index 0 = first day) and the events, with ids sized for the whole run. */
  record Timeline(List<Layout> layouts, List<Event> events) {}

  static Timeline simulate(SampleSpec spec, int days, LocalDate firstDay) {
    // pass 1 finds how many member and community ids the run needs, pass 2 freezes with those widths
    World end = run(spec, days, firstDay, -1, -1, null, new ArrayList<>());
    int idWidth = Ids.width(end.universe);
    int communityWidth = Ids.width(end.communities.size());
    List<Layout> layouts = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    run(spec, days, firstDay, idWidth, communityWidth, layouts, events);
    return new Timeline(List.copyOf(layouts), List.copyOf(events));
  }

  /** Day on which planted event e (0 split, 1 merge, 2 dissolve, 3 birth) happens. */
  static int eventDay(int e, int days) {
    return days < 2 ? -1 : 1 + (e * (days - 1)) / 4;
  }

  private static World run(SampleSpec spec, int days, LocalDate firstDay, int idWidth,
      int communityWidth, List<Layout> layouts, List<Event> events) {
    World w = World.initial(spec);
    if (layouts != null) {
      layouts.add(w.freeze(idWidth, communityWidth));
    }
    Set<Integer> touched = new HashSet<>();
    for (int i = 1; i < days; i++) {
      LocalDate day = firstDay.plusDays(i);
      Rng rng = new Rng(Rng.seed(spec.seed(), Streams.CHURN, i, 0));
      events.add(new Event(day, LEAVE, -1, -1, leave(w, rng)));
      events.add(new Event(day, JOIN, -1, -1, join(w, rng)));
      for (int e = 0; e < 4; e++) {
        if (eventDay(e, days) != i) {
          continue;
        }
        Event ev = switch (e) {
          case 0 -> split(w, rng, day, touched);
          case 1 -> merge(w, rng, day, touched);
          case 2 -> dissolve(w, rng, day, touched);
          default -> birth(w, rng, day, touched);
        };
        if (ev != null) {
          events.add(ev);
        }
      }
      if (layouts != null) {
        layouts.add(w.freeze(idWidth, communityWidth));
      }
    }
    return w;
  }

  static int leave(World w, Rng rng) {
    int left = 0;
    for (int s = 0; s < w.universe; s++) {
      byte r = w.role[s];
      if (!(r == Layout.MEMBER || r == Layout.AMBASSADOR || r == Layout.UNAFFILIATED) || !rng.chance(LEAVE_DAILY)) {
        continue;
      }
      int c = w.communityOf[s];
      if (c >= 0 && w.communities.get(c).size() <= Knobs.MIN_COMMUNITY) {
        continue;
      }
      w.role[s] = Layout.INACTIVE;
      w.communityOf[s] = -1;
      if (c >= 0) {
        w.communities.get(c).removeValue(s);
        w.promoteAmbassadors(c);
      }
      left++;
    }
    return left;
  }

  static int join(World w, Rng rng) {
    List<Integer> open = communities(w, 1, Knobs.MAX_COMMUNITY - 1, null);
    long communityMembers = 0;
    for (World.IntList l : w.communities) {
      communityMembers += l.size();
    }
    int n = rng.poisson(JOIN_DAILY * communityMembers);
    int joined = 0;
    for (int k = 0; k < n && !open.isEmpty(); k++) {
      int c = open.get(rng.nextInt(open.size()));
      if (w.communities.get(c).size() >= Knobs.MAX_COMMUNITY) {
        continue;
      }
      int s = w.newSlot(Layout.MEMBER);
      w.communityOf[s] = c;
      w.communities.get(c).add(s);
      joined++;
    }
    return joined;
  }

  static Event split(World w, Rng rng, LocalDate day, Set<Integer> touched) {
    List<Integer> candidates = communities(w, SPLIT_MIN_SIZE, Integer.MAX_VALUE, touched);
    if (candidates.isEmpty()) {
      return null;
    }
    int c = candidates.get(rng.nextInt(candidates.size()));
    int[] members = w.communities.get(c).toArray();
    for (int i = members.length - 1; i > 0; i--) { // Fisher-Yates
      int j = rng.nextInt(i + 1);
      int t = members[i];
      members[i] = members[j];
      members[j] = t;
    }
    int keep = (members.length + 1) / 2;
    int fresh = w.communities.size();
    World.IntList stays = w.communities.get(c);
    World.IntList goes = new World.IntList(members.length - keep);
    w.communities.add(goes);
    for (int i = keep; i < members.length; i++) {
      stays.removeValue(members[i]);
      goes.add(members[i]);
      w.communityOf[members[i]] = fresh;
    }
    w.promoteAmbassadors(c);
    w.promoteAmbassadors(fresh);
    touched.add(c);
    touched.add(fresh);
    return new Event(day, SPLIT, c, fresh, goes.size());
  }

  static Event merge(World w, Rng rng, LocalDate day, Set<Integer> touched) {
    List<Integer> small = communities(w, Knobs.MIN_COMMUNITY, MERGE_MAX_SIZE, touched);
    if (small.size() < 2) {
      return null;
    }
    int a = small.get(rng.nextInt(small.size()));
    List<Integer> partners = communities(w, Knobs.MIN_COMMUNITY,
        Knobs.MAX_COMMUNITY - w.communities.get(a).size(), touched);
    partners.remove(Integer.valueOf(a));
    if (partners.isEmpty()) {
      return null;
    }
    int b = partners.get(rng.nextInt(partners.size()));
    World.IntList into = w.communities.get(a);
    World.IntList from = w.communities.get(b);
    for (int i = 0; i < from.size(); i++) {
      into.add(from.get(i));
      w.communityOf[from.get(i)] = a;
    }
    from.clear();
    touched.add(a);
    touched.add(b);
    return new Event(day, MERGE, a, b, into.size());
  }

  static Event dissolve(World w, Rng rng, LocalDate day, Set<Integer> touched) {
    List<Integer> candidates = communities(w, Knobs.MIN_COMMUNITY, DISSOLVE_MAX_SIZE, touched);
    if (candidates.isEmpty()) {
      return null;
    }
    int c = candidates.get(rng.nextInt(candidates.size()));
    World.IntList members = w.communities.get(c);
    int n = members.size();
    for (int i = 0; i < n; i++) {
      int s = members.get(i);
      w.role[s] = Layout.UNAFFILIATED;
      w.communityOf[s] = -1;
    }
    members.clear();
    touched.add(c);
    return new Event(day, DISSOLVE, c, -1, n);
  }

  static Event birth(World w, Rng rng, LocalDate day, Set<Integer> touched) {
    int size = BIRTH_MIN_SIZE + rng.nextInt(BIRTH_MAX_SIZE - BIRTH_MIN_SIZE + 1);
    int c = w.communities.size();
    World.IntList members = new World.IntList(size);
    w.communities.add(members);
    for (int i = 0; i < size; i++) {
      int s = w.newSlot(Layout.MEMBER);
      w.communityOf[s] = c;
      members.add(s);
    }
    w.promoteAmbassadors(c);
    touched.add(c);
    return new Event(day, BIRTH, c, -1, size);
  }

  /** Community indices with size in [min, max], in index order, excluding {@code skip}. */
  static List<Integer> communities(World w, int min, int max, Set<Integer> skip) {
    List<Integer> out = new ArrayList<>();
    for (int c = 0; c < w.communities.size(); c++) {
      int size = w.communities.get(c).size();
      if (size >= min && size <= max && (skip == null || !skip.contains(c))) {
        out.add(c);
      }
    }
    return out;
  }
}
