package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleSpec;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job on s3a:// against a real S3-API server (S3Mock on 127.0.0.1): the same tables as
 * on local paths, and no secret in any output, manifest or log.
 */
class ObjectStoreTest {
  static final LocalDate RUN_DATE = SampleSpec.DEFAULT_END_DATE;
  @TempDir static Path dir;
  static SparkSession spark;
  static S3MockServer s3;
  static Path sample;
  static String s3Sample;
  /** Test credentials (S3Mock accepts any), given through the Hadoop configuration. */
  static final String CONF_SECRET = "confSecret" + UUID.randomUUID().toString().replace("-", "");

  /** A short run: the comparison needs equal tables, not converged ones. */
  static final String SMALL = "spark:\n  shuffle-partitions: 2\nlpa:\n  max-iterations: 10\npagerank:\n  max-iterations: 10\n";

  @BeforeAll
  static void sampleLocallyAndOnS3() throws IOException {
    spark = TestSpark.session();
    s3 = S3MockServer.get();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    s3.configure(conf, "tribes-test-access", CONF_SECRET);
    sample = dir.resolve("sample");
    new SampleGenerator(spark).generate(new SampleSpec(300, 7, 7, RUN_DATE), sample.toString());
    s3Sample = s3.uri("it-" + UUID.randomUUID() + "/sample");
    org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(s3Sample);
    FileSystem s3fs = dst.getFileSystem(conf);
    for (String table : List.of("interactions", "members")) {
      assertTrue(FileUtil.copy(FileSystem.getLocal(conf), new org.apache.hadoop.fs.Path(sample.resolve(table).toString()),
          s3fs, new org.apache.hadoop.fs.Path(dst, table), false, conf));
    }
  }

  @Test
  void s3MockListensOnLoopbackOnly() throws IOException {
    List<String> addresses = s3.listeningAddresses();
    assertTrue(addresses.size() >= 2, "HTTP and HTTPS connectors: " + addresses);
    for (String a : addresses) assertTrue(a.startsWith("127.0.0.1:"), "listens beyond loopback: " + addresses);
    assertTrue(addresses.contains("127.0.0.1:" + s3.port), addresses.toString());
  }

  @Test
  void nightlyOnS3aGivesTheSameTablesAsOnLocalPathsAndPrintsNoSecret() throws Exception {
    Path conf = Files.writeString(dir.resolve("job.yaml"), SMALL);
    CliRun local = CliRun.of("nightly", "--config", conf.toString(), "--input", sample.toString(),
        "--warehouse", dir.resolve("warehouse").toString(), "--run-date", RUN_DATE.toString());
    assertEquals(0, local.exitCode(), local.stderr());

    // everything (inputs, warehouse) on s3a; the secret is in the Hadoop configuration, as
    // spark-submit's --conf spark.hadoop.fs.s3a.secret.key would put it; the log is captured at INFO
    Path s3conf = Files.writeString(dir.resolve("job-s3.yaml"), SMALL + String.join("\n",
        "s3:", "  endpoint: " + s3.endpoint(), "  path-style-access: true", "  region: us-east-1", ""));
    String s3Warehouse = s3.uri("it-" + UUID.randomUUID() + "/warehouse");
    CliRun onS3;
    String log;
    try (LogCapture capture = LogCapture.start()) {
      onS3 = CliRun.of("nightly", "--config", s3conf.toString(), "--input", s3Sample, "--warehouse", s3Warehouse,
          "--run-date", RUN_DATE.toString());
      log = capture.text();
    }
    assertEquals(0, onS3.exitCode(), onS3.stderr());
    assertTrue(log.contains("stage publish: done"), "the capture holds the job's log: " + log);

    Warehouse.PublishedRun l = new Warehouse(spark, dir.resolve("warehouse").toString()).latest().orElseThrow();
    Warehouse.PublishedRun s = new Warehouse(spark, s3Warehouse).latest().orElseThrow();
    List<Row> lm = l.memberSegments().orderBy("member_id").collectAsList();
    assertTrue(lm.size() > 200, "members " + lm.size());
    assertEquals(lm, s.memberSegments().orderBy("member_id").collectAsList());
    assertEquals(l.communities().orderBy("community_id").collectAsList(),
        s.communities().orderBy("community_id").collectAsList());
    RunManifest m = s.manifest();
    assertTrue(m.outputs().get("member_segments").path().startsWith(s3Warehouse), m.outputs().toString());
    assertTrue(m.inputs().get("interactions").path().startsWith("s3a://"), m.inputs().toString());
    assertEquals(s3.endpoint(), m.config().get("s3").get("endpoint").asText());

    // no secret anywhere: the log, stderr, every local file, every object S3Mock stored (manifest,
    // _latest, Parquet), as raw bytes. (PublishFaultTest does the same for a secret in the
    // environment of a separate JVM.)
    assertFalse(log.contains(CONF_SECRET), "secret in the log");
    assertFalse(onS3.stderr().contains(CONF_SECRET), "secret in stderr");
    assertEquals(List.of(), filesContaining(dir, CONF_SECRET), "secret in local files");
    assertEquals(List.of(), filesContaining(s3.dataDir(), CONF_SECRET), "secret in stored objects");
    // the scan does see what is there: the manifest's bytes are in S3Mock's store
    assertFalse(filesContaining(s3.dataDir(), m.runId()).isEmpty(), "manifest not found in the S3Mock store");
  }

  /** Every regular file under {@code root} whose raw bytes contain {@code text}. */
  static List<Path> filesContaining(Path root, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        byte[] content;
        try {
          content = Files.readAllBytes(p);
        } catch (IOException gone) {
          continue;
        }
        if (indexOf(content, needle) >= 0) hits.add(p);
      }
    }
    return hits;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
