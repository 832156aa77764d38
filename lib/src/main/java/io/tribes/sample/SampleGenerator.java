package io.tribes.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deterministic synthetic interaction graphs with planted micro-communities, ambassadors, hubs and
 * opt-outs, for the demo, tests and benchmarks.
 *
 * <p>The small planted structure (who is in which community, who is an ambassador) is built on
 * the driver (a few ints per member) and broadcast; interactions are generated on executors from
 * {@code spark.range} over members, each member's rows seeded from (seed, member, day). Partition
 * counts derive from the spec alone, and no step shuffles, so the same spec gives the same rows,
 * in the same files, whatever the cluster or {@code spark.sql.shuffle.partitions}.
 */
public final class SampleGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(SampleGenerator.class);

  private final SparkSession spark;

  public SampleGenerator(SparkSession spark) {
    this.spark = Objects.requireNonNull(spark, "spark");
  }

  /**
   * What was written. {@code members} counts every account (hubs included), {@code hubs} the brand,
   * bot and unflagged celebrity accounts, {@code communities} the planted communities.
   */
  public record SampleSummary(long members, long communities, long interactions, long ambassadors,
      long optedOut, long hubs) {}

  /** The three tables of a sample as lazy Datasets (nothing is computed until used). */
  public record SampleTables(Dataset<Row> interactions, Dataset<Row> members, Dataset<Row> truth) {}

  /**
   * Writes {@code outDir/interactions}, {@code outDir/members} and {@code outDir/truth} as Parquet,
   * replacing whatever is there. {@code outDir} is any Hadoop path (local, file://, s3a://...).
   */
  public SampleSummary generate(SampleSpec spec, String outDir) {
    Objects.requireNonNull(spec, "spec");
    String base = trimDir(outDir);
    long started = System.nanoTime();
    Layout layout = World.initial(spec).freeze();
    Broadcast<Layout> shared = broadcast(layout);
    try {
      long to = spec.endDate().toEpochDay();
      long planted = System.nanoTime();
      write(interactions(List.of(new Segment(shared, to - spec.days(), to))), base + "/interactions");
      long wroteInteractions = System.nanoTime();
      write(members(shared), base + "/members");
      write(truth(shared), base + "/truth");
      long interactions = spark.read().parquet(base + "/interactions").count();
      LOG.debug("planted structure {} ms, interactions {} ms, members+truth+count {} ms",
          (planted - started) / 1_000_000, (wroteInteractions - planted) / 1_000_000,
          (System.nanoTime() - wroteInteractions) / 1_000_000);
      SampleSummary summary = summarize(layout, interactions);
      LOG.info("sample {} written to {} in {} ms", summary, base, (System.nanoTime() - started) / 1_000_000);
      return summary;
    } finally {
      shared.destroy();
    }
  }

  /** The tables of {@link #generate} without writing them. */
  public SampleTables tables(SampleSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Broadcast<Layout> shared = broadcast(World.initial(spec).freeze());
    long to = spec.endDate().toEpochDay();
    return new SampleTables(interactions(List.of(new Segment(shared, to - spec.days(), to))),
        members(shared), truth(shared));
  }

  /** Upper bound on {@code consecutiveDays} of {@link #generateDays}. */
  public static final int MAX_CONSECUTIVE_DAYS = 366;

  /** What {@link #generateDays} wrote: one summary per day directory, and the number of event rows. */
  public record DaysSummary(List<LocalDate> days, List<SampleSummary> daily, long events) {}

  /**
   * A multi-day sample with churn, all from one seed. The days are the {@code consecutiveDays} dates
   * before {@code spec.endDate()} (the last one is {@code endDate - 1}). Each day directory
   * {@code outDir/day=YYYY-MM-DD/} holds {@code interactions} of the {@code spec.days()}-day window
   * ending with that day (inclusive), and {@code members} and {@code truth} as of that day.
   *
   * <p>The first day's structure is exactly that of {@link #generate}; at the start of each later
   * day some members leave (listed in {@code members} while their interactions are in the window,
   * with a null community in {@code truth}), some join, and one community splits, two merge, one
   * dissolves (its members stay, without a community) and one is born, once each, spread over the
   * days. Interactions of a calendar day are generated with that day's structure, so overlapping
   * windows agree row for row; with {@code consecutiveDays == 1} the output equals {@link #generate}.
   *
   * <p>{@code outDir/events} (schema {@link SampleSchemas#EVENTS}) lists the planted events: split
   * (community, other_community = the new part, members moved), merge (community = survivor,
   * other_community = absorbed, members after), dissolve, birth, and daily join/leave counts.
   * Other {@code day=} directories under {@code outDir} are removed.
   */
  public DaysSummary generateDays(SampleSpec spec, int consecutiveDays, String outDir) {
    Objects.requireNonNull(spec, "spec");
    if (consecutiveDays < 1 || consecutiveDays > MAX_CONSECUTIVE_DAYS) {
      throw new IllegalArgumentException("consecutiveDays must be between 1 and " + MAX_CONSECUTIVE_DAYS
          + ", got " + consecutiveDays);
    }
    String base = trimDir(outDir);
    long started = System.nanoTime();
    LocalDate firstDay = spec.endDate().minusDays(consecutiveDays);
    Churn.Timeline timeline = Churn.simulate(spec, consecutiveDays, firstDay);
    List<Broadcast<Layout>> shared = new ArrayList<>();
    List<LocalDate> days = new ArrayList<>();
    List<SampleSummary> daily = new ArrayList<>();
    try {
      for (Layout l : timeline.layouts()) {
        shared.add(broadcast(l));
      }
      long first = firstDay.toEpochDay();
      for (int i = 0; i < consecutiveDays; i++) {
        LocalDate day = firstDay.plusDays(i);
        long from = day.toEpochDay() + 1 - spec.days();
        long to = day.toEpochDay() + 1;
        // calendar day t uses the layout of day max(0, t - first)
        List<Segment> segments = new ArrayList<>();
        int firstLayout = (int) Math.max(0, from - first);
        boolean[] present = new boolean[timeline.layouts().get(i).universe];
        for (int j = firstLayout; j <= i; j++) {
          long segFrom = j == 0 ? from : Math.max(from, first + j);
          long segTo = Math.min(to, first + j + 1);
          if (segFrom < segTo) {
            segments.add(new Segment(shared.get(j), segFrom, segTo));
          }
          byte[] roles = timeline.layouts().get(j).role;
          for (int s = 0; s < roles.length; s++) {
            present[s] |= roles[s] != Layout.INACTIVE;
          }
        }
        Layout view = timeline.layouts().get(i).withDeparted(present);
        Broadcast<Layout> viewShared = broadcast(view);
        try {
          String dir = base + "/day=" + day;
          write(interactions(segments), dir + "/interactions");
          write(members(viewShared), dir + "/members");
          write(truth(viewShared), dir + "/truth");
          long interactions = spark.read().parquet(dir + "/interactions").count();
          days.add(day);
          daily.add(summarize(view, interactions));
        } finally {
          viewShared.destroy();
        }
      }
    } finally {
      for (Broadcast<Layout> b : shared) {
        b.destroy();
      }
    }
    List<Row> events = new ArrayList<>();
    Layout last = timeline.layouts().get(timeline.layouts().size() - 1);
    for (Churn.Event e : timeline.events()) {
      events.add(RowFactory.create(java.sql.Date.valueOf(e.day()), e.event(),
          e.community() < 0 ? null : last.communityId(e.community()),
          e.otherCommunity() < 0 ? null : last.communityId(e.otherCommunity()), e.members()));
    }
    write(spark.createDataFrame(events, SampleSchemas.EVENTS).coalesce(1), base + "/events");
    removeOtherDays(base, days);
    DaysSummary summary = new DaysSummary(List.copyOf(days), List.copyOf(daily), events.size());
    LOG.info("{} days of churn sample written to {} in {} ms ({} events)", consecutiveDays, base,
        (System.nanoTime() - started) / 1_000_000, events.size());
    return summary;
  }

  private void removeOtherDays(String base, List<LocalDate> days) {
    try {
      Path root = new Path(base);
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] found = fs.globStatus(new Path(root, "day=*"));
      if (found == null) {
        return;
      }
      for (FileStatus st : found) {
        String name = st.getPath().getName();
        boolean current = days.stream().anyMatch(d -> name.equals("day=" + d));
        if (!current) {
          fs.delete(st.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean old day directories under " + base, e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Calendar days [fromDay, toDay) (epoch days) generated with one layout. */
  record Segment(Broadcast<Layout> layout, long fromDay, long toDay) {
    long days() {
      return toDay - fromDay;
    }
  }

  Broadcast<Layout> broadcast(Layout layout) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(layout);
  }

  static SampleSummary summarize(Layout layout, long interactions) {
    long hubs = layout.hubs.length;
    return new SampleSummary(layout.activeMembers(), layout.activeCommunities(), interactions,
        layout.countRole(Layout.AMBASSADOR), layout.optedOutCount(), hubs);
  }

  static int partitions(long work, long perPartition, int min, long max) {
    long p = (work + perPartition - 1) / perPartition;
    return (int) Math.max(1, Math.min(max, Math.max(min, p)));
  }

  Dataset<Row> interactions(List<Segment> segments) {
    Dataset<Row> all = null;
    for (Segment seg : segments) {
      if (seg.days() <= 0) {
        continue;
      }
      Layout l = seg.layout().value();
      long senders = l.senderCount();
      if (senders > 0) {
        int parts = partitions(senders * seg.days(), Knobs.MEMBER_DAYS_PER_PARTITION, 2, senders);
        Dataset<Row> rows = spark.range(0, senders, 1, parts)
            .flatMap(new InteractionRows.Members(seg.layout(), seg.fromDay(), seg.toDay()),
                Encoders.row(SampleSchemas.RAW_INTERACTIONS));
        all = all == null ? rows : all.union(rows);
      }
      long hubDays = (long) l.hubs.length * seg.days();
      if (hubDays > 0 && l.commMembers.length > 0) {
        long hubRows = 0;
        for (int h : l.hubs) {
          hubRows += InteractionRows.Hubs.dailyRows(l, l.role[h]) * seg.days();
        }
        int parts = partitions(hubRows, Knobs.HUB_ROWS_PER_PARTITION, 1, hubDays);
        Dataset<Row> rows = spark.range(0, hubDays, 1, parts)
            .flatMap(new InteractionRows.Hubs(seg.layout(), seg.fromDay(), seg.toDay()),
                Encoders.row(SampleSchemas.RAW_INTERACTIONS));
        all = all == null ? rows : all.union(rows);
      }
    }
    if (all == null) {
      all = spark.createDataFrame(new ArrayList<Row>(), SampleSchemas.RAW_INTERACTIONS);
    }
    return all.select(
        functions.col("src"),
        functions.col("dst"),
        functions.col("type"),
        functions.expr("timestamp_micros(ts_us)").as("ts"),
        functions.col("weight"),
        functions.col("topic"));
  }

  Dataset<Row> members(Broadcast<Layout> shared) {
    long universe = shared.value().universe;
    return spark.range(0, universe, 1, partitions(universe, Knobs.MEMBERS_PER_PARTITION, 1, universe))
        .flatMap(new InteractionRows.MemberTable(shared), Encoders.row(SampleSchemas.RAW_MEMBERS));
  }

  Dataset<Row> truth(Broadcast<Layout> shared) {
    long universe = shared.value().universe;
    return spark.range(0, universe, 1, partitions(universe, Knobs.MEMBERS_PER_PARTITION, 1, universe))
        .flatMap(new InteractionRows.TruthTable(shared), Encoders.row(SampleSchemas.RAW_TRUTH));
  }

  static void write(Dataset<Row> rows, String path) {
    rows.write().mode(SaveMode.Overwrite).parquet(path);
  }

  static String trimDir(String outDir) {
    Objects.requireNonNull(outDir, "outDir");
    String s = outDir.strip();
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("outDir must not be empty");
    }
    return s;
  }

}
