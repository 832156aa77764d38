package io.tribes.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.io.Warehouse;
import io.tribes.sample.SampleGenerator;
import io.tribes.sample.SampleSpec;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nights over a churning sample (members leave and join; one community splits, two merge, one
 * dissolves, one is born): ids stay stable where communities do, and the tables are identical when a
 * night is rerun, whatever the partition count. Each kind of event is checked on controlled data by
 * {@link LifecycleTest}: in the sample's 14-day window a change of one day is still a minority of
 * the interactions.
 */
class ChurnTest {
  static final int NIGHTS = 3;
  @TempDir static Path dir;
  static SparkSession spark;
  static List<LocalDate> days;
  static Path config;
  static Path warehouse;

  @BeforeAll
  static void runThreeNights() throws IOException {
    spark = TestSpark.session();
    SampleGenerator.DaysSummary summary = new SampleGenerator(spark)
        .generateDays(new SampleSpec(2_000, 14, 11, SampleSpec.DEFAULT_END_DATE), NIGHTS, dir.resolve("sample").toString());
    days = summary.days();
    // the sample's 14-day window; decay makes the newest day count most
    config = Files.writeString(dir.resolve("churn.yaml"),
        "window:\n  lookback-days: 14\n  decay-half-life-days: 3\ngraph:\n  min-tie-strength: 1.0\n");
    warehouse = dir.resolve("warehouse");
    for (LocalDate day : days) {
      night(warehouse, day);
    }
  }

  static void night(Path wh, LocalDate day) {
    night(wh, day, config);
  }

  static void night(Path wh, LocalDate day, Path conf) {
    CliRun run = CliRun.of("nightly", "--config", conf.toString(), "--input", dir.resolve("sample/day=" + day).toString(),
        "--warehouse", wh.toString(), "--run-date", day.plusDays(1).toString());
    assertEquals(0, run.exitCode(), run.stderr());
  }

  static Warehouse.PublishedRun run(Path wh, LocalDate day) {
    return new Warehouse(spark, wh.toString()).run(day.plusDays(1)).orElseThrow();
  }

  static Dataset<Row> truth(LocalDate day) {
    return spark.read().parquet(dir.resolve("sample/day=" + day + "/truth").toString())
        .filter(col("community").isNotNull());
  }

  static Dataset<Row> plantedEvents() {
    return spark.read().parquet(dir.resolve("sample/events").toString());
  }

  @Test
  void membersOfUnchangedCommunitiesKeepTheirCommunityId() {
    for (int i = 1; i < days.size(); i++) {
      LocalDate prev = days.get(i - 1);
      LocalDate day = days.get(i);
      List<String> changed = plantedEvents().filter(col("day").equalTo(java.sql.Date.valueOf(day)))
          .select("community", "other_community").collectAsList().stream()
          .flatMap(r -> Stream.of(r.getString(0), r.getString(1))).filter(java.util.Objects::nonNull).toList();
      Dataset<Row> stayed = truth(prev).join(truth(day), new String[] {"member_id", "community"})
          .filter(col("community").isin(changed.toArray()).unary_$bang()).select("member_id");
      Dataset<Row> before = run(warehouse, prev).memberSegments().select(col("member_id"), col("community_id").as("a"));
      Dataset<Row> after = run(warehouse, day).memberSegments().select(col("member_id"), col("community_id").as("b"));
      Dataset<Row> both = stayed.join(before, "member_id").join(after, "member_id").filter(col("a").isNotNull());
      long total = both.count();
      long same = both.filter(col("a").equalTo(col("b"))).count();
      double stability = (double) same / total;
      System.out.printf("night %s: %d of %d members of unchanged communities kept their community id (%.4f)%n",
          day.plusDays(1), same, total, stability);
      assertTrue(total > 1000, "members compared " + total);
      assertTrue(stability >= 0.95, "id stability " + stability);
    }
  }

  @Test
  void rerunningANightGivesIdenticalTablesWhateverThePartitionCount() throws IOException {
    LocalDate last = days.get(days.size() - 1);
    for (int partitions : new int[] {8, 3}) {
      Path copy = dir.resolve("rerun-" + partitions);
      copyTree(warehouse, copy);
      Path conf = Files.writeString(dir.resolve("churn-" + partitions + ".yaml"),
          Files.readString(config) + "spark:\n  shuffle-partitions: " + partitions + "\n");
      night(copy, last, conf);
      for (String table : Warehouse.TABLES) {
        assertEquals(rows(warehouse, table, last), rows(copy, table, last), table + " with " + partitions + " partitions");
      }
    }
  }

  private static List<String> rows(Path wh, String table, LocalDate day) {
    return TableRows.of(run(wh, day), table);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }
}
