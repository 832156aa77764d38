package io.tribes.jobs;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.FaultPoint;
import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.SegmentWriter;
import io.tribes.warehouse.Warehouse;
import io.tribes.warehouse.WarehouseLock;
import io.tribes.stages.SegmentTables;
import io.tribes.testing.Interactions;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing cannot be half-seen, on local paths and on s3a://: a run that fails at any stage or
 * point of publish, or whose JVM is killed while writing, leaves the previously published run intact
 * and readable, shows readers nothing partial, and a rerun of the date gives the same tables as an
 * uninterrupted run. Retention keeps the last N runs.
 */
class PublishFaultTest {
  static final LocalDate D1 = Interactions.RUN_DATE;
  static final LocalDate D2 = D1.plusDays(1);
  static final LocalDate D3 = D1.plusDays(2);
  static final List<String> STAGES = List.of("load", "build_graph", "detect", "rank", "match", "shape");
  static final List<String> PUBLISH_POINTS = List.of("publish:staging", "publish:staged", "publish:moved", "publish:manifest");
  @TempDir static Path dir;
  static SparkSession spark;
  static S3MockServer s3;
  static Path input;
  static Path conf;
  static Path s3conf;
  /** The tables of D2 from an uninterrupted run on a fresh warehouse. */
  static Tables reference;
  static Warehouse.PublishedRun referenceRun;

  record Tables(List<Row> members, List<Row> communities) {
    static Tables of(Warehouse.PublishedRun run) {
      return new Tables(run.memberSegments().orderBy("member_id").collectAsList(),
          run.communities().orderBy("community_id").collectAsList());
    }
  }

  @BeforeAll
  static void referenceRun() throws IOException {
    spark = TestSpark.session();
    s3 = S3MockServer.get();
    s3.configure(spark.sparkContext().hadoopConfiguration(), "tribes-test-access", "tribes-test-secret");
    input = dir.resolve("input");
    Interactions data = new Interactions().clique(2, "a1", "a2", "a3", "a4").clique(2, "b1", "b2", "b3")
        .clique(3, "c1", "c2", "c3", "c4", "c5").add("a1", "b1", "like", 1).add("c1", "b2", "mention", 1);
    data.table().write().parquet(input.resolve("interactions").toString());
    String small = "spark:\n  shuffle-partitions: 2\nlpa:\n  max-iterations: 5\npagerank:\n  max-iterations: 5\n";
    conf = Files.writeString(dir.resolve("job.yaml"), small);
    s3conf = Files.writeString(dir.resolve("job-s3.yaml"), small + "s3:\n  endpoint: " + s3.endpoint()
        + "\n  path-style-access: true\n  region: us-east-1\n");
    String ref = dir.resolve("reference").toString();
    assertEquals(0, nightly(ref, D2, conf).exitCode());
    referenceRun = new Warehouse(spark, ref).run(D2).orElseThrow();
    reference = Tables.of(referenceRun);
    assertTrue(reference.members().size() >= 12, reference.members().toString());
  }

  static CliRun nightly(String warehouse, LocalDate date, Path config) {
    return CliRun.of("nightly", "--config", config.toString(), "--interactions", input.resolve("interactions").toString(),
        "--members", "none", "--warehouse", warehouse, "--run-date", date.toString());
  }

  static CliRun nightlyFailingAt(String point, String warehouse, LocalDate date, Path config) {
    System.setProperty(FaultPoint.FAIL_AT, point);
    try {
      return nightly(warehouse, date, config);
    } finally {
      System.clearProperty(FaultPoint.FAIL_AT);
    }
  }

