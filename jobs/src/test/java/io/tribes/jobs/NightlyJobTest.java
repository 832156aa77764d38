package io.tribes.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.warehouse.RunManifest;
import io.tribes.warehouse.Warehouse;
import io.tribes.metrics.Recovery;
import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleSpec;
import io.tribes.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** End to end on the default sample (20,000 members, 30 days): generate, run nightly, read the tables back. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyJobTest {
  static final LocalDate RUN_DATE = SampleSpec.DEFAULT_END_DATE;
  @TempDir static Path dir;
  static SparkSession spark;
  static Path sample;
  static Path warehouse;

  @BeforeAll
  static void generateAndRun() {
    spark = TestSpark.session();
    sample = dir.resolve("sample");
    warehouse = dir.resolve("warehouse");
    new SampleGenerator(spark).generate(new SampleSpec(20_000, 30, 42, RUN_DATE), sample.toString());
    CliRun run = CliRun.of("nightly", "--input", sample.toString(), "--warehouse", warehouse.toString(),
        "--run-date", RUN_DATE.toString());
    assertEquals(0, run.exitCode(), run.stderr());
  }

  private static Warehouse.PublishedRun latest() {
    return new Warehouse(spark, warehouse.toString()).latest().orElseThrow();
  }

  @Test
  @Order(1)
  void tablesHaveTheDocumentedSchema() {
    Warehouse.PublishedRun run = latest();
    assertEquals("run_date DATE,member_id STRING,community_id STRING,role STRING,rank_in_community INT,"
        + "community_score DOUBLE,influence DOUBLE,interactions BIGINT,interactions_sent BIGINT,"
        + "interactions_received BIGINT,partners_inside BIGINT,partners_outside BIGINT,internal_activity_share DOUBLE",
        ddl(run.memberSegments()));
    assertEquals("run_date DATE,community_id STRING,size INT,ambassadors ARRAY<STRING>,internal_weight DOUBLE,"
        + "external_weight DOUBLE,density DOUBLE,conductance DOUBLE,modularity_contribution DOUBLE,"
        + "activity_per_member DOUBLE,engagement_lift DOUBLE,top_topics ARRAY<STRING>,topic_shares ARRAY<DOUBLE>,"
        + "oversized BOOLEAN", ddl(run.communities()));
    assertEquals("run_date DATE,community_id STRING,event STRING,related_ids ARRAY<STRING>,overlap DOUBLE,"
        + "size INT,previous_size INT,retention DOUBLE", ddl(run.communityEvents()));
    assertTrue(Files.isDirectory(warehouse.resolve("member_segments/run_date=" + RUN_DATE)));
    assertTrue(Files.isRegularFile(warehouse.resolve("runs/" + RUN_DATE + "/manifest.json")));
  }

  @Test
  @Order(2)
  void recoversThePlantedCommunitiesAndAmbassadors() {
    Warehouse.PublishedRun run = latest();
    Recovery r = Recovery.of(spark.read().parquet(sample.resolve("truth").toString()), run.memberSegments());
    System.out.printf("recovery on the default sample: %s%n", r);
    assertTrue(r.members() > 15_000, "members compared " + r.members());
    assertTrue(r.nmi() >= 0.9, "NMI " + r.nmi());
    assertTrue(r.ambassadorRecall() >= 0.6, "ambassador recall " + r.ambassadorRecall());
  }

  @Test
  @Order(3)
  void manifestCountsMatchTheTables() {
    Warehouse.PublishedRun run = latest();
    RunManifest m = run.manifest();
    assertEquals(RUN_DATE.toString(), m.runDate());
    assertEquals(run.memberSegments().count(), m.outputs().get("member_segments").rows());
    assertEquals(run.communities().count(), m.outputs().get("communities").rows());
    assertEquals(run.communities().count(), m.communities().count());
    long assigned = run.memberSegments().filter(col("community_id").isNotNull()).count();
    assertEquals(assigned, m.communities().membersAssigned());
    assertEquals(((Number) m.graph().get("members")).longValue(), run.memberSegments().count());
    assertTrue(m.communities().modularity() > 0.5, "modularity " + m.communities().modularity());
    // publish writes the manifest, so the manifest times the stages before it
    assertEquals(List.of("load", "build_graph", "detect", "rank", "match", "shape"),
        m.stages().stream().map(RunManifest.StageStats::name).toList());
    long sizeSum = run.communities().agg(org.apache.spark.sql.functions.sum("size")).first().getLong(0);
    assertEquals(assigned, sizeSum);
  }

  @Test
  @Order(4)
  void optedOutBrandAndBotAccountsNeverAppear() {
    Dataset<Row> members = spark.read().parquet(sample.resolve("members").toString());
    Dataset<Row> excluded = members.filter(col("opted_out").or(col("is_brand")).or(col("is_bot")));
    assertTrue(excluded.count() > 0);
    Warehouse.PublishedRun run = latest();
    assertEquals(0, run.memberSegments().join(excluded, "member_id").count());
    Dataset<Row> ambassadors = run.communities().selectExpr("explode(ambassadors) as member_id");
    assertEquals(0, ambassadors.join(excluded, "member_id").count());
  }

  @Test
  @Order(5)
  void everyCommunityRespectsTheSizeBoundsAndHasAnAmbassador() {
    Warehouse.PublishedRun run = latest();
    assertEquals(0, run.communities().filter("size < 3 or size(ambassadors) < 1").count());
    assertEquals(0, run.communities().filter("size > 30 and not oversized").count());
    // a first run has no previous run: every community is born
    assertEquals(run.communities().count(), run.communityEvents().filter("event = 'born'").count());
    assertEquals(run.communities().count(),
        run.memberSegments().filter("role = 'ambassador' and rank_in_community = 1").count());
  }

  @Test
  @Order(6)
  void rerunningTheSameDateReplacesItsRunWithIdenticalTables() {
    List<Row> before = latest().memberSegments().orderBy("member_id").collectAsList();
    CliRun again = CliRun.of("nightly", "--input", sample.toString(), "--warehouse", warehouse.toString(),
        "--run-date", RUN_DATE.toString());
    assertEquals(0, again.exitCode(), again.stderr());
    List<Row> after = latest().memberSegments().orderBy("member_id").collectAsList();
    assertEquals(before, after);
    assertEquals(List.of(RUN_DATE), new Warehouse(spark, warehouse.toString()).runDates());
    assertTrue(!Files.exists(warehouse.resolve("_staging")) || isEmpty(warehouse.resolve("_staging")));
  }

  private static boolean isEmpty(Path p) {
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String ddl(Dataset<Row> df) {
    return String.join(",", java.util.Arrays.stream(df.schema().fields())
        .map(f -> f.name() + " " + f.dataType().sql()).toList());
  }
}
