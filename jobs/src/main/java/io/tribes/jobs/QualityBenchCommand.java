package io.tribes.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tribes.config.TribesConfig;
import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import io.tribes.metrics.Quality;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;


/**
 * {@code bench-quality --input DIR [--truth DIR] [--config FILE] [--run-date D] [--members PATH|none]
 * [--interactions PATH] [--warehouse DIR]}: runs the nightly job (first night, into a fresh warehouse unless
 * one is given) on an input whose partition is known and prints how close the communities are to it, over
 * every member of the truth (see {@link Quality}): NMI, homogeneity, completeness, the share of members in
 * communities of min-size..max-size, the oversized communities and their densities, and the time. The truth
 * ({@code member_id}, {@code community}) defaults to {@code DIR/truth}. The last line is machine-readable.
 *
 * <p>{@code --graph-csv DIR} instead takes a graph as CSV ({@code DIR/edges.csv}: {@code src,dst[,weight]}, each
 * tie once; {@code DIR/truth.csv}: {@code member_id,community}), as {@code ../shared/reference/lfr/make_lfr.py}
 * writes it, and turns each tie into the input contract the way the LFR inputs were made: two {@code reply}
 * interactions, one each way, at noon 17 days before the run date (weight: the tie's, when given). So graphs
 * generated with other parameters run through the real nightly job.
 */
final class QualityBenchCommand {
  static final String NAME = "bench-quality";
  static final Set<String> OPTIONS;

  static {
    Set<String> o = new HashSet<>(NightlyCommand.OPTIONS);
    o.add("truth");
    o.add("graph-csv");
    OPTIONS = Set.copyOf(o);
  }

  private QualityBenchCommand() {}

  static int run(Args args) {
    if (args.get("input") == null && args.get("truth") == null && args.get("graph-csv") == null) {
      throw new io.tribes.TribesException(NAME + ": option '--input DIR' or '--graph-csv DIR' is required");
    }
    TribesConfig config = NightlyCommand.config(args);
    SparkSession spark = Spark.session(NAME, config.spark());
    String truth = args.get("truth", args.get("input") == null ? null : args.get("input").replaceAll("/+$", "") + "/truth");
    if (args.get("graph-csv") != null) {
      String csv = args.get("graph-csv").replaceAll("/+$", "");
      String interactions = fromCsv(spark, csv, NightlyCommand.runDate(config));
      config = config.withInput(interactions, TribesConfig.Input.NONE);
      truth = csv + "/truth.csv";
    }
    if (args.get("warehouse") == null) {
      try {
        config = config.withWarehouse(Files.createTempDirectory("tribes-quality").toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    long t0 = System.nanoTime();
    RunManifest manifest = NightlyCommand.run(spark, config);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Warehouse.PublishedRun run = new Warehouse(spark, config.warehouse()).latest().orElseThrow();
    TribesConfig.Community c = config.community();
    Dataset<Row> truthRows = truth.endsWith(".csv") ? spark.read().option("header", true).csv(truth)
        : spark.read().parquet(truth);
    Quality q = Quality.of(truthRows, run.memberSegments(), run.communities(), c.minSize(),
        c.maxSize());
    print(System.out, config, manifest, q, seconds);
    return 0;
  }

  /** Writes the CSV graph as interactions (see the class comment) into a temporary directory; returns its path. */
  private static String fromCsv(SparkSession spark, String dir, LocalDate runDate) {
    Dataset<Row> edges = spark.read().option("header", true).csv(dir + "/edges.csv");
    Column weight = Arrays.asList(edges.columns()).contains("weight") ? col("weight").cast(DataTypes.DoubleType)
        : lit(null).cast(DataTypes.DoubleType);
    Column ts = lit(Timestamp.from(runDate.minusDays(17).atTime(12, 0).toInstant(ZoneOffset.UTC)));
    Dataset<Row> ties = edges.select(col("src"), col("dst"), weight.as("weight"));
    Dataset<Row> interactions = ties.union(ties.select(col("dst").as("src"), col("src").as("dst"), col("weight")))
        .select(col("src"), col("dst"), lit("reply").as("type"), ts.as("ts"), col("weight"));
    try {
      String out = Files.createTempDirectory("tribes-quality-input").resolve("interactions").toString();
      interactions.write().parquet(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void print(PrintStream out, TribesConfig config, RunManifest m, Quality q, double seconds) {
    TribesConfig.Community c = config.community();
    long sparse = q.oversized().stream().filter(d -> d < c.denseDensity()).count();
    out.printf(Locale.ROOT, "bench-quality %s (truth: %,d members; graph: %,d members, %,d ties)%n",
        config.input().interactions(), q.members(), m.graph().get("members"), m.graph().get("edges"));
    out.printf(Locale.ROOT, "  resolution %s, max-size %d, dense-density %s: %,d communities, largest %d%n",
        config.lpa().resolution(), c.maxSize(), c.denseDensity(), q.communities(), q.largest());
    out.printf(Locale.ROOT, "  NMI %.3f  homogeneity %.3f  completeness %.3f  in %d..%d: %.1f%%%n", q.nmi(),
        q.homogeneity(), q.completeness(), c.minSize(), c.maxSize(), 100 * q.inBounds());
    out.printf(Locale.ROOT, "  oversized %d (below dense-density: %d), densities %s%n", q.oversized().size(), sparse,
        q.oversized().stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).collect(Collectors.joining(",", "[", "]")));
    out.printf(Locale.ROOT, "  label propagation %s iterations, refine rounds %s; nightly %.1f s%n",
        m.lpa().get("iterations"), m.lpa().get("refine_rounds"), seconds);
    out.printf(Locale.ROOT, "quality nmi=%.4f homogeneity=%.4f completeness=%.4f in_bounds=%.4f communities=%d "
        + "largest=%d oversized=%d sparse_oversized=%d seconds=%.1f%n", q.nmi(), q.homogeneity(), q.completeness(),
        q.inBounds(), q.communities(), q.largest(), q.oversized().size(), sparse, seconds);
  }
}
