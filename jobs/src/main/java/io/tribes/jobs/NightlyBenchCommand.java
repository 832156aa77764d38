package io.tribes.jobs;

import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.warehouse.RunManifest;
import io.tribes.pipeline.NightlyPipeline;
import io.tribes.pipeline.SparkActivity;
import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench-nightly --members N [--days D] [--seed S] [--data DIR] [--config FILE]}: the whole nightly job,
 * end to end, on a generated sample of N members (generated once into DIR, default {@code data/bench-N}, and
 * reused), into a fresh warehouse under DIR. Prints the wall time of every stage with its Spark jobs and
 * Spark stages, tasks, shuffle read/write bytes and disk spill, the LPA and PageRank iterations, the peak heap (sampled every 20 ms) and finally
 * machine-readable lines {@code e2e_interactions=}, {@code e2e_seconds=}, {@code e2e_peak_heap_mib=}, {@code e2e_jobs=},
 * {@code e2e_stages=}, {@code e2e_tasks=}, {@code e2e_spill_disk_bytes=}.
 * The run is unseeded (first night). Exit codes: 0 success; 2 bad usage or bad config (one line on stderr).
 */
final class NightlyBenchCommand {
  static final String NAME = "bench-nightly";
  static final Set<String> OPTIONS = Set.of("members", "days", "seed", "data", "config");

  private NightlyBenchCommand() {}

  static int run(Args args) {
    long members = args.getLong("members", 20_000, 100);
    int days = args.getInt("days", 30, 1, Integer.MAX_VALUE);
    long seed = args.getLong("seed", 42, 0);
    String data = args.get("data", "data/bench-" + members);
    ConfigLoader loader = new ConfigLoader();
    TribesConfig config = args.get("config") == null ? loader.defaults() : loader.load(Path.of(args.get("config")));
    String warehouse = data + "/warehouse-bench";
    config = config.withInput(data + "/interactions", data + "/members").withWarehouse(warehouse)
        .withRunDate(SampleSpec.DEFAULT_END_DATE.toString());
    SparkSession spark = Spark.session(NAME, config.spark());
    PrintStream out = System.out;
    if (!Files.exists(Path.of(data, "interactions"))) {
      long t0 = System.nanoTime();
      new SampleGenerator(spark).generate(new SampleSpec(members, days, seed, SampleSpec.DEFAULT_END_DATE), data);
      out.printf(Locale.ROOT, "generated %,d members over %d days into %s in %.1f s%n", members, days, data,
          (System.nanoTime() - t0) / 1e9);
    }
    deleteTree(Path.of(warehouse));

    SparkActivity activity = SparkActivity.attach(spark.sparkContext());
    AtomicLong peak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      var memory = ManagementFactory.getMemoryMXBean();
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();

    long start = System.currentTimeMillis();
    RunManifest m = new NightlyPipeline(spark, config).run(SampleSpec.DEFAULT_END_DATE);
    long end = System.currentTimeMillis();
    sampler.interrupt();
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      out.println("warning: Spark's listener bus did not drain in 60 s; shuffle figures may be incomplete");
    }

    long interactions = m.inputs().get("interactions").rows();
    out.printf(Locale.ROOT, "%nnightly job end to end: %,d interactions, %s members in the graph, %s edges, %,d communities%n",
        interactions, m.graph().get("members"), m.graph().get("edges"), m.communities().count());
    out.printf(Locale.ROOT, "  %-12s %9s %6s %7s %7s %14s %14s %14s%n", "stage", "seconds", "jobs", "stages", "tasks",
        "shuffle read", "shuffle write", "spill (disk)");
    List<RunManifest.StageStats> stages = new ArrayList<>(m.stages());
    stages.sort(Comparator.comparing(RunManifest.StageStats::startedAt));
    SparkActivity.Totals all = activity.between(start, end + 1);
    for (int i = 0; i <= stages.size(); i++) {
      boolean publish = i == stages.size();
      long from = publish ? stageEnd(stages.get(i - 1)) : Instant.parse(stages.get(i).startedAt()).toEpochMilli();
      long to = publish ? end : stageEnd(stages.get(i));
      SparkActivity.Totals t = activity.between(from, to);
      out.printf(Locale.ROOT, "  %-12s %9.1f %6d %7d %7d %10.1f MiB %10.1f MiB %10.1f MiB%n",
          publish ? "publish" : stages.get(i).name(), (to - from) / 1000.0, t.jobs(), t.stages(), t.tasks(),
          t.shuffleRead() / 1048576.0, t.shuffleWrite() / 1048576.0, t.spillDisk() / 1048576.0);
    }
    double seconds = (end - start) / 1000.0;
    out.printf(Locale.ROOT, "  %-12s %9.1f %6d %7d %7d %10.1f MiB %10.1f MiB %10.1f MiB%n", "total", seconds,
        all.jobs(), all.stages(), all.tasks(), all.shuffleRead() / 1048576.0, all.shuffleWrite() / 1048576.0,
        all.spillDisk() / 1048576.0);
    out.printf(Locale.ROOT, "  spilled in memory (deserialized size of what was spilled): %.1f MiB%n",
        all.spillMemory() / 1048576.0);
    out.printf(Locale.ROOT, "  label propagation %s iterations (converged %s), refine rounds %s; PageRank %s iterations%n",
        m.lpa().get("iterations"), m.lpa().get("converged"), m.lpa().get("refine_rounds"), m.pagerank().get("iterations"));
    out.printf(Locale.ROOT, "  peak heap %d MiB of %d MiB; shuffle partitions %s; cores %d%n", peak.get() >> 20,
        Runtime.getRuntime().maxMemory() >> 20, spark.conf().get("spark.sql.shuffle.partitions"),
        spark.sparkContext().defaultParallelism());
    out.printf(Locale.ROOT, "e2e_interactions=%d%ne2e_seconds=%.1f%ne2e_peak_heap_mib=%d%ne2e_jobs=%d%ne2e_stages=%d%n"
        + "e2e_tasks=%d%ne2e_spill_disk_bytes=%d%n", interactions, seconds, peak.get() >> 20, all.jobs(), all.stages(),
        all.tasks(), all.spillDisk());
    return 0;
  }

  private static long stageEnd(RunManifest.StageStats s) {
    return Instant.parse(s.startedAt()).toEpochMilli() + Math.round(s.seconds() * 1000);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
