package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.warehouse.Warehouse;
import io.tribes.testing.Interactions;
import io.tribes.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nights of the whole job on controlled data, each night seeing only that day: one community
 * stays, one splits, two merge, one dissolves, one is born. Every event must be reported as that event
 * and the unchanged community must keep its id.
 */
class LifecycleTest {
  @TempDir static Path dir;
  static Path warehouse;
  static final LocalDate NIGHT1 = Interactions.RUN_DATE;
  static final LocalDate NIGHT2 = NIGHT1.plusDays(1);
  static Map<String, String> ids1;
  static Map<String, String> ids2;
  static List<Row> events2;

  static String[] ids(String prefix, int from, int to) {
    String[] out = new String[to - from + 1];
    for (int i = from; i <= to; i++) out[i - from] = prefix + i;
    return out;
  }

  @BeforeAll
  static void twoNights() throws Exception {
    TestSpark.session();
    warehouse = dir.resolve("warehouse");
    Path config = Files.writeString(dir.resolve("one-day.yaml"), "window:\n  lookback-days: 1\n");
    Interactions day1 = new Interactions().clique(2, ids("a", 1, 6)).clique(2, ids("b", 1, 6))
        .clique(2, ids("c", 1, 5)).clique(2, ids("d", 1, 5)).clique(2, ids("e", 1, 5));
    String[] cd = concat(ids("c", 1, 5), ids("d", 1, 5));
    Interactions day2 = new Interactions().clique(2, ids("a", 1, 6))
        .clique(2, ids("b", 1, 3)).clique(2, ids("b", 4, 6))   // b splits
        .clique(2, cd)                                          // c and d merge
        .clique(2, ids("f", 1, 5));                             // f is born; e is gone
    night(config, day1, NIGHT1);
    night(config, day2.shiftedDays(1), NIGHT2);
    Warehouse w = new Warehouse(TestSpark.session(), warehouse.toString());
    ids1 = memberIds(w.run(NIGHT1).orElseThrow());
    Warehouse.PublishedRun run2 = w.run(NIGHT2).orElseThrow();
    ids2 = memberIds(run2);
    events2 = run2.communityEvents().collectAsList();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void night(Path config, Interactions data, LocalDate runDate) {
    Path input = dir.resolve("in-" + runDate);
    data.table().write().parquet(input.resolve("interactions").toString());
    CliRun run = CliRun.of("nightly", "--config", config.toString(), "--interactions", input.resolve("interactions").toString(),
        "--members", "none", "--warehouse", warehouse.toString(), "--run-date", runDate.toString());
    assertEquals(0, run.exitCode(), run.stderr());
  }

  private static Map<String, String> memberIds(Warehouse.PublishedRun run) {
    return run.memberSegments().filter("community_id is not null").collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("member_id"), r -> r.getAs("community_id")));
  }

  private static Map<String, String> eventOf() {
    Map<String, String> out = new TreeMap<>();
    for (Row r : events2) out.put(r.getAs("community_id"), (String) r.getAs("event") + r.getList(r.fieldIndex("related_ids")));
    return out;
  }

  @Test
  void theUnchangedCommunityKeepsItsId() {
    assertEquals(ids1.get("a1"), ids2.get("a1"));
    assertEquals("continued[" + ids1.get("a1") + "]", eventOf().get(ids2.get("a1")));
  }

  @Test
  void theSplitIsReportedForBothParts() {
    assertNotEquals(ids2.get("b1"), ids2.get("b4"));
    String expected = "split[" + ids1.get("b1") + "]";
    assertEquals(expected, eventOf().get(ids2.get("b1")));
    assertEquals(expected, eventOf().get(ids2.get("b4")));
    // one part keeps the old id, the other gets a new one
    assertTrue(ids2.get("b1").equals(ids1.get("b1")) ^ ids2.get("b4").equals(ids1.get("b1")));
  }

  @Test
  void theMergeNamesBothPreviousCommunities() {
    assertEquals(ids2.get("c1"), ids2.get("d1"));
    List<String> related = List.of(ids1.get("c1"), ids1.get("d1")).stream().sorted().toList();
    assertEquals("merged" + related, eventOf().get(ids2.get("c1")));
  }

  @Test
  void theDissolvedAndTheBornAreReported() {
    assertEquals("dissolved[]", eventOf().get(ids1.get("e1")));
    assertEquals("born[]", eventOf().get(ids2.get("f1")));
    // a continued, two split parts, one merged, one dissolved, one born
    assertEquals(6, events2.size(), eventOf().toString());
  }
}
