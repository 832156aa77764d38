package io.tribes.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.config.ConfigLoader;
import io.tribes.testing.TestSpark;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CommunityMatcherTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 2);
  private final CommunityMatcher matcher = new CommunityMatcher(new ConfigLoader().defaults().lifecycle());

  /** members "p0".."p(n-1)" of label/community given as [label, from, to) ranges. */
  private static Dataset<Row> current(long[]... ranges) {
    List<Row> rows = new ArrayList<>();
    for (long[] r : ranges) for (long i = r[1]; i < r[2]; i++) rows.add(RowFactory.create("p" + i, r[0]));
    return TestSpark.session().createDataFrame(rows,
        new StructType().add("member_id", DataTypes.StringType).add("community", DataTypes.LongType));
  }

  private static Dataset<Row> previous(Object[]... ranges) {
    List<Row> rows = new ArrayList<>();
    for (Object[] r : ranges) for (int i = (int) r[1]; i < (int) r[2]; i++) rows.add(RowFactory.create("p" + i, r[0]));
    return TestSpark.session().createDataFrame(rows,
        new StructType().add("member_id", DataTypes.StringType).add("community_id", DataTypes.StringType));
  }

  private static Map<Long, String> ids(CommunityMatcher.Matching m) {
    return m.ids().collectAsList().stream().collect(Collectors.toMap(r -> r.getLong(0), r -> r.getString(1)));
  }

  private static Map<String, String> events(CommunityMatcher.Matching m) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : m.events().collectAsList()) out.put(r.getString(1), r.getString(2) + r.getList(3));
    return out;
  }

  /**
   * Member ids may hold commas: members "a,b" + "c" and "a" + "b,c" are two different communities of
   * one run and must get two ids (a comma join gave both the string "a,b,c", so the same id).
   */
  @Test
  void contentIdsOfDifferentMemberListsNeverCollide() {
    List<Row> rows = List.of(RowFactory.create("a,b", 1L), RowFactory.create("c", 1L),
        RowFactory.create("a", 2L), RowFactory.create("b,c", 2L));
    Dataset<Row> current = TestSpark.session().createDataFrame(rows,
        new StructType().add("member_id", DataTypes.StringType).add("community", DataTypes.LongType));
    Map<Long, String> ids = ids(matcher.match(current, null, DAY));
    assertEquals(2, ids.size(), ids.toString());
    assertNotEquals(ids.get(1L), ids.get(2L), "two communities, one id: " + ids);
  }

  @Test
  void withoutAPreviousRunEveryCommunityIsBornWithAContentId() {
    CommunityMatcher.Matching m = matcher.match(current(new long[] {7, 0, 5}, new long[] {9, 5, 9}), null, DAY);
    Map<Long, String> ids = ids(m);
    assertTrue(ids.get(7L).matches("c[0-9a-f]{16}"), ids.toString());
    assertNotEquals(ids.get(7L), ids.get(9L));
    assertEquals(Map.of(ids.get(7L), "born[]", ids.get(9L), "born[]"), events(m));
    // the same members on another date get another id: an id is born once
    assertNotEquals(ids.get(7L), ids(matcher.match(current(new long[] {7, 0, 5}), null, DAY.plusDays(1))).get(7L));
  }

  @Test
  void matchedCommunitiesKeepTheirIdAndReportGrowth() {
    Dataset<Row> prev = previous(new Object[] {"cA", 0, 10}, new Object[] {"cB", 10, 20}, new Object[] {"cC", 20, 30});
    // cA unchanged (label 1), cB gains 5 newcomers (label 2), cC loses 5 members who left (label 3)
    CommunityMatcher.Matching m = matcher.match(current(new long[] {1, 0, 10}, new long[] {2, 10, 20},
        new long[] {2, 50, 55}, new long[] {3, 25, 30}), prev, DAY);
    assertEquals(Map.of(1L, "cA", 2L, "cB", 3L, "cC"), ids(m));
    assertEquals(Map.of("cA", "continued[cA]", "cB", "grew[cB]", "cC", "shrank[cC]"), events(m));
    assertEquals(1.0, m.events().filter("community_id = 'cA'").first().getDouble(7), 1e-12);
    Row shrank = m.events().filter("community_id = 'cC'").first();
    assertEquals(0.5, shrank.getDouble(7), 1e-12); // retention: 5 of 10 previous members stayed
    assertEquals(0.5, shrank.getDouble(4), 1e-12); // Jaccard 5 / 10
    assertEquals(5, shrank.getInt(5));
    assertEquals(10, shrank.getInt(6));
  }

  @Test
  void splitMergeBornAndDissolvedAreNamed() {
    Dataset<Row> prev = previous(new Object[] {"cS", 0, 20}, new Object[] {"cM1", 20, 30}, new Object[] {"cM2", 30, 40},
        new Object[] {"cD", 40, 50});
    CommunityMatcher.Matching m = matcher.match(current(
        new long[] {1, 0, 10}, new long[] {2, 10, 20}, // cS split in two halves
        new long[] {3, 20, 40},                        // cM1 and cM2 merged
        new long[] {4, 60, 70}),                       // new members: born; cD's members are gone: dissolved
        prev, DAY);
    Map<Long, String> ids = ids(m);
    Map<String, String> ev = events(m);
    assertEquals("split[cS]", ev.get(ids.get(1L)));
    assertEquals("split[cS]", ev.get(ids.get(2L)));
    assertEquals("merged[cM1, cM2]", ev.get(ids.get(3L)));
    assertEquals("born[]", ev.get(ids.get(4L)));
    assertEquals("dissolved[]", ev.get("cD"));
    assertEquals(1, m.dissolved());
    // the split half matched first by overlap (ties -> smaller label) keeps the old id; the other gets a new one
    assertEquals("cS", ids.get(1L));
    assertTrue(ids.get(2L).startsWith("c") && !ids.get(2L).equals("cS"));
  }

  @Test
  void idsDoNotDependOnPartitioning() {
    Dataset<Row> prev = previous(new Object[] {"cA", 0, 10}, new Object[] {"cB", 10, 20});
    Dataset<Row> cur = current(new long[] {1, 0, 12}, new long[] {2, 12, 20}, new long[] {3, 30, 35});
    Map<Long, String> a = ids(matcher.match(cur, prev, DAY));
    Map<Long, String> b = ids(matcher.match(cur.repartition(5), prev.repartition(3), DAY));
    assertEquals(a, b);
  }
}
