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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nights over a churning sample (members leave and join; one community splits, two merge, one
 * dissolves, one is born): ids stay stable where communities do, planted events are reported as such,
 * and the tables are identical when a night is rerun, whatever the partition count.
 */
class ChurnTest {
  static final int NIGHTS = 3;
  @TempDir static Path dir;
  static SparkSession spark;
  static List<LocalDate> days;
  static Path config;
  static Path warehouse;
  static Map<String, Integer> shuffleBefore;

  @BeforeAll
  static void runThreeNights() throws IOException {
    spark = TestSpark.session();
    SampleGenerator.DaysSummary summary = new SampleGenerator(spark)
        .generateDays(new SampleSpec(2_000, 4, 11, SampleSpec.DEFAULT_END_DATE), NIGHTS, dir.resolve("sample").toString());
    days = summary.days();
    // a short window with fast decay, so that a change on one day shows in that night's graph
    config = Files.writeString(dir.resolve("churn.yaml"),
        "window:\n  lookback-days: 4\n  decay-half-life-days: 0.5\n");
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

  /** The community id most of a planted community's members got on a night. */
  static Map<String, String> majorityId(LocalDate day) {
    Dataset<Row> joined = truth(day).join(run(warehouse, day).memberSegments(), "member_id")
        .filter(col("community_id").isNotNull())
        .groupBy("community", "community_id").count();
    return joined.collectAsList().stream()
        .collect(Collectors.groupingBy(r -> r.getString(0)))
        .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> e.getValue().stream().max(Comparator.comparingLong((Row r) -> r.getLong(2))
                .thenComparing(r -> r.getString(1), Comparator.reverseOrder())).orElseThrow().getString(1)));
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
  void plantedEventsAreReportedAsThatEvent() {
    List<Row> planted = plantedEvents().filter(col("event").isin("split", "merge", "dissolve", "birth")).collectAsList();
    assertEquals(4, planted.size(), planted.toString());
    List<String> failures = new ArrayList<>();
    for (Row e : planted) {
      LocalDate day = e.getDate(0).toLocalDate();
      int i = days.indexOf(day);
      if (i <= 0) continue; // an event before the first night has nothing to compare with
      Map<String, String> before = majorityId(days.get(i - 1));
      Map<String, String> after = majorityId(day);
      Dataset<Row> events = run(warehouse, day).communityEvents();
      String community = e.getString(2);
      String other = e.getString(3);
      boolean ok = switch (e.getString(1)) {
        case "split" -> events.filter(col("event").equalTo("split")
            .and(org.apache.spark.sql.functions.array_contains(col("related_ids"), before.get(community)))).count() >= 2;
        case "merge" -> events.filter(col("event").equalTo("merged")
            .and(org.apache.spark.sql.functions.array_contains(col("related_ids"), before.get(community)))
            .and(org.apache.spark.sql.functions.array_contains(col("related_ids"), before.get(other)))).count() == 1;
        case "dissolve" -> events.filter(col("event").equalTo("dissolved")
            .and(col("community_id").equalTo(before.get(community)))).count() == 1;
        case "birth" -> after.get(community) != null && events.filter(col("event").equalTo("born")
            .and(col("community_id").equalTo(after.get(community)))).count() == 1;
        default -> true;
      };
      System.out.printf("planted %s on %s (%s, %s): %s%n", e.getString(1), day, community, other, ok ? "reported" : "MISSED");
      if (!ok) failures.add(e.toString());
    }
    assertEquals(List.of(), failures);
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
    Warehouse.PublishedRun r = run(wh, day);
    Dataset<Row> df = switch (table) {
      case Warehouse.MEMBER_SEGMENTS -> r.memberSegments();
      case Warehouse.COMMUNITIES -> r.communities();
      default -> r.communityEvents();
    };
    return df.collectAsList().stream().map(Row::toString).sorted().toList();
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
