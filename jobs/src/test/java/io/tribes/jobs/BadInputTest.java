package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.testing.Interactions;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
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
    Interactions data = new Interactions().clique(2, "a1", "a2", "a3", "a4").clique(2, "b1", "b2", "b3")
        .member("a1", false, false, false).member("zz", true, false, false);
    data.table().write().parquet(good.resolve("interactions").toString());
    data.inputs().members().write().parquet(good.resolve("members").toString());
    warehouse = dir.resolve("warehouse");
    CliRun ok = nightly("--input", good.toString());
    assertEquals(0, ok.exitCode(), ok.stderr());
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
    Path p = writeInteractions("ts_string", goodTable().withColumn("ts", goodTable().col("ts").cast("string")));
    check(new String[] {"--interactions", p.toString(), "--members", "none"}, "column 'ts' has type STRING, expected TIMESTAMP");
  }

  @Test
  void corruptParquetFile() throws IOException {
    Path p = writeInteractions("corrupt", goodTable());
    try (Stream<Path> s = Files.list(p)) {
      Path part = s.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.write(part, "this is not parquet at all".getBytes());
    }
    check(new String[] {"--interactions", p.toString(), "--members", "none"}, "not readable as Parquet");
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

}
