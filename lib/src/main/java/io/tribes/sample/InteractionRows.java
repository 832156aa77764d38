package io.tribes.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor-side row makers. Every row depends only on (seed, slot or hub, calendar day, layout),
 * never on partitioning, so any partition count yields the same rows.
 */
final class InteractionRows {
  private InteractionRows() {}

  static final long MICROS_PER_DAY = 86_400L * 1_000_000L;

  /** A timestamp (micros since epoch) on {@code epochDay} following the diurnal profile. */
  static long timestamp(Rng rng, long epochDay) {
    int hour = rng.pick(Knobs.HOURS);
    long second = hour * 3600L + rng.nextInt(3600);
    long millis = rng.nextInt(1000);
    return epochDay * MICROS_PER_DAY + second * 1_000_000L + millis * 1_000L;
  }

  static Double weight(Rng rng) {
    return rng.chance(Knobs.WEIGHTED) ? Knobs.WEIGHTS[rng.nextInt(Knobs.WEIGHTS.length)] : null;
  }

  static Row row(String src, String dst, int type, long tsMicros, Double weight, String topic) {
    return RowFactory.create(src, dst, Knobs.TYPES[type], tsMicros, weight, topic);
  }

  /** A random community member outside community {@code own} (or -1 if there is none). */
  static int outsider(Layout l, Rng rng, int own) {
    int total = l.commMembers.length;
    if (total == 0) {
      return -1;
    }
    for (int attempt = 0; attempt < 16; attempt++) {
      int s = l.commMembers[rng.nextInt(total)];
      if (own < 0 || l.communityOf[s] != own) {
        return s;
      }
    }
    return -1;
  }

  /** Interactions sent by community (and unaffiliated) members on days [fromDay, toDay). */
  static final class Members implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Layout> layout;
    private final long fromDay;
    private final long toDay;

    Members(Broadcast<Layout> layout, long fromDay, long toDay) {
      this.layout = layout;
      this.fromDay = fromDay;
      this.toDay = toDay;
    }

