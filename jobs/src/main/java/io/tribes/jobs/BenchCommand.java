package io.tribes.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.tribes.algo.LabelPropagation;
import io.tribes.algo.PageRank;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.PartitionStrategy;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * {@code bench --vertices V --edges E --seed S [--partitions P] [--algorithms lpa,pr] [--runs N]
 * [--graphx-partitions 2,4,8|none]}: Tribes vs GraphX in one JVM on a deterministic planted-partition graph
 * (communities of {@value #COMMUNITY} consecutive ids; an edge stays inside its source's community with
 * probability 0.8, else goes to a uniformly random vertex).
 *
 * <p>Measures, each as the median of N runs (default 3; the upper median when N is even) after a warm-up, from
 * the cached edge set: Tribes {@link LabelPropagation} (GRAPHALYTICS mode, 10 iterations) vs GraphX
 * {@code lib.LabelPropagation} (10 steps), and Tribes {@link PageRank} (20 iterations, tolerance 0) vs GraphX
 * {@code staticPageRank} (20 iterations); {@code --algorithms} selects them. Tribes runs with P shuffle
 * partitions (default 4), LPA with checkpointInterval 10, PageRank with its defaults (the rank-vector execution
 * up to 20M vertices); GraphX gets its best of the listed edge partition counts (default 2, 4, 8; {@code none}
 * skips GraphX). The GraphX graph is built inside the timed section, as the Tribes adjacency is. Prints times,
 * time per edge, ratios, the peak heap used while each algorithm ran (sampled every 20 ms), the NMI of the label
 * propagations against the planted partition and finally {@code lpa_seconds=}, {@code pagerank_seconds=} and,
 * with GraphX, {@code lpa_speedup_vs_graphx=} and {@code pagerank_speedup_vs_graphx=}.
 *
 * <p>Exit codes: 0 success; 2 bad usage (one line on stderr).
 */
public final class BenchCommand {
  static final int COMMUNITY = 20;
  static final String USAGE = "usage: bench --vertices V --edges E --seed S [--partitions P] [--algorithms lpa,pr] "
      + "[--runs N] [--graphx-partitions 2,4,8|none]";
  private static final Set<String> OPTIONS =
      Set.of("vertices", "edges", "seed", "partitions", "algorithms", "runs", "graphx-partitions");

  private BenchCommand() {}

  /** Local entry point: {@code java ... io.tribes.jobs.BenchCommand --vertices ...} on local[2] unless spark.master is set. */
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("tribes-bench")
        .master(System.getProperty("spark.master", "local[2]"))
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    int code = run(spark, args);
    spark.stop();
    System.exit(code);
  }

  public static int run(SparkSession spark, String[] args) {
    Bench bench;
    try {
      Args o = Args.parse("bench", args, OPTIONS);
      long vertices = o.requireLong("vertices", 1, Long.MAX_VALUE);
      long edges = o.requireLong("edges", 1, Long.MAX_VALUE);
      long seed = o.requireLong("seed", Long.MIN_VALUE, Long.MAX_VALUE);
      int partitions = o.getInt("partitions", 4, 1, Integer.MAX_VALUE);
      int runs = o.getInt("runs", 3, 1, Integer.MAX_VALUE);
      String gx = o.get("graphx-partitions", "2,4,8");
      int[] graphxPartitions;
      try {
        graphxPartitions = gx.equals("none") ? new int[0]
            : java.util.Arrays.stream(gx.split(",")).mapToInt(Integer::parseInt).toArray();
      } catch (NumberFormatException x) {
        throw o.bad("graphx-partitions", "a comma-separated list of integers or 'none'");
      }
      if (java.util.Arrays.stream(graphxPartitions).anyMatch(p -> p <= 0)) {
        throw o.bad("graphx-partitions", "partition counts > 0");
      }
      List<String> algorithms = List.of(o.get("algorithms", "lpa,pr").split(","));
      if (algorithms.isEmpty() || !List.of("lpa", "pr").containsAll(algorithms)) {
        throw o.bad("algorithms", "a list of lpa and/or pr");
      }
      bench = new Bench(spark, vertices, edges, seed, partitions, algorithms, runs, graphxPartitions, System.out);
    } catch (Args.Usage e) {
      System.err.println(e.getMessage() + " (" + USAGE + ")");
      return 2;
    }
    bench.run();
    return 0;
  }

  /** The planted-partition graph: vertices (id), edges (src, dst), community of v = v / COMMUNITY. */
  static Dataset<Row>[] plantedPartition(SparkSession spark, long n, long m, long seed) {
    Dataset<Row> v = spark.range(n).toDF("id");
    Column src = pmod(xxhash64(col("id"), lit(seed), lit(1)), lit(n));
    Column base = src.minus(pmod(src, lit((long) COMMUNITY)));
    Column size = least(lit((long) COMMUNITY), lit(n).minus(base));
    Column inside = pmod(xxhash64(col("id"), lit(seed), lit(2)), lit(1000L)).lt(800);
    Column offset = pmod(xxhash64(col("id"), lit(seed), lit(3)), size);
    Column random = pmod(xxhash64(col("id"), lit(seed), lit(4)), lit(n));
    Dataset<Row> e = spark.range(m).select(src.as("src"), base.as("base"), size.as("size"), inside.as("inside"),
            offset.as("offset"), random.as("random"))
        .select(col("src"), when(col("inside"), col("base").plus(col("offset"))).otherwise(col("random")).as("dst"),
            col("base"), col("size"))
        // no self-loops: move to the next member of the community
        .select(col("src"), when(col("dst").equalTo(col("src")),
            col("base").plus(pmod(col("dst").minus(col("base")).plus(1), col("size")))).otherwise(col("dst"))
            .as("dst"));
    @SuppressWarnings("unchecked")
    Dataset<Row>[] g = new Dataset[] {v, e};
    return g;
  }

  /** Normalised mutual information (arithmetic-mean normalisation) of two labelings of the same ids. */
  static double nmi(Map<Long, Long> a, Map<Long, Long> b) {
    Map<Long, Long> ca = new HashMap<>();
    Map<Long, Long> cb = new HashMap<>();
    Map<Tuple2<Long, Long>, Long> joint = new HashMap<>();
    for (Map.Entry<Long, Long> x : a.entrySet()) {
      Long lb = b.get(x.getKey());
      if (lb == null) {
        throw new IllegalStateException("vertex " + x.getKey() + " missing from the second labeling");
      }
      ca.merge(x.getValue(), 1L, Long::sum);
      cb.merge(lb, 1L, Long::sum);
      joint.merge(new Tuple2<>(x.getValue(), lb), 1L, Long::sum);
    }
    double n = a.size();
    double ha = entropy(ca.values(), n);
    double hb = entropy(cb.values(), n);
    double mi = 0;
    for (Map.Entry<Tuple2<Long, Long>, Long> j : joint.entrySet()) {
      double pxy = j.getValue() / n;
      mi += pxy * Math.log(pxy / ((ca.get(j.getKey()._1()) / n) * (cb.get(j.getKey()._2()) / n)));
    }
    return ha + hb == 0 ? 1.0 : 2 * mi / (ha + hb);
  }

  private static double entropy(java.util.Collection<Long> counts, double n) {
    double h = 0;
    for (long c : counts) {
      double p = c / n;
      h -= p * Math.log(p);
    }
    return h;
  }

  /** One benchmark run. */
  private static final class Bench {
    private final SparkSession spark;
    private final long n;
    private final long m;
    private final long seed;
    private final int partitions;
    private final boolean lpa;
    private final boolean pr;
    private final int runs;
    private final int[] graphxPartitions;
    private final PrintStream out;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    Bench(SparkSession spark, long n, long m, long seed, int partitions, List<String> algorithms, int runs,
        int[] graphxPartitions, PrintStream out) {
      this.runs = runs;
      this.graphxPartitions = graphxPartitions;
      this.lpa = algorithms.contains("lpa");
      this.pr = algorithms.contains("pr");
      this.spark = spark;
      this.n = n;
      this.m = m;
      this.seed = seed;
      this.partitions = partitions;
      this.out = out;
    }

    /** Median wall time (s) of {@code runs} runs after one warm-up, and the peak heap (bytes) seen during them. */
    private record Timing(double seconds, long peakHeap, List<Double> runs) {}

    private Timing time(String what, boolean warmUp, Supplier<Runnable> runAndCleanup) {
      if (warmUp) {
        runAndCleanup.get().run();
      }
      AtomicLong peak = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      List<Double> times = new ArrayList<>();
      System.gc();
      sampler.start();
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        Runnable cleanup = runAndCleanup.get();
        times.add((System.nanoTime() - t0) / 1e9);
        cleanup.run();
      }
      sampler.interrupt();
      List<Double> sorted = new ArrayList<>(times);
      sorted.sort(null);
      Timing t = new Timing(sorted.get(runs / 2), peak.get(), times);
      out.printf(Locale.ROOT, "  %-34s median %8.2f s  runs %s  peak heap %5d MiB%n", what, t.seconds(),
          times.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), t.peakHeap() >> 20);
      return t;
    }

    void run() {
      ClassTag<Object> intTag = ClassTag$.MODULE$.Int();
      Dataset<Row>[] g = plantedPartition(spark, n, m, seed);
      Dataset<Row> v = g[0].persist(StorageLevel.MEMORY_ONLY());
      Dataset<Row> e = g[1].persist(StorageLevel.MEMORY_ONLY());
      long vc = v.count();
      long ec = e.count();
      out.printf(Locale.ROOT, "bench: planted partition, %d vertices, %d edges, communities of %d, seed %d, "
          + "cores %d, max heap %d MiB, spark %s%n", vc, ec, COMMUNITY, seed,
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, spark.version());
      Map<Long, Long> planted = new HashMap<>();
      for (long i = 0; i < n; i++) {
        planted.put(i, i / COMMUNITY);
      }

      String before = spark.conf().get("spark.sql.shuffle.partitions");
      try {
        spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
        out.printf(Locale.ROOT, "Tribes (spark.sql.shuffle.partitions=%d):%n", partitions);
        Map<Long, Long> tribesLabels = new HashMap<>();
        Timing tLpa = !lpa ? null : time("LabelPropagation GRAPHALYTICS x10", true, () -> {
          // GRAPHALYTICS needs no per-iteration result: one checkpoint at the end, 10 iterations in one plan
          LabelPropagation.Result r = new LabelPropagation(v, e).mode(LabelPropagation.Mode.GRAPHALYTICS)
              .maxIterations(10).checkpointInterval(10).run();
          return () -> {
            tribesLabels.clear();
            for (Row row : r.labels().collectAsList()) {
              tribesLabels.put(row.getLong(0), row.getLong(1));
            }
            r.labels().unpersist(false);
          };
        });
        Timing tPr = !pr ? null : time("PageRank x20", true, () -> {
          // defaults otherwise: the rank-vector execution (up to 20M vertices), which needs no checkpoints
          PageRank.Result r = new PageRank(v, e).maxIterations(20).tolerance(0).run();
          return () -> r.ranks().unpersist(false);
        });

        Timing bestGxLpa = null;
        Timing bestGxPr = null;
        int bestLpaParts = 0;
        int bestPrParts = 0;
        Map<Long, Long> graphxLabels = new HashMap<>();
        boolean first = true;
        for (int p : graphxPartitions) {
          spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(p));
          JavaRDD<Tuple2<Object, Object>> tuples = e.javaRDD()
              .map(r -> new Tuple2<Object, Object>(r.getLong(0), r.getLong(1)))
              .repartition(p).persist(StorageLevel.MEMORY_ONLY());
          tuples.count();
          RDD<Tuple2<Object, Object>> raw = tuples.rdd();
          out.printf(Locale.ROOT, "GraphX (%d edge partitions):%n", p);
          Timing gxLpa = !lpa ? null : time("lib.LabelPropagation x10", first, () -> {
            Graph<Object, Object> graph = Graph.fromEdgeTuples(raw, 1, Option.<PartitionStrategy>empty(),
                StorageLevel.MEMORY_ONLY(), StorageLevel.MEMORY_ONLY(), intTag);
            Graph<Object, Object> r = org.apache.spark.graphx.lib.LabelPropagation.run(graph, 10, intTag);
            List<Tuple2<Object, Object>> labels = r.vertices().toJavaRDD().collect();
            return () -> {
              graphxLabels.clear();
              for (Tuple2<Object, Object> t : labels) {
                graphxLabels.put((Long) t._1(), (Long) t._2());
              }
              r.unpersist(false);
              graph.unpersist(false);
            };
          });
          Timing gxPr = !pr ? null : time("staticPageRank x20", first, () -> {
            Graph<Object, Object> graph = Graph.fromEdgeTuples(raw, 1, Option.<PartitionStrategy>empty(),
                StorageLevel.MEMORY_ONLY(), StorageLevel.MEMORY_ONLY(), intTag);
            Graph<Object, Object> r = org.apache.spark.graphx.lib.PageRank.run(graph, 20, 0.15, intTag, intTag);
            r.vertices().count();
            return () -> {
              r.unpersist(false);
              graph.unpersist(false);
            };
          });
          first = false;
          if (gxLpa != null && (bestGxLpa == null || gxLpa.seconds() < bestGxLpa.seconds())) {
            bestGxLpa = gxLpa;
            bestLpaParts = p;
          }
          if (gxPr != null && (bestGxPr == null || gxPr.seconds() < bestGxPr.seconds())) {
            bestGxPr = gxPr;
            bestPrParts = p;
          }
          tuples.unpersist(false);
        }

        // GraphX keeps isolated vertices out of the graph; they keep their own label.
        for (long i = 0; lpa && i < n; i++) {
          graphxLabels.putIfAbsent(i, i);
        }
        boolean gx = graphxPartitions.length > 0;
        out.println(gx ? "Summary (median seconds; GraphX at its best partition count):"
            : "Summary (median seconds; GraphX not run: --graphx-partitions none):");
        if (lpa) {
          out.printf(Locale.ROOT, "  LPA      tribes %8.2f s (%.3f us/edge)", tLpa.seconds(), tLpa.seconds() / m * 1e6);
          if (gx) {
            out.printf(Locale.ROOT, "  graphx %8.2f s (%d partitions)  speedup %.2fx", bestGxLpa.seconds(),
                bestLpaParts, bestGxLpa.seconds() / tLpa.seconds());
          }
          out.println();
          out.printf(Locale.ROOT, "  peak heap LPA: tribes %d MiB%s%n", tLpa.peakHeap() >> 20,
              gx ? ", graphx " + (bestGxLpa.peakHeap() >> 20) + " MiB" : "");
          out.printf(Locale.ROOT, "  NMI vs planted partition: tribes LPA %.4f%s%n", nmi(planted, tribesLabels),
              gx ? String.format(Locale.ROOT, ", graphx LPA %.4f", nmi(planted, graphxLabels)) : "");
        }
        if (pr) {
          out.printf(Locale.ROOT, "  PageRank tribes %8.2f s (%.3f us/edge)", tPr.seconds(), tPr.seconds() / m * 1e6);
          if (gx) {
            out.printf(Locale.ROOT, "  graphx %8.2f s (%d partitions)  speedup %.2fx", bestGxPr.seconds(),
                bestPrParts, bestGxPr.seconds() / tPr.seconds());
          }
          out.println();
          out.printf(Locale.ROOT, "  peak heap PageRank: tribes %d MiB%s%n", tPr.peakHeap() >> 20,
              gx ? ", graphx " + (bestGxPr.peakHeap() >> 20) + " MiB" : "");
        }
        if (lpa) {
          out.printf(Locale.ROOT, "lpa_seconds=%.2f%n", tLpa.seconds());
          if (gx) {
            out.printf(Locale.ROOT, "lpa_speedup_vs_graphx=%.2f%n", bestGxLpa.seconds() / tLpa.seconds());
          }
        }
        if (pr) {
          out.printf(Locale.ROOT, "pagerank_seconds=%.2f%n", tPr.seconds());
          if (gx) {
            out.printf(Locale.ROOT, "pagerank_speedup_vs_graphx=%.2f%n", bestGxPr.seconds() / tPr.seconds());
          }
        }
      } finally {
        spark.conf().set("spark.sql.shuffle.partitions", before);
        v.unpersist(false);
        e.unpersist(false);
      }
    }
  }
}
