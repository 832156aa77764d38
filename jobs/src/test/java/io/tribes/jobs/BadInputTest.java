package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.testing.Interactions;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input gives exit code 2, one error line naming the path, column or key, and leaves the
 * previously published run exactly as it was.
 */
class BadInputTest {
  @TempDir static Path dir;
  static Path good;
  static Path warehouse;
  static final String RUN_DATE = Interactions.RUN_DATE.toString();

  @BeforeAll
  static void publishAGoodRun() {
    TestSpark.session();
    good = dir.resolve("good");
    // one row of an unknown type and one with a blank id: dropped and counted (the lenient defaults),
    // asserted on this same run instead of a second one
    Interactions data = new Interactions().clique(2, "a1", "a2", "a3", "a4").clique(2, "b1", "b2", "b3")
        .add("a1", "a2", "poke", 1).add(" ", "a2", "reply", 1)
        .member("a1", false, false, false).member("zz", true, false, false);
    data.table().write().parquet(good.resolve("interactions").toString());
    // a4's opted_out and b3's is_bot are null: a missing privacy/exclusion flag keeps a member out
    data.inputs().members().unionByName(TestSpark.session().createDataFrame(List.of(
            RowFactory.create("a4", null, false, false), RowFactory.create("b3", false, false, null)),
            Interactions.MEMBERS))
        .write().parquet(good.resolve("members").toString());
    warehouse = dir.resolve("warehouse");
    String partitions = TestSpark.session().conf().get("spark.sql.shuffle.partitions");
    CliRun ok = nightly("--input", good.toString());
    assertEquals(0, ok.exitCode(), ok.stderr());
    // the run set the config's shuffle-partitions (8) on the shared session: restored for later classes
    assertEquals(partitions, TestSpark.session().conf().get("spark.sql.shuffle.partitions"));
    goodRun = new Warehouse(TestSpark.session(), warehouse.toString()).latest().orElseThrow();
  }

  static Warehouse.PublishedRun goodRun;

  /** Null flags take the safe default (opted out; flagged), are counted in the manifest, and keep the member out. */
  @Test
  void nullFlagsKeepTheMemberOutAndAreCounted() {
    List<String> ids = goodRun.memberSegments().select("member_id").as(Encoders.STRING()).collectAsList();
    assertTrue(ids.contains("a1") && ids.contains("b1"), ids.toString());
    assertFalse(ids.contains("a4"), "null opted_out published: " + ids);
    assertFalse(ids.contains("b3"), "null is_bot published: " + ids);
    for (Row c : goodRun.communities().collectAsList()) {
      List<String> amb = c.getList(c.fieldIndex("ambassadors"));
      assertFalse(amb.contains("a4") || amb.contains("b3"), amb.toString());
    }
    RunManifest m = goodRun.manifest();
    assertEquals(Map.of("opted_out", 1L, "is_brand", 0L, "is_bot", 1L), m.inputs().get("members").nullFlags(),
        m.inputs().toString());
    assertEquals(4L, m.inputs().get("members").rows());
    assertEquals(1L, ((Number) m.graph().get("excluded_opted_out")).longValue(), m.graph().toString());
    assertEquals(1L, ((Number) m.graph().get("excluded_brand_or_bot")).longValue(), m.graph().toString());
  }

  /** The embedded defaults name no input: a missing one is an error naming its key, not a read of the sample's. */
  @Test
  void missingRequiredInputsAreNamed() throws IOException {
    String interactions = good.resolve("interactions").toString();
    check(new String[] {"--interactions", interactions}, "config key 'input.members'", "required", "none");
    Path onlyInteractions = config("only-interactions.yaml", "input:\n  interactions: " + interactions + "\n");
    check(new String[] {"--config", onlyInteractions.toString()}, "config key 'input.members'", "required");
    check(new String[] {"--members", "none"}, "config key 'input.interactions'", "required");
  }