    @Override
    public Iterator<Row> call(Long position) {
      Layout l = layout.value();
      int slot = l.senderSlot(Math.toIntExact(position));
      byte role = l.role[slot];
      int c = l.communityOf[slot];

      // traits fixed for the member's life
      Rng traits = new Rng(Rng.seed(l.seed, Streams.MEMBER_TRAITS, slot, 0));
      double activity = Math.exp(Knobs.ACTIVITY_SIGMA * traits.gaussian());
      activity = Math.min(Knobs.ACTIVITY_MAX, Math.max(Knobs.ACTIVITY_MIN, activity));
      double factor = traits.uniform(Knobs.AMBASSADOR_FACTOR_MIN, Knobs.AMBASSADOR_FACTOR_MAX);
      double rate = Knobs.ORDINARY_DAILY * activity * l.activity;
      if (role == Layout.AMBASSADOR) {
        rate *= factor;
      } else if (role == Layout.UNAFFILIATED || c < 0) {
        rate *= Knobs.UNAFFILIATED_FACTOR;
      }

      int start = c >= 0 ? l.commOffsets[c] : 0;
      int size = c >= 0 ? l.communitySize(c) : 0;
      int ambassadors = c >= 0 ? l.commAmbassadors[c] : 0;
      String src = l.memberId(slot);
      String ownTopic = c >= 0 ? l.topic(c) : null;
      List<Row> out = null;
      for (long day = fromDay; day < toDay; day++) {
        Rng rng = new Rng(Rng.seed(l.seed, Streams.MEMBER_DAY, slot, day));
        int n = rng.poisson(rate);
        for (int k = 0; k < n; k++) {
          long ts = timestamp(rng, day);
          Double weight = weight(rng);
          boolean noise = size < 2 || rng.chance(Knobs.NOISE);
          Row row;
          if (noise) {
            int dst = outsider(l, rng, c);
            if (dst < 0) {
              continue;
            }
            int type = rng.pick(Knobs.NOISE_TYPES);
            row = row(src, l.memberId(dst), type, ts, weight, l.topic(rng.nextInt(l.communitySlots())));
          } else {
            int dst;
            int type;
            boolean isAmbassador = role == Layout.AMBASSADOR;
            if (!isAmbassador && ambassadors > 0 && rng.chance(Knobs.TO_AMBASSADOR)) {
              dst = l.commMembers[start + rng.nextInt(ambassadors)];
            } else {
              dst = slot;
              while (dst == slot) {
                dst = l.commMembers[start + rng.nextInt(size)];
              }
            }
            type = rng.pick(isAmbassador ? Knobs.AMBASSADOR_TYPES : Knobs.ORDINARY_TYPES);
            row = row(src, l.memberId(dst), type, ts, weight, ownTopic);
          }
          if (out == null) {
            out = new ArrayList<>();
          }
          out.add(row);
        }
      }
      return out == null ? Collections.emptyIterator() : out.iterator();
    }
  }

  /** Interactions of hub accounts; one input row per (hub, day) of [fromDay, toDay). */
  static final class Hubs implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Layout> layout;
    private final long fromDay;
    private final long toDay;

    Hubs(Broadcast<Layout> layout, long fromDay, long toDay) {
      this.layout = layout;
      this.fromDay = fromDay;
      this.toDay = toDay;
    }

    static int dailyRows(Layout l, byte role) {
      double share = switch (role) {
        case Layout.BRAND -> Knobs.BRAND_DAILY;
        case Layout.BOT -> Knobs.BOT_DAILY;
        default -> Knobs.CELEBRITY_DAILY;
      };
      return (int) Math.max(Knobs.HUB_MIN_DAILY, Math.round(share * l.activity * l.commMembers.length));
    }

    @Override
    public Iterator<Row> call(Long position) {
      Layout l = layout.value();
      long days = toDay - fromDay;
      int hub = l.hubs[(int) (position / days)];
      long day = fromDay + position % days;
      byte role = l.role[hub];
      if (l.commMembers.length == 0) {
        return Collections.emptyIterator();
      }
      Rng rng = new Rng(Rng.seed(l.seed, Streams.HUB_DAY, hub, day));
      int n = dailyRows(l, role);
      String hubId = l.memberId(hub);
      List<Row> out = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        long ts = timestamp(rng, day);
        Double weight = weight(rng);
        int member = l.commMembers[rng.nextInt(l.commMembers.length)];
        String memberId = l.memberId(member);
        switch (role) {
          case Layout.BRAND -> {
            if (rng.chance(Knobs.BRAND_OUTGOING)) {
              out.add(row(hubId, memberId, rng.pick(Knobs.BRAND_OUT_TYPES), ts, weight, Knobs.BRAND_TOPIC));
            } else {
              out.add(row(memberId, hubId, rng.pick(Knobs.TO_BRAND_TYPES), ts, weight, Knobs.BRAND_TOPIC));
            }
          }
          case Layout.BOT -> {
            String topic = l.topic(rng.nextInt(l.communitySlots()));
            if (rng.chance(Knobs.BOT_OUTGOING)) {
              out.add(row(hubId, memberId, rng.pick(Knobs.BOT_TYPES), ts, weight, topic));
            } else {
              out.add(row(memberId, hubId, 0, ts, weight, topic));
            }
          }
          default -> {
            if (rng.chance(Knobs.CELEBRITY_OUTGOING)) {
              out.add(row(hubId, memberId, 0, ts, weight, Knobs.CELEBRITY_TOPIC));
            } else {
              out.add(row(memberId, hubId, rng.pick(Knobs.TO_CELEBRITY_TYPES), ts, weight, Knobs.CELEBRITY_TOPIC));
            }
          }
        }
      }
      return out.iterator();
    }
  }

  /** One row per active slot (inactive slots give none), in member-id order: the members and truth tables. */
  abstract static class PerActiveSlot implements FlatMapFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Layout> layout;

    PerActiveSlot(Broadcast<Layout> layout) {
      this.layout = layout;
    }

    @Override
    public final Iterator<Row> call(Long index) {
      Layout l = layout.value();
      int slot = l.slotOfIndex(index);
      byte role = l.role[slot];
      return role == Layout.INACTIVE ? Collections.emptyIterator() : Collections.singletonList(row(l, slot, role)).iterator();
    }

    abstract Row row(Layout l, int slot, byte role);
  }

  /** One {@code members} row per active slot. */
  static final class MemberTable extends PerActiveSlot {
    private static final long serialVersionUID = 1L;

    MemberTable(Broadcast<Layout> layout) {
      super(layout);
    }

    @Override
    Row row(Layout l, int slot, byte role) {
      return RowFactory.create(l.memberId(slot), l.optedOut(slot), role == Layout.BRAND, role == Layout.BOT);
    }
  }

  /** One {@code truth} row per active slot. */
  static final class TruthTable extends PerActiveSlot {
    private static final long serialVersionUID = 1L;

    TruthTable(Broadcast<Layout> layout) {
      super(layout);
    }

    @Override
    Row row(Layout l, int slot, byte role) {
      int c = l.communityOf[slot];
      String community = (role == Layout.MEMBER || role == Layout.AMBASSADOR) && c >= 0 ? l.communityId(c) : null;
      return RowFactory.create(l.memberId(slot), community, role == Layout.AMBASSADOR);
    }
  }
}