  /** Every file under the warehouse, relative to it. */
  static List<String> files(String warehouse) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(warehouse);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    List<String> out = new ArrayList<>();
    if (!fs.exists(root)) return out;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    String prefix = fs.makeQualified(root).toString() + "/";
    while (it.hasNext()) out.add(it.next().getPath().toString().substring(prefix.length()));
    out.sort(null);
    return out;
  }

  /**
   * What a reader sees after an interrupted run of D2 over a warehouse holding D1: D1 intact and
   * latest; D2 either not committed or complete (the manifest is the commit point); nothing from
   * staging in the tables.
   */
  static void assertOnlyCommittedRunsVisible(String warehouse, String d1RunId, Tables d1, String point) {
    Warehouse w = new Warehouse(spark, warehouse);
    Warehouse.PublishedRun run1 = w.run(D1).orElseThrow(() -> new AssertionError("D1 lost after " + point));
    assertEquals(d1RunId, run1.manifest().runId(), point);
    assertEquals(d1, Tables.of(run1), point);
    Warehouse.PublishedRun latest = w.latest().orElseThrow();
    assertEquals(D1.toString(), latest.manifest().runDate(), point);
    if (point.equals("publish:manifest")) {
      assertEquals(List.of(D1, D2), w.runDates(), point);
      assertEquals(reference, Tables.of(w.run(D2).orElseThrow()), point);
    } else {
      assertEquals(List.of(D1), w.runDates(), point);
      assertTrue(w.run(D2).isEmpty(), point);
    }
    // a raw read of the table root (partition discovery) never picks up staging or trash files
    long d1Rows = spark.read().parquet(warehouse + "/member_segments").filter("run_date = '" + D1 + "'").count();
    assertEquals(d1.members().size(), d1Rows, point);
  }

  /** After a successful run: no staging, trash or orphan partitions left. */
  static void assertClean(String warehouse, List<LocalDate> dates) throws IOException {
    List<String> files = files(warehouse);
    for (String f : files) {
      assertFalse(f.startsWith("_staging/") && !f.contains(".probe-"), "staging leftover " + f);
      assertFalse(f.startsWith("_trash/"), "trash leftover " + f);
      if (f.contains("run_date=")) {
        String date = f.replaceAll(".*run_date=([0-9-]+)/.*", "$1");
        assertTrue(dates.contains(LocalDate.parse(date)), "partition without a committed run: " + f);
        String runId = new Warehouse(spark, warehouse).manifest(LocalDate.parse(date)).orElseThrow().runId();
        assertTrue(f.contains("/run_date=" + date + "/run_id=" + runId + "/"), "not the committed run's: " + f);
      }
    }
  }

  /**
   * Publishes the reference tables as the run of {@code date} straight through {@link SegmentWriter}
   * (no recomputation: the publish protocol is what these tests exercise), optionally failing at a
   * fault point. Returns the exception, or null when it published.
   */
  static RuntimeException publish(String warehouse, LocalDate date, int retention, String failAt) {
    SegmentTables tables = new SegmentTables(
        referenceRun.memberSegments().withColumn("run_date", lit(java.sql.Date.valueOf(date))),
        referenceRun.communities().withColumn("run_date", lit(java.sql.Date.valueOf(date))),
        referenceRun.communityEvents().withColumn("run_date", lit(java.sql.Date.valueOf(date))), 0.5, 0.5);
    RunManifest m = referenceRun.manifest();
    RunManifest draft = new RunManifest(m.formatVersion(), date.toString(), UUID.randomUUID().toString(), m.startedAt(),
        null, m.inputs(), m.config(), m.stages(), m.graph(), m.lpa(), m.pagerank(), m.communities(), m.lifecycle(), null);
    if (failAt != null) System.setProperty(FaultPoint.FAIL_AT, failAt);
    try {
      new SegmentWriter(new Warehouse(spark, warehouse), retention).publish(tables, draft);
      return null;
    } catch (RuntimeException e) {
      return e;
    } finally {
      System.clearProperty(FaultPoint.FAIL_AT);
    }
  }

  static Tables withDate(Tables t, LocalDate date) {
    return new Tables(t.members().stream().map(r -> withDate(r, date)).toList(),
        t.communities().stream().map(r -> withDate(r, date)).toList());
  }

  private static Row withDate(Row r, LocalDate date) {
    Object[] values = new Object[r.size()];
    for (int i = 0; i < r.size(); i++) values[i] = r.get(i);
    values[0] = java.sql.Date.valueOf(date); // run_date is the first column of both tables
    return RowFactory.create(values);
  }

  /** Publishes D1, then fails a D2 run at each stage: exit 1, the warehouse's files unchanged, D1 still whole. */
  static Tables failEachStage(String warehouse) throws IOException {
    assertEquals(null, publish(warehouse, D1, 30, null));
    Warehouse.PublishedRun run1 = new Warehouse(spark, warehouse).run(D1).orElseThrow();
    Tables d1 = Tables.of(run1);
    List<String> before = files(warehouse);
    for (String stage : STAGES) {
      CliRun failed = nightlyFailingAt(stage, warehouse, D2, conf);
      assertEquals(1, failed.exitCode(), stage + ": " + failed.stderr());
      assertTrue(failed.stderr().contains("injected failure at " + stage), failed.stderr());
      assertOnlyCommittedRunsVisible(warehouse, run1.manifest().runId(), d1, stage);
      assertEquals(before, files(warehouse), stage + " changed the warehouse");
    }
    return d1;
  }

  @Test
  void failureInAnyStageOnS3LeavesThePublishedRun() throws IOException {
    failEachStage(s3.uri("stages-" + UUID.randomUUID()));
  }

  @Test
  void failureInAnyStageLeavesThePublishedRunAndRerunGivesTheSameTables() throws IOException {
    String warehouse = dir.resolve("stages").toString();
    Warehouse w = new Warehouse(spark, warehouse);
    Tables d1 = failEachStage(warehouse);
    // the rerun, started twice at the same instant (a scheduler retry while the first attempt runs):
    // exactly one publishes, the other exits 1 naming the holder of the writer lock
    List<CliRun> both = concurrentNightlies(warehouse, D2, conf);
    assertEquals(List.of(0, 1), both.stream().map(CliRun::exitCode).sorted().toList(), both.toString());
    String refused = both.get(0).stderr().lines().filter(l -> l.contains("locked by")).findFirst().orElse("");
    System.out.println("concurrent run refused: " + refused);
    assertTrue(refused.startsWith("tribes: error: warehouse " + warehouse + ": locked by ")
        && refused.contains("(run date " + D2 + ", run id "), both.get(0).stderr());
    assertEquals(reference, Tables.of(w.run(D2).orElseThrow()));
    assertEquals(D2.toString(), w.latest().orElseThrow().manifest().runDate());
    assertEquals(d1, Tables.of(w.run(D1).orElseThrow()));
    assertClean(warehouse, List.of(D1, D2));
    assertFalse(files(warehouse).contains("_lock"), "the lock is released when the run ends");
  }

  /**
   * Two nightly runs of {@code date} on one warehouse started at the same instant, in-process (one
   * SparkSession, two threads), as the CLI runs them. Their stderr is captured together: the returned
   * runs have their own exit codes and both hold the combined stderr.
   */
  static List<CliRun> concurrentNightlies(String warehouse, LocalDate date, Path config) {
    String[] args = {"nightly", "--config", config.toString(), "--interactions", input.resolve("interactions").toString(),
        "--members", "none", "--warehouse", warehouse, "--run-date", date.toString()};
    Map<String, String> settings = CliRun.sqlSettings();
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Integer>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(pool.submit(() -> {
          start.await();
          return Tribes.run(args.clone());
        }));
      }
      start.countDown();
      List<Integer> codes = new ArrayList<>();
      for (var f : runs) codes.add(f.get());
      String err = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
      original.print(err);
      return codes.stream().map(c -> new CliRun(c, err)).toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdownNow();
      System.setErr(original);
      CliRun.restore(settings);
    }
  }

  void failEveryPublishPointThenRerun(String warehouse) throws IOException {
    assertEquals(null, publish(warehouse, D1, 30, null));
    Warehouse w = new Warehouse(spark, warehouse);
    Warehouse.PublishedRun run1 = w.run(D1).orElseThrow();
    Tables d1 = Tables.of(run1);
    assertEquals(withDate(reference, D1), d1);
    for (String point : PUBLISH_POINTS) {
      RuntimeException e = publish(warehouse, D2, 30, point);
      assertTrue(e != null && e.getMessage().contains("injected failure at " + point), point + ": " + e);
      assertOnlyCommittedRunsVisible(warehouse, run1.manifest().runId(), d1, point);
    }
    assertEquals(null, publish(warehouse, D2, 30, null));
    assertEquals(reference, Tables.of(w.run(D2).orElseThrow()));
    assertEquals(D2.toString(), w.latest().orElseThrow().manifest().runDate());
    assertEquals(d1, Tables.of(w.run(D1).orElseThrow()));
    assertClean(warehouse, List.of(D1, D2));

    // a rerun of the published date D2, interrupted at each point before its manifest: the published
    // run of D2 stays committed, latest and complete (its own run_id directory is never touched)
    String d2RunId = w.run(D2).orElseThrow().manifest().runId();
    for (String point : List.of("publish:staging", "publish:staged", "publish:moved")) {
      assertTrue(publish(warehouse, D2, 30, point) != null, point);
      assertEquals(List.of(D1, D2), w.runDates(), point);
      Warehouse.PublishedRun latest = w.latest().orElseThrow();
      assertEquals(d2RunId, latest.manifest().runId(), point);
      assertEquals(reference, Tables.of(latest), point);
      assertEquals(d1, Tables.of(w.run(D1).orElseThrow()), point);
    }
    assertEquals(null, publish(warehouse, D2, 30, null));
    assertTrue(!d2RunId.equals(w.latest().orElseThrow().manifest().runId()), "the rerun replaced D2");
    assertEquals(reference, Tables.of(w.latest().orElseThrow()));
    assertClean(warehouse, List.of(D1, D2));
  }

  @Test
  void failureAtAnyPublishPointOnLocalPaths() throws IOException {
    failEveryPublishPointThenRerun(dir.resolve("faults").toString());
  }

  @Test
  void failureAtAnyPublishPointOnS3() throws IOException {
    failEveryPublishPointThenRerun(s3.uri("faults-" + UUID.randomUUID()));
  }

  @Test
  void killedJvmWhileWritingLeavesNothingPartialOnS3() throws Exception {
    String warehouse = s3.uri("killed-" + UUID.randomUUID());
    assertEquals(null, publish(warehouse, D1, 30, null));
    Warehouse w = new Warehouse(spark, warehouse);
    Warehouse.PublishedRun run1 = w.run(D1).orElseThrow();
    Tables d1 = Tables.of(run1);

    // the child is configured by the s3: section and the AWS provider chain (credentials in its
    // environment) only; its output (log included) and the stored objects must not show the secret
    String envSecret = "envSecret" + UUID.randomUUID().toString().replace("-", "");
    // the child holds the writer lock with a short lease (6 s, renewed every 1.5 s while it lives)
    Path shortLease = Files.writeString(dir.resolve("short-lease-s3.yaml"),
        Files.readString(s3conf) + "warehouse-lock-lease-seconds: 6\n");
    ChildJvm child = ChildJvm.start(dir.resolve("killed.log"),
        Map.of("AWS_ACCESS_KEY_ID", "tribes-env-access", "AWS_SECRET_ACCESS_KEY", envSecret),
        List.of("-D" + FaultPoint.HANG_AT + "=publish:staging"),
        "nightly", "--config", shortLease.toString(), "--interactions", input.resolve("interactions").toString(),
        "--members", "none", "--warehouse", warehouse, "--run-date", D2.toString());
    assertTrue(child.awaitOutput("hanging at publish:staging", Duration.ofMinutes(25)), child.output());
    List<String> staged = files(warehouse).stream().filter(f -> f.startsWith("_staging/")).toList();
    assertTrue(staged.stream().anyMatch(f -> f.endsWith(".parquet")), "the killed run was writing: " + staged);

    // a second run of the warehouse while the child writes it (past the child's first lease: it renews):
    // refused before any work, naming the holder; the child's staging is left alone
    Thread.sleep(7_000);
    CliRun second = nightly(warehouse, D3, s3conf);
    assertEquals(1, second.exitCode(), second.stderr());
    String line = second.stderr().lines().filter(l -> l.startsWith("tribes: error:")).findFirst().orElse("");
    System.out.println("second writer on s3a refused with exit " + second.exitCode() + ": " + line);
    assertTrue(line.contains("locked by ") && line.contains("pid " + child.process.pid())
        && line.contains("(run date " + D2), second.stderr());
    assertEquals(staged, files(warehouse).stream().filter(f -> f.startsWith("_staging/")).toList());
    child.kill();
    // the dead run's lease stays until it expires: a run before that is refused, one after takes it over
    var early = org.junit.jupiter.api.Assertions.assertThrows(io.tribes.RetryableException.class,
        () -> WarehouseLock.acquire(w, D2, "early", Duration.ofMinutes(1)));
    assertTrue(early.getMessage().contains("pid " + child.process.pid()), early.getMessage());
    Instant expiry = WarehouseLock.read(w, new org.apache.hadoop.fs.Path(warehouse, "_lock")).orElseThrow().expiresAt()
        .transform(Instant::parse);
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis() + 500));
    assertTrue(child.output().contains("stage shape: done"), "the output holds the job's log: " + child.output());
    assertFalse(child.output().contains(envSecret), "secret in the job's output");
    assertEquals(List.of(), ObjectStoreTest.filesContaining(s3.dataDir(), envSecret), "secret in stored objects");
    assertEquals(List.of(), ObjectStoreTest.filesContaining(dir, envSecret), "secret in local files");

    assertOnlyCommittedRunsVisible(warehouse, run1.manifest().runId(), d1, "kill during publish:staging");
    // the rerun, with warehouse-retention-runs: 1, also shows the setting reaches the writer
    Path keep1 = Files.writeString(dir.resolve("keep1-s3.yaml"), Files.readString(s3conf) + "warehouse-retention-runs: 1\n");
    CliRun rerun = nightly(warehouse, D2, keep1);
    assertEquals(0, rerun.exitCode(), rerun.stderr());
    assertTrue(rerun.stderr().isEmpty() || !rerun.stderr().contains("locked"), rerun.stderr());
    assertEquals(reference, Tables.of(w.run(D2).orElseThrow()));
    assertEquals(List.of(D2), w.runDates());
    assertClean(warehouse, List.of(D2));
    assertFalse(files(warehouse).contains("_lock"), "released");
  }

  /**
   * Opt-outs reach history: three nights published, then a night whose members table marks a2 opted out
   * and whose input.forget names c3. Afterwards a scan of every Parquet file under the warehouse (as a
   * DuckDB glob would read it, committed or not) finds neither, every committed run reads whole, and the
   * manifests record what was forgotten per date.
   */
  void optOutReachesEveryRetainedRun(String warehouse) throws IOException {
    List<LocalDate> nights = List.of(D1, D2, D3);
    for (LocalDate d : nights) assertEquals(null, publish(warehouse, d, 30, null));
    List<String> gone = List.of("a2", "c3");
    Path optOut = dir.resolve("opt-out");
    if (!Files.exists(optOut)) {
      new Interactions().member("a1", false, false, false).member("a2", true, false, false)
          .member("c1", false, false, false).inputs().members().write().parquet(optOut.resolve("members").toString());
      spark.createDataFrame(List.of(RowFactory.create("c3")),
              new org.apache.spark.sql.types.StructType().add("member_id", "string"))
          .write().parquet(optOut.resolve("forget").toString());
    }
    Path forgetConf = Files.writeString(dir.resolve("forget.yaml"), Files.readString(s3conf)
        + "input:\n  forget: " + optOut.resolve("forget") + "\n");
    LocalDate d4 = D3.plusDays(1);
    CliRun night4 = CliRun.of("nightly", "--config", forgetConf.toString(), "--interactions",
        input.resolve("interactions").toString(), "--members", optOut.resolve("members").toString(),
        "--warehouse", warehouse, "--run-date", d4.toString());
    assertEquals(0, night4.exitCode(), night4.stderr());

    Warehouse w = new Warehouse(spark, warehouse);
    assertEquals(List.of(D1, D2, D3, d4), w.runDates());
    for (LocalDate d : w.runDates()) {
      Warehouse.PublishedRun run = w.run(d).orElseThrow();
      List<String> ids = run.memberSegments().select("member_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      assertEquals(run.manifest().outputs().get("member_segments").rows(), ids.size(), d + " reads whole");
      assertEquals(run.manifest().outputs().get("communities").rows(), run.communities().count(), d + " reads whole");
      for (String g : gone) assertFalse(ids.contains(g), g + " still in the run of " + d);
      if (d.equals(d4)) {
        assertEquals(null, run.manifest().forgotten());
        Map<String, Long> perDate = new java.util.TreeMap<>(run.manifest().forgotInRetainedRuns());
        assertEquals(Map.of(D1.toString(), 2L, D2.toString(), 2L, D3.toString(), 2L), perDate);
      } else {
        assertEquals(reference.members().size() - 2, ids.size(), d.toString());
        assertEquals(reference.communities().size(), run.communities().count(), d + ": metrics stay as they were");
        RunManifest.Forgotten f = run.manifest().forgotten();
        assertTrue(f != null && f.members() == 2 && f.lastMembers() == 2 && f.lastByRun().equals(d4.toString()),
            d + ": " + f);
      }
    }
    // every Parquet file under the warehouse, whatever directory it is in
    var allMembers = spark.read().option("recursiveFileLookup", "true").parquet(warehouse + "/member_segments");
    var allCommunities = spark.read().option("recursiveFileLookup", "true").parquet(warehouse + "/communities");
    assertTrue(allMembers.count() >= 4 * (reference.members().size() - 2), "the scan reads the runs");
    assertEquals(0, allMembers.filter(org.apache.spark.sql.functions.col("member_id").isin(gone.toArray())).count());
    assertEquals(0, allCommunities.select(org.apache.spark.sql.functions.explode(
        org.apache.spark.sql.functions.col("ambassadors")).as("a")).filter(
        org.apache.spark.sql.functions.col("a").isin(gone.toArray())).count());
    assertClean(warehouse, List.of(D1, D2, D3, d4));
    assertFalse(files(warehouse).contains("_lock"));
  }

  @Test
  void optOutReachesEveryRetainedRunOnLocalPaths() throws IOException {
    optOutReachesEveryRetainedRun(dir.resolve("forget").toString());
  }

  @Test
  void optOutReachesEveryRetainedRunOnS3() throws IOException {
    optOutReachesEveryRetainedRun(s3.uri("forget-" + UUID.randomUUID()));
  }

  @Test
  void retentionKeepsTheLastNRunsAfterACommit() throws IOException {
    String warehouse = dir.resolve("retention").toString();
    for (LocalDate d : List.of(D1, D2, D3)) assertEquals(null, publish(warehouse, d, 30, null));
    Warehouse w = new Warehouse(spark, warehouse);
    assertEquals(List.of(D1, D2, D3), w.runDates());
    // an orphan partition, as left by a run killed after moving its tables
    Files.createDirectories(dir.resolve("retention/communities/run_date=2026-10-01"));
    Files.writeString(dir.resolve("retention/communities/run_date=2026-10-01/part-0.parquet"), "x");

    // a failed run removes nothing (and its rerun of D3 leaves the published D3 committed)
    assertTrue(publish(warehouse, D3, 2, "publish:moved") != null);
    assertEquals(List.of(D1, D2, D3), w.runDates());
    assertEquals(D3.toString(), w.latest().orElseThrow().manifest().runDate());
    assertTrue(Files.isDirectory(dir.resolve("retention/member_segments/run_date=" + D1)));
    // what it left: a run_id directory of D3 that no manifest names
    try (var listing = Files.list(dir.resolve("retention/member_segments/run_date=" + D3))) {
      assertEquals(2, listing.count(), "the published and the interrupted run of D3");
    }
    assertEquals(reference, withDate(Tables.of(w.run(D3).orElseThrow()), D2));

    assertEquals(null, publish(warehouse, D3, 2, null));
    assertEquals(List.of(D2, D3), w.runDates());
    assertFalse(Files.exists(dir.resolve("retention/runs/" + D1)));
    assertFalse(Files.exists(dir.resolve("retention/member_segments/run_date=" + D1)));
    assertFalse(Files.exists(dir.resolve("retention/communities/run_date=" + D1)));
    assertFalse(Files.exists(dir.resolve("retention/communities/run_date=2026-10-01")));
    assertEquals(reference, Tables.of(w.run(D2).orElseThrow()));
    assertEquals(D3.toString(), w.latest().orElseThrow().manifest().runDate());
    assertClean(warehouse, List.of(D2, D3));

    // rerunning an older date keeps _latest on the newest run
    assertEquals(null, publish(warehouse, D2, 2, null));
    assertEquals(D3.toString(), w.latest().orElseThrow().manifest().runDate());

    // a backfill that retention would remove right after publishing is refused before any work:
    // by the writer, and by the job (exit 2, one line naming the date, the retention and the fix)
    List<String> before = files(warehouse);
    RuntimeException refused = publish(warehouse, D1, 2, null);
    assertTrue(refused != null && refused.getMessage().contains("run date " + D1)
        && refused.getMessage().contains("warehouse-retention-runs: 2")
        && refused.getMessage().contains("at least 3"), String.valueOf(refused));
    Path keep2 = Files.writeString(dir.resolve("keep2.yaml"), Files.readString(conf) + "warehouse-retention-runs: 2\n");
    CliRun backfill = nightly(warehouse, D1, keep2);
    assertEquals(2, backfill.exitCode(), backfill.stderr());
    String line = backfill.stderr().lines().filter(l -> l.startsWith("tribes: error:")).findFirst().orElse("");
    System.out.println("backfill refused with exit " + backfill.exitCode() + ": " + line);
    for (String part : List.of("run date " + D1, "warehouse-retention-runs: 2", "at least 3")) {
      assertTrue(line.contains(part), part + " in: " + backfill.stderr());
    }
    assertEquals(before, files(warehouse), "a refused backfill changes nothing");
    assertEquals(List.of(D2, D3), w.runDates());
  }
}