  /**
   * A read that fails through no fault of the data (here: the S3 endpoint refuses connections) exits 1,
   * with one line naming the input, so a scheduler retries; it is not reported as bad input.
   */
  @Test
  void transientReadFailureIsNotBadInput() throws IOException {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    var conf = TestSpark.session().sparkContext().hadoopConfiguration();
    String b = "fs.s3a.bucket.tribes-unreachable.";
    conf.set(b + "endpoint", "http://127.0.0.1:" + closedPort);
    conf.set(b + "path.style.access", "true");
    conf.set(b + "endpoint.region", "us-east-1");
    conf.set(b + "access.key", "unreachable-access");
    conf.set(b + "secret.key", "unreachable-secret");
    conf.set(b + "attempts.maximum", "1");
    conf.set(b + "retry.limit", "1");
    conf.set(b + "retry.interval", "10ms");
    conf.set(b + "connection.establish.timeout", "2s");
    Map<String, String> before = snapshot();
    String input = "s3a://tribes-unreachable/interactions";
    CliRun run = nightly("--interactions", input, "--members", "none");
    assertEquals(1, run.exitCode(), run.stderr());
    String line = run.stderr().lines().filter(l -> l.startsWith("tribes: error:")).findFirst().orElse("");
    System.out.println("transient read failure, exit " + run.exitCode() + ": " + line);
    assertTrue(line.contains(input) && line.contains("not a data error"), run.stderr());
    assertEquals(before, snapshot(), "the published warehouse must not change");
  }

  /** The exit code of read failures as Spark reports them: only the file's own bytes make it exit 2. */
  @Test
  void readFailuresAreClassifiedByTheirCause() {
    String file = "file:/data/interactions/part-00000.parquet";
    java.util.function.Function<Throwable, Exception> sparkRead = cause -> new org.apache.spark.SparkException(
        "[FAILED_READ_FILE.NO_HINT] Encountered error while reading file " + file + ". SQLSTATE: KD001", cause);
    assertEquals(1, Tribes.report(sparkRead.apply(new java.net.SocketTimeoutException("Read timed out"))));
    assertEquals(1, Tribes.report(sparkRead.apply(new IOException("Status Code: 503; Error Code: SlowDown"))));
    assertEquals(1, Tribes.report(sparkRead.apply(new org.apache.parquet.io.ParquetDecodingException(
        "Can not read value at 0 in block -1 in file " + file, new java.net.SocketException("Connection reset")))));
    assertEquals(2, Tribes.report(sparkRead.apply(new RuntimeException(
        file + " is not a Parquet file. Expected magic number at tail, but found [1, 2, 3, 4]"))));
    assertEquals(2, Tribes.report(sparkRead.apply(new org.apache.parquet.io.ParquetDecodingException(
        "Can not read value at 0 in block -1 in file " + file, new java.io.EOFException("Reached the end of stream")))));
  }

  private static CliRun nightly(String... extra) {
    String[] args = Stream.concat(Stream.of("nightly", "--warehouse", warehouse.toString(), "--run-date", RUN_DATE),
        Stream.of(extra)).toArray(String[]::new);
    return CliRun.of(args);
  }

  /** Every file under the warehouse with a digest of its content. */
  private static Map<String, String> snapshot() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(warehouse)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(warehouse.relativize(p).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
    return files;
  }

  private static void assertRejected(CliRun run, String... expectedParts) {
    assertEquals(2, run.exitCode(), run.stderr());
    String line = run.stderr().lines().filter(l -> l.startsWith("tribes: error:")).findFirst().orElse("");
    System.out.println("rejected with exit " + run.exitCode() + ": " + line); // the answer, for the record
    for (String part : expectedParts) {
      assertTrue(line.contains(part), "expected '" + part + "' in: " + run.stderr());
    }
  }

  private static Path writeInteractions(String name, Dataset<Row> table) {
    Path p = dir.resolve(name);
    table.write().mode(SaveMode.Overwrite).parquet(p.toString());
    return p;
  }

