package io.tribes.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
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
      write(interactions(List.of(new Segment(shared, to - spec.days(), to))), base + "/interactions");
      write(members(shared), base + "/members");
      write(truth(shared), base + "/truth");
      long interactions = spark.read().parquet(base + "/interactions").count();
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
