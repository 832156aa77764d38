package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.warehouse.Warehouse;
import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleSpec;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The nightly job on a real Spark standalone cluster ({@code mvn -Pcluster}, see README, "Running on
 * a Spark cluster"): a master and two 1-core workers on 127.0.0.1, separate JVMs on the Spark home
 * the build assembled from the Maven dependencies, and the job jar spark-submitted to it in client
 * mode. Its tables equal those of the same job jar in local mode on the same input and config, also
 * when one executor is SIGKILLed in the middle of the run: Spark launches a replacement and reruns the
 * lost work. Everything (sample, warehouses, driver, daemon and executor logs, timings) stays under
 * {@code jobs/target/cluster-it/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  static final LocalDate RUN_DATE = SampleSpec.DEFAULT_END_DATE;
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  static final int WORKERS = 2;
  static Path dir;
  static Path sparkHome;
  static Path jobJar;
  static Path config;
  static SparkSession spark;
  static SparkStandalone cluster;
  static Map<String, List<String>> localTables;
  static final List<ChildJvm> drivers = new ArrayList<>();
  static final Map<String, String> timings = new LinkedHashMap<>();
  static long started;
  static final Pattern TASK_LINE = Pattern.compile("(Running|Finished) task .* \\((TID \\d+)\\)");

  @BeforeAll
  static void sampleLocalRunAndCluster() throws IOException {
    started = System.nanoTime();
    sparkHome = Path.of(System.getProperty("tribes.spark.home", "target/spark-home")).toAbsolutePath();
    dir = Path.of(System.getProperty("tribes.cluster.dir", "target/cluster-it")).toAbsolutePath();
    jobJar = Path.of(System.getProperty("tribes.job.jar", "")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jobJar), "job jar " + jobJar + " missing: mvn -Pcluster package builds it");
    FileUtil.fullyDelete(dir.toFile());
    Files.createDirectories(dir);
    spark = TestSpark.session();
    new SampleGenerator(spark).generate(new SampleSpec(1_500, 14, 42, RUN_DATE), dir.resolve("sample").toString());
    // small and quick (as notebooks/ci-config.yaml); a reliable checkpoint directory, which a cluster
    // needs: a local checkpoint lives on one executor and is gone with it
    config = Files.writeString(dir.resolve("cluster.yaml"), String.join("\n",
        "window:", "  lookback-days: 14",
        "lpa:", "  max-iterations: 3",
        "pagerank:", "  max-iterations: 3", "  tolerance: 1.0e-4",
        "community:", "  refine-depth: 1",
        "spark:", "  shuffle-partitions: 2", "  checkpoint-dir: " + dir.resolve("checkpoints"), ""));

    long t = System.nanoTime();
    ChildJvm local = nightly("local[2]", "local");
    assertEquals(0, local.waitFor(RUN_TIMEOUT), local.output());
    time("job in local mode (local[2])", t);
    localTables = tables("local");
    assertTrue(localTables.get(Warehouse.MEMBER_SEGMENTS).size() > 1_000, "members " + localTables.get(Warehouse.MEMBER_SEGMENTS).size());
    assertTrue(localTables.get(Warehouse.COMMUNITIES).size() > 20, "communities " + localTables.get(Warehouse.COMMUNITIES).size());

    t = System.nanoTime();
    cluster = SparkStandalone.start(sparkHome, dir.resolve("cluster"), WORKERS, 1, "1g");
    time("cluster up (master and " + WORKERS + " workers registered)", t);
  }

  @AfterAll
  static void stopEverything() throws IOException, InterruptedException {
    for (ChildJvm d : drivers) d.killTree();
    if (cluster != null) cluster.close();
    time("test in all", started);
    List<String> lines = timings.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
    System.out.println("ClusterIT timings:\n  " + String.join("\n  ", lines));
    if (dir != null) Files.write(dir.resolve("timings.txt"), lines);
  }

  /** The nightly job, spark-submitted to {@code master}; publishes into {@code warehouse-<name>}, output in {@code <name>.log}. */
  static ChildJvm nightly(String master, String name) {
    ChildJvm driver = SparkStandalone.submit(sparkHome, master, jobJar, dir.resolve(name + ".log"),
        "nightly", "--config", config.toString(), "--input", dir.resolve("sample").toString(),
        "--warehouse", dir.resolve("warehouse-" + name).toString(), "--run-date", RUN_DATE.toString());
    drivers.add(driver);
    return driver;
  }

  static Map<String, List<String>> tables(String name) {
    Warehouse.PublishedRun run = new Warehouse(spark, dir.resolve("warehouse-" + name).toString()).run(RUN_DATE)
        .orElseThrow(() -> new AssertionError("no published run in warehouse-" + name));
    Map<String, List<String>> out = new HashMap<>();
    for (String table : Warehouse.TABLES) out.put(table, TableRows.of(run, table));
    return out;
  }

  static void assertSameTablesAsLocalMode(String name) {
    Map<String, List<String>> tables = tables(name);
    for (String table : Warehouse.TABLES) {
      String difference = TableRows.difference(localTables.get(table), tables.get(table));
      assertEquals("", difference, table + " of " + name + " differs from local mode:\n" + difference);
    }
  }

  static void time(String what, long startNanos) {
    timings.put(what, String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9));
  }

  /**
   * Waits until the executor whose log is {@code stderr} runs a task from now on (a "Running task"
   * line without its "Finished task" yet) and returns it (e.g. {@code TID 812}), or "no task seen" after
   * {@code timeout}.
   */
  static String awaitRunningTask(Path stderr, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long offset = Files.size(stderr);
    Set<String> running = new LinkedHashSet<>();
    StringBuilder pending = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    while (System.nanoTime() < deadline) {
      try (SeekableByteChannel ch = Files.newByteChannel(stderr)) {
        ch.position(offset);
        for (int n; (n = ch.read(buffer.clear())) > 0; offset += n) {
          pending.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
        }
      }
      for (int end; (end = pending.indexOf("\n")) >= 0; pending.delete(0, end + 1)) {
        Matcher m = TASK_LINE.matcher(pending.substring(0, end));
        if (!m.find()) continue;
        if (m.group(1).equals("Running")) running.add(m.group(2));
        else running.remove(m.group(2));
      }
      if (!running.isEmpty()) return running.iterator().next();
      Thread.sleep(10);
    }
    return "no task seen";
  }

  /** A nightly run submitted to the cluster, and the applications that were there before it. */
  record ClusterRun(ChildJvm driver, List<String> appsBefore, long started) {
    static ClusterRun submit(String name) throws IOException {
      List<String> before = cluster.applications();
      return new ClusterRun(nightly(cluster.masterUrl(), name), before, System.nanoTime());
    }

    boolean isNew(String appId) {
      return !appsBefore.contains(appId);
    }

    /** Waits for the run: exit code 0 and published; records its time. */
    void assertPublished(String timing) {
      assertEquals(0, driver.waitFor(RUN_TIMEOUT), driver.output());
      time(timing, started);
      assertTrue(driver.output().contains("tribes: published run " + RUN_DATE), driver.output());
    }
  }

  @Test
  @Order(1)
  void theClusterPublishesTheSameTablesAsLocalMode() throws IOException {
    ClusterRun run = ClusterRun.submit("cluster");
    run.assertPublished("job on the cluster");

    // it ran on the workers: one application, one executor on each worker, both ran tasks
    List<String> apps = cluster.applications().stream().filter(run::isNew).toList();
    assertEquals(1, apps.size(), "applications " + apps);
    List<Path> executors = cluster.executorDirs(apps.get(0));
    assertEquals(WORKERS, executors.size(), "executors " + executors);
    for (Path e : executors) {
      assertTrue(Files.readString(e.resolve("stderr")).contains("Running task"), "no task ran on " + e);
    }
    // the S3A secret given to spark-submit is in no output: driver, manifest and tables, daemons' and executors' logs
    assertFalse(run.driver().output().contains(SparkStandalone.SUBMITTED_SECRET), "secret in the driver's output");
    assertEquals(List.of(), ObjectStoreTest.filesContaining(dir, SparkStandalone.SUBMITTED_SECRET),
        "secret in local files (warehouse, manifest, logs)");
    assertSameTablesAsLocalMode("cluster");
  }

  @Test
  @Order(2)
  void aKilledExecutorIsReplacedAndTheRunStillPublishesTheSameTables() throws Exception {
    ClusterRun run = ClusterRun.submit("cluster-kill");
    assertTrue(run.driver().awaitOutput("stage detect: start", RUN_TIMEOUT), "detect never started:\n" + run.driver().output());

    // SIGKILL one of the application's executors while label propagation runs, when it is running a task. A
    // task can finish between the moment its executor's log shows it running and the kill (the in-memory tasks
    // of this small graph take milliseconds): then nothing was lost, and the next live executor of the
    // application is killed the same way, at most three times, until the driver reports a task lost with it.
    String appId = null;
    String executorId = null;
    String task = null;
    Matcher lost = null;
    for (int attempt = 1; attempt <= 3 && lost == null; attempt++) {
      List<ProcessHandle> executors = cluster.executors().stream()
          .filter(e -> run.isNew(SparkStandalone.option(e, "app-id").orElse(""))).toList();
      if (attempt == 1) assertEquals(WORKERS, executors.size(), "the application's executors");
      assertFalse(executors.isEmpty(), "no live executor of the application to kill (attempt " + attempt + ")");
      ProcessHandle victim = executors.get(0);
      appId = SparkStandalone.option(victim, "app-id").orElseThrow();
      executorId = SparkStandalone.option(victim, "executor-id").orElseThrow();
      task = awaitRunningTask(cluster.executorLog(appId, executorId), Duration.ofMinutes(2));
      assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + executorId);
      victim.onExit().get(1, TimeUnit.MINUTES);
      assertFalse(ProcessHandle.of(victim.pid()).map(ProcessHandle::isAlive).orElse(false), "pid " + victim.pid() + " still there");
      timings.put("executor killed", String.format(Locale.ROOT, "%.1f s after submit (executor %s, pid %d, running %s, "
          + "attempt %d)", (System.nanoTime() - run.started()) / 1e9, executorId, victim.pid(), task, attempt));
      assertTrue(run.driver().awaitOutput("Lost executor " + executorId + " ", Duration.ofMinutes(1)),
          "the driver lost executor " + executorId + ":\n" + run.driver().output());
      // the task it was running was lost with it, and the same partition of the same stage then finished under
      // another task id on a live executor (a task retry, or the stage's resubmission)
      Pattern lostTask = Pattern.compile("Lost task (\\d+)\\.\\d+ in stage (\\d+)\\.\\d+ \\(" + Pattern.quote(task)
          + "\\) \\([^)]* executor " + Pattern.quote(executorId) + "\\)");
      for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); lost == null
          && System.nanoTime() < deadline; Thread.sleep(100)) {
        Matcher m = lostTask.matcher(run.driver().output());
        if (m.find()) lost = m;
      }
    }

    run.assertPublished("job on the cluster, one executor killed");
    String out = run.driver().output();
    timings.put("tasks lost with the executor (rerun)", Long.toString(out.lines().filter(l -> l.contains("Lost task")).count()));
    assertTrue(lost != null, "the driver reports " + task + " lost with executor " + executorId + ":\n" + out);
    Pattern rerun = Pattern.compile("Finished task " + lost.group(1) + "\\.\\d+ in stage " + lost.group(2)
        + "\\.\\d+ \\((TID \\d+)\\)");
    List<String> reruns = new java.util.ArrayList<>();
    for (Path dir : cluster.executorDirs(appId)) {
      Matcher m = rerun.matcher(Files.readString(dir.resolve("stderr")));
      while (m.find()) if (!m.group(1).equals(task)) reruns.add(dir.getFileName() + ": " + m.group());
    }
    assertFalse(reruns.isEmpty(), "task " + lost.group(1) + " of stage " + lost.group(2) + " (lost as " + task
        + ") never finished again on another executor");
    timings.put("lost task rerun", task + " -> " + reruns.get(0));

    // the worker launched a replacement, which registered with the driver
    List<Path> replacements = cluster.executorDirs(appId).stream()
        .filter(p -> Integer.parseInt(p.getFileName().toString()) >= WORKERS).toList();
    assertFalse(replacements.isEmpty(), "no replacement executor: " + cluster.executorDirs(appId));
    String log = Files.readString(replacements.get(0).resolve("stderr"));
    assertTrue(log.contains("Successfully registered with driver"), "replacement " + replacements.get(0) + ":\n" + log);

    assertSameTablesAsLocalMode("cluster-kill");
  }
}