  private static Dataset<Row> goodTable() {
    return TestSpark.session().read().parquet(good.resolve("interactions").toString());
  }

  private void check(String[] args, String... expectedParts) {
    Map<String, String> before = snapshot();
    assertRejected(nightly(args), expectedParts);
    assertEquals(before, snapshot(), "the published warehouse must not change");
  }

  @Test
  void missingInputPath() {
    String missing = dir.resolve("nowhere").toString();
    check(new String[] {"--interactions", missing, "--members", "none"}, missing, "path not found");
  }

  @Test
  void emptyInputDirectory() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    check(new String[] {"--interactions", empty.toString(), "--members", "none"}, empty.toString(), "empty");
  }

  @Test
  void missingColumn() {
    Path p = writeInteractions("no_type", goodTable().drop("type"));
    check(new String[] {"--interactions", p.toString(), "--members", "none"}, p.toString(), "missing column 'type'");
  }

  @Test
  void wrongColumnType() {
    Path p = writeInteractions("ts_string", goodTable().withColumn("ts", org.apache.spark.sql.functions.col("ts").cast("string")));
    check(new String[] {"--interactions", p.toString(), "--members", "none"}, "column 'ts' has type STRING, expected TIMESTAMP");
  }

  @Test
  void corruptParquetFile() throws IOException {
    Path p = writeInteractions("corrupt", goodTable());
    Path part;
    try (Stream<Path> s = Files.list(p)) {
      part = s.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.write(part, "this is not parquet at all".getBytes());
    // the file fails either while the schema is read (the input's line) or while a task reads it (the
    // file's line); both name the corrupt file
    check(new String[] {"--interactions", p.toString(), "--members", "none"}, "not readable as Parquet",
        part.getFileName().toString());
  }

  @Test
  void allInteractionsOutsideTheWindow() {
    check(new String[] {"--input", good.toString(), "--run-date", "2027-06-01"}, "no usable interactions in the look-back window");
  }

  @Test
  void unknownConfigKey() throws IOException {
    Path conf = Files.writeString(dir.resolve("bad-key.yaml"), "lpa:\n  max-iteratons: 5\n");
    check(new String[] {"--config", conf.toString(), "--input", good.toString()}, "'lpa.max-iteratons'", "unknown key");
  }

  @Test
  void invalidConfigValue() throws IOException {
    Path conf = Files.writeString(dir.resolve("bad-size.yaml"), "community:\n  min-size: 40\n");
    check(new String[] {"--config", conf.toString(), "--input", good.toString()}, "'community.max-size'");
  }

  @Test
  void malformedRunDate() {
    check(new String[] {"--input", good.toString(), "--run-date", "2026-02-30"}, "--run-date", "YYYY-MM-DD");
  }

  @Test
  void unknownOption() {
    check(new String[] {"--inptu", good.toString()}, "unknown option '--inptu'");
  }

  /** The good interactions plus {@code extra} rows. */
  private static Path withRows(String name, Interactions extra) {
    return writeInteractions(name, goodTable().unionByName(extra.table()));
  }

  private static Path config(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  @Test
  void duplicateMemberIds() {
    Interactions m = new Interactions().member("a1", false, false, false).member("a2", false, false, false)
        .member("a1", true, false, false);
    Path members = dir.resolve("dup_members");
    m.inputs().members().write().mode(SaveMode.Overwrite).parquet(members.toString());
    check(new String[] {"--interactions", good.resolve("interactions").toString(), "--members", members.toString()},
        members.toString(), "column 'member_id' has duplicate values", "'a1' (2 rows)");
  }

  private static Path membersTable(String name, Dataset<Row> table) {
    Path p = dir.resolve(name);
    table.write().mode(SaveMode.Overwrite).parquet(p.toString());
    return p;
  }

  @Test
  void membersTableWithoutMemberId() {
    Path members = membersTable("members_no_id",
        new Interactions().member("a1", false, false, false).inputs().members().drop("member_id"));
    check(new String[] {"--interactions", good.resolve("interactions").toString(), "--members", members.toString()},
        members.toString(), "missing column 'member_id'");
  }

  @Test
  void membersTableWithAStringOptedOut() {
    Path members = membersTable("members_opted_out_string", new Interactions().member("a1", false, false, false)
        .inputs().members().withColumn("opted_out", org.apache.spark.sql.functions.lit("yes")));
    check(new String[] {"--interactions", good.resolve("interactions").toString(), "--members", members.toString()},
        members.toString(), "column 'opted_out' has type STRING, expected BOOLEAN");
  }

  @Test
  void infiniteWeight() {
    Path p = writeInteractions("infinite_weight", goodTable().withColumn("weight",
        org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.col("src").equalTo("a1"),
            Double.POSITIVE_INFINITY).otherwise(org.apache.spark.sql.functions.col("weight"))));
    check(new String[] {"--interactions", p.toString(), "--members", "none"}, p.toString(), "column 'weight'",
        "infinite");
  }

  @Test
  void unknownInteractionTypeIsAnErrorWhenConfigured() throws IOException {
    Path p = withRows("poke", new Interactions().add("a1", "a2", "poke", 2));
    Path conf = config("unknown-error.yaml", "graph:\n  unknown-types: error\n");
    check(new String[] {"--config", conf.toString(), "--interactions", p.toString(), "--members", "none"},
        "column 'type'", "poke", "graph.type-weights");
  }

  @Test
  void nullOrBlankIdsAboveTheAllowedShare() {
    Interactions bad = new Interactions();
    for (int i = 0; i < 10; i++) bad.add(i % 2 == 0 ? " " : "a1", "a2", "reply", 1);
    bad.row(null, "a3", "reply", Interactions.daysBefore(1), null, null);
    Path p = withRows("blank_ids", bad);
    check(new String[] {"--interactions", p.toString(), "--members", "none"},
        p.toString(), "null or blank src/dst", "graph.max-invalid-id-share");
  }

  @Test
  void unknownTypesAndAFewBlankIdsAreDroppedAndCounted() {
    // the good run's input holds one row of each (see publishAGoodRun): it published, and counted them
    Map<String, Long> rejected = goodRun.manifest().inputs().get("interactions").rejected();
    assertEquals(1L, rejected.get("unknown_type"), rejected.toString());
    assertEquals(1L, rejected.get("null_or_blank_id"), rejected.toString());
  }

  @Test
  void wrongConfigValueType() throws IOException {
    Path conf = config("bad-type.yaml", "lpa:\n  max-iterations: ten\n");
    check(new String[] {"--config", conf.toString(), "--input", good.toString()}, "'lpa.max-iterations'", "expected an integer");
  }

  @Test
  void zeroIterations() throws IOException {
    Path conf = config("zero-iter.yaml", "pagerank:\n  max-iterations: 0\n");
    check(new String[] {"--config", conf.toString(), "--input", good.toString()}, "'pagerank.max-iterations'", "must be > 0");
  }

  @Test
  void zeroRetention() throws IOException {
    Path conf = config("zero-retention.yaml", "warehouse-retention-runs: 0\n");
    check(new String[] {"--config", conf.toString(), "--input", good.toString()}, "'warehouse-retention-runs'", "must be >= 1");
  }

  @Test
  void malformedRunDateInConfig() throws IOException {
    Path conf = config("bad-date.yaml", "run-date: \"2026-11-31\"\n");
    check(new String[] {"--config", conf.toString(), "--input", good.toString()}, "'run-date'", "YYYY-MM-DD", "2026-11-31");
  }

  @Test
  void unwritableWarehouse() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    String target = file.resolve("warehouse").toString();
    Map<String, String> before = snapshot();
    CliRun run = CliRun.of("nightly", "--warehouse", target, "--run-date", RUN_DATE, "--input", good.toString());
    assertRejected(run, "warehouse " + target, "not writable");
    assertEquals(before, snapshot());
    assertEquals("not a directory", Files.readString(file));
  }
}
