package io.tribes.pipeline;

import static org.apache.spark.sql.functions.col;

import io.tribes.config.TribesConfig;
import io.tribes.graph.GraphBuilder;
import io.tribes.graph.InteractionGraph;
import io.tribes.input.InputReader;
import io.tribes.input.Inputs;
import io.tribes.warehouse.RunManifest;
import io.tribes.config.S3Settings;
import io.tribes.warehouse.SegmentWriter;
import io.tribes.warehouse.Warehouse;
import io.tribes.warehouse.WarehouseLock;
import io.tribes.stages.CommunityDetector;
import io.tribes.stages.CommunityMatcher;
import io.tribes.stages.Detection;
import io.tribes.stages.MemberRanker;
import io.tribes.stages.Ranking;
import io.tribes.stages.SegmentTables;
import io.tribes.stages.SegmentShaper;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The nightly job: load, build graph, detect, rank, shape, publish. Each stage is a function of
 * Datasets (its own class, testable alone); this class only sequences and times them, and hands what they
 * return to {@link ManifestAssembler} for the manifest. I/O happens in the first (load) and last (publish) stage
 * only.
 */
public final class NightlyPipeline {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NightlyPipeline.class);

  private final SparkSession spark;
  private final TribesConfig config;

  public NightlyPipeline(SparkSession spark, TribesConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /**
   * Runs the job for {@code runDate} holding the warehouse's writer lock from before any work until it
   * ends (released on success and on failure; a run that dies leaves it to expire).
   */
  public RunManifest run(LocalDate runDate) {
    String startedAt = Instant.now().toString();
    io.tribes.config.ConfigLoader.requireInputs(config);
    S3Settings.apply(spark, config.s3());
    Warehouse warehouse = new Warehouse(spark, config.warehouse());
    warehouse.checkWritable();
    String runId = UUID.randomUUID().toString();
    try (WarehouseLock lock = WarehouseLock.acquire(warehouse, runDate, runId,
        java.time.Duration.ofSeconds(config.warehouseLockLeaseSeconds()))) {
      SegmentWriter writer = new SegmentWriter(warehouse, config.warehouseRetentionRuns(), lock);
      writer.checkRetained(runDate); // a backfill that retention would remove: refused before any work
      SparkActivity activity = SparkActivity.attach(spark.sparkContext());
      Map<String, Option<String>> restore = smallInputSettings();
      try {
        return run(runDate, runId, startedAt, warehouse, writer, new StageLog(spark.sparkContext(), activity));
      } finally {
        activity.detach(spark.sparkContext());
        restore.forEach((k, v) -> {
          if (v.isDefined()) spark.conf().set(k, v.get());
          else spark.conf().unset(k);
        });
      }
    }
  }

  /**
   * Interactions up to this many bytes of Parquet (about 5 million interactions in the sample's shape, 13 bytes
   * each) are a small input: its run has no adaptive query execution and at most one shuffle partition per core.
   */
  public static final long SMALL_INPUT_BYTES = 64L << 20;

  /**
   * Interactions up to this many bytes (about 150,000 interactions in the sample's shape) are a tiny input:
   * its run evaluates Spark SQL expressions interpreted instead of compiling them.
   */
  public static final long TINY_INPUT_BYTES = 2L << 20;

  /**
   * On a small input, adaptive query execution only adds cost: it runs every shuffle stage as a Spark job of
   * its own and re-plans the query after each (a query with k shuffles is k+1 jobs instead of one), to
   * coalesce partitions that a small input never fills. So for such a run: {@code
   * spark.sql.adaptive.enabled=false} and {@code spark.sql.shuffle.partitions} lowered to the default
   * parallelism (a ceiling). On a tiny input, compiling code for each query (whole-stage code generation, and each
   * projection's and predicate's class; Janino, then the JIT) costs more than the rows it speeds up: a run
   * compiles several hundred classes, about a quarter of a small run's CPU in a profile (BENCHMARKS.md). So
   * {@code spark.sql.codegen.wholeStage=false} and {@code spark.sql.codegen.factoryMode=NO_CODEGEN} (Spark's
   * interpreted evaluators, which its own test suite holds to the same results). Except for the partitions, a
   * setting given explicitly (e.g. by spark-submit --conf) is kept. The results do not depend on any of them (same tables whatever the
   * partitioning or evaluation). Returns the previous values, restored after the run.
   */
  private Map<String, Option<String>> smallInputSettings() {
    Map<String, Option<String>> previous = new LinkedHashMap<>();
    long bytes = inputBytes(config.input().interactions());
    if (bytes < 0 || bytes > SMALL_INPUT_BYTES) return previous;
    override(previous, "spark.sql.adaptive.enabled", "false");
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    if (partitions > cores) { // always in the SparkConf (the config's spark.shuffle-partitions): a ceiling here
      previous.put("spark.sql.shuffle.partitions", spark.conf().getOption("spark.sql.shuffle.partitions"));
      spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(cores));
    }
    if (bytes <= TINY_INPUT_BYTES) {
      override(previous, "spark.sql.codegen.wholeStage", "false");
      override(previous, "spark.sql.codegen.factoryMode", "NO_CODEGEN");
    }
    LOG.info("small input ({} bytes of interactions <= {}): {}", bytes, SMALL_INPUT_BYTES,
        previous.isEmpty() ? "settings unchanged" : "set " + previous.keySet().stream()
            .map(k -> k + "=" + spark.conf().get(k)).toList());
    return previous;
  }

  /** Sets {@code key} for this run unless the application set it explicitly, remembering its previous value. */
  private void override(Map<String, Option<String>> previous, String key, String value) {
    if (spark.sparkContext().getConf().contains(key)) return;
    previous.put(key, spark.conf().getOption(key));
    spark.conf().set(key, value);
  }

  /** Bytes under the interactions path, or -1 when they cannot be listed (the load stage then says why). */
  private long inputBytes(String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).getContentSummary(p).getLength();
    } catch (Exception e) {
      return -1;
    }
  }

  private RunManifest run(LocalDate runDate, String runId, String startedAt, Warehouse warehouse, SegmentWriter writer,
      StageLog log) {

    record Loaded(Inputs inputs, Dataset<Row> previous, String previousDate) {}
    Loaded loaded = log.run("load", () -> {
      warehouse.checkWritable();
      Inputs in = new InputReader(spark).read(config.input().interactions(), config.input().membersTable(),
          config.input().forget());
      Optional<Warehouse.PublishedRun> prev = warehouse.before(runDate);
      Dataset<Row> previous = prev.map(p -> p.memberSegments().filter(col("community_id").isNotNull())
          .select("member_id", "community_id")).orElse(null);
      return new Loaded(in, previous, prev.map(p -> p.manifest().runDate()).orElse(null));
    }, l -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("previous_run", String.valueOf(l.previousDate()));
      return c;
    });
    Inputs inputs = loaded.inputs();
    InteractionGraph graph = log.run("build_graph",
        () -> new GraphBuilder(config.window(), config.graph()).build(inputs, runDate),
        g -> Map.of("interactions_read", g.stats().rowsRead(), "interactions_in_window", g.stats().interactionsInWindow(),
            "members", g.stats().members(), "edges", g.stats().edges()));
    Dataset<Row> seeds = config.lifecycle().seedFromPrevious() ? loaded.previous() : null;
    Detection detection = log.run("detect",
        () -> new CommunityDetector(config.lpa(), config.community(), config.spark(), config.execution()).detect(graph, seeds),
        d -> Map.of("iterations", d.iterations(), "converged", d.converged(), "seeded", d.seeded(),
            "refine_rounds", d.refineRounds(),
            "members_assigned", d.assignments().filter(col("community").isNotNull()).count()));
    Ranking ranking = log.run("rank",
        () -> new MemberRanker(config.pagerank(), config.spark(), config.execution()).rank(graph, detection.assignments()),
        r -> Map.of("members_ranked", r.ranks().count(), "pagerank_iterations", r.pagerankIterations()));
    CommunityMatcher.Matching matching = log.run("match",
        () -> new CommunityMatcher(config.lifecycle()).match(
            graph.members().join(detection.assignments(), "id").filter(col("community").isNotNull())
                .select("member_id", "community"),
            loaded.previous(), runDate),
        m -> Map.of("matched", m.matched(), "new", m.born(), "dissolved", m.dissolved()));
    record Shaped(SegmentTables tables, List<Row> sizes) {}
    Shaped shaped = log.run("shape", () -> {
      SegmentTables t = new SegmentShaper(config.community()).shape(graph, detection.assignments(), ranking.ranks(),
          matching, runDate);
      // one pass over the (materialised) community table gives its count and the size statistics
      List<Row> sz = new java.util.ArrayList<>(t.communities().select("size", "oversized").collectAsList());
      sz.sort(java.util.Comparator.comparingInt(r -> r.getInt(0)));
      return new Shaped(t, sz);
    }, sh -> Map.of("communities", (long) sh.sizes().size(), "modularity", ManifestAssembler.round(sh.tables().modularity())));
    SegmentTables tables = shaped.tables();
    RunManifest draft = new ManifestAssembler(config, runDate, runId, startedAt).draft(inputs, graph, detection,
        ranking, matching, tables, shaped.sizes(), loaded.previousDate());
    RunManifest published = log.run("publish",
        () -> writer.publish(tables, ManifestAssembler.withStages(draft, log.stages())),
        m -> {
          Map<String, Object> c = new LinkedHashMap<>();
          m.outputs().forEach((k, v) -> c.put(k, v.rows()));
          return c;
        });
    if (inputs.hasMembers()) {
      // opt-outs reach history: every retained run loses tonight's opted-out (and forgotten) members
      Map<String, Long> forgotten = log.run("forget",
          () -> new io.tribes.warehouse.Forgetting(warehouse, writer).forget(
              inputs.members().filter(col("opted_out")).select("member_id"), runDate),
          f -> Map.of("runs_rewritten", f.size(), "members", f.values().stream().mapToLong(Long::longValue).sum()));
      if (!forgotten.isEmpty()) {
        published = new io.tribes.warehouse.Forgetting(warehouse, writer).record(published, forgotten, writer.lock());
      }
    }
    return published;
  }
}
