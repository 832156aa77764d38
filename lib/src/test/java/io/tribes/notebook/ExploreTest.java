package io.tribes.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tribes.warehouse.RunManifest;
import io.tribes.testing.Interactions;
import io.tribes.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook helper on a hand-made warehouse of three runs with known events. */
class ExploreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType SEGMENTS = new StructType()
      .add("run_date", DataTypes.DateType).add("member_id", DataTypes.StringType)
      .add("community_id", DataTypes.StringType).add("role", DataTypes.StringType)
      .add("rank_in_community", DataTypes.IntegerType).add("community_score", DataTypes.DoubleType)
      .add("influence", DataTypes.DoubleType).add("interactions", DataTypes.LongType);
  private static final StructType COMMUNITIES = new StructType()
      .add("run_date", DataTypes.DateType).add("community_id", DataTypes.StringType)
      .add("size", DataTypes.IntegerType).add("ambassadors", DataTypes.createArrayType(DataTypes.StringType))
      .add("top_topics", DataTypes.createArrayType(DataTypes.StringType));
  private static final String D1 = "2026-11-02";
  private static final String D2 = "2026-11-03";
  private static final String D3 = "2026-11-04";

  @TempDir
  static Path dir;
  static Explore explore;

  @BeforeAll
  static void warehouse() throws Exception {
    SparkSession spark = TestSpark.session();
    String interactions = dir.resolve("in/interactions").toString();
    List<Row> rows = new ArrayList<>();
    Timestamp inWindow = ts(D1, -1);
    rows.add(RowFactory.create("a1", "a2", "reply", inWindow, null, "cats"));
    rows.add(RowFactory.create("a1", "a2", "reply", inWindow, null, "cats"));
    rows.add(RowFactory.create("a2", "a1", "like", inWindow, null, "dogs"));
    rows.add(RowFactory.create("a3", "a4", "like", inWindow, 0.5, "cats"));
    rows.add(RowFactory.create("a1", "b1", "mention", inWindow, null, null));
    rows.add(RowFactory.create("b2", "a2", "comment", inWindow, null, null));
    rows.add(RowFactory.create("a1", "u1", "comment", inWindow, null, null));
    rows.add(RowFactory.create("a1", "a2", "reply", ts(D1, 0), null, "late")); // the run day itself: outside
    rows.add(RowFactory.create("a1", "a2", "reply", ts(D1, -31), null, "old")); // before the window
    rows.add(RowFactory.create("a1", "a2", "poke", inWindow, null, "poke")); // no type weight
    rows.add(RowFactory.create("a1", "a1", "reply", inWindow, null, "self"));
    spark.createDataFrame(rows, Interactions.SCHEMA).write().mode(SaveMode.Overwrite).parquet(interactions);

    Map<String, List<String>> r1 = new TreeMap<>();
    r1.put("cA", List.of("a1", "a2", "a3", "a4"));
    r1.put("cB", List.of("b1", "b2", "b3", "b4"));
    r1.put("cC", List.of("c1", "c2", "c3"));
    publish(spark, D1, r1, List.of("u1"), interactions);
    Map<String, List<String>> r2 = new TreeMap<>();
    r2.put("cA", List.of("a1", "a2", "a3", "a4"));
    r2.put("cB1", List.of("b1", "b2", "x1"));
    r2.put("cB2", List.of("b3", "b4", "x2"));
    r2.put("cD", List.of("d1", "d2", "d3"));
    publish(spark, D2, r2, List.of("c1", "c2", "c3"), interactions);
    Map<String, List<String>> r3 = new TreeMap<>();
    r3.put("cA2", List.of("a1", "a2", "a3", "a4", "a5"));
    r3.put("cM", List.of("b1", "b2", "b3", "b4", "x1", "x2"));
    r3.put("cD", List.of("d1", "d2", "d3"));
    publish(spark, D3, r3, List.of(), interactions);
    // a partition without a manifest is not a committed run
    spark.createDataFrame(List.of(RowFactory.create(Date.valueOf("2026-11-05"), "z", "cZ", "member", 1, 1.0, 0.1, 1L)),
        SEGMENTS).write().parquet(dir.resolve("wh/member_segments/run_date=2026-11-05").toString());
    explore = new Explore(spark, dir.resolve("wh").toString());
  }

  private static Timestamp ts(String date, int days) {
    return Timestamp.from(LocalDate.parse(date).plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60));
  }

  private static void publish(SparkSession spark, String date, Map<String, List<String>> communities,
      List<String> unassigned, String interactions) throws Exception {
    Date d = Date.valueOf(date);
    List<Row> seg = new ArrayList<>();
    List<Row> com = new ArrayList<>();
    communities.forEach((id, members) -> {
      for (int i = 0; i < members.size(); i++) {
        seg.add(RowFactory.create(d, members.get(i), id, i == 0 ? "ambassador" : "member", i + 1,
            1.0 / members.size(), 0.01, 3L));
      }
      com.add(RowFactory.create(d, id, members.size(), new String[] {members.get(0)}, new String[] {"cats"}));
    });
    for (String u : unassigned) seg.add(RowFactory.create(d, u, null, "unassigned", null, null, 0.001, 1L));
    String wh = dir.resolve("wh").toString();
    spark.createDataFrame(seg, SEGMENTS).write().parquet(wh + "/member_segments/run_date=" + date);
    spark.createDataFrame(com, COMMUNITIES).write().parquet(wh + "/communities/run_date=" + date);
    JsonNode config = JSON.readTree("{\"window\":{\"lookback-days\":30,\"decay-half-life-days\":0.0},"
        + "\"graph\":{\"type-weights\":{\"reply\":3.0,\"comment\":2.0,\"mention\":2.0,\"like\":1.0},"
        + "\"min-tie-strength\":2.0},\"community\":{\"min-size\":3,\"max-size\":30}}");
    RunManifest m = new RunManifest(1, date, "run-" + date, null, null,
        Map.of("interactions", new RunManifest.InputStats(interactions, 11, Map.of())), config, List.of(), Map.of(),
        Map.of(), Map.of(), new RunManifest.CommunityStats(communities.size(), 0, unassigned.size(), 0, Map.of(),
        Map.of(), 0.5, 0.0), Map.of(), Map.of());
    Path manifest = dir.resolve("wh/runs/" + date + "/manifest.json");
    Files.createDirectories(manifest.getParent());
    Files.write(manifest, JSON.writeValueAsBytes(m));
    Files.writeString(dir.resolve("wh/_latest"), "{\"run_date\":\"" + date + "\"}");
  }

  private static JsonNode read(String json) throws Exception {
    return JSON.readTree(json);
  }

  private static Map<String, JsonNode> by(JsonNode rows, String... keys) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode r : rows) {
      StringBuilder k = new StringBuilder();
      for (String key : keys) k.append(k.length() == 0 ? "" : "|").append(r.path(key).asText("null"));
      out.put(k.toString(), r);
    }
    return out;
  }

  @Test
  void onlyCommittedRunsAreListed() {
    assertEquals(List.of(D1, D2, D3), explore.runDates());
    assertEquals(D3, explore.latestRunDate());
  }

  @Test
  void communitiesLargestFirstAndRoleCounts() throws Exception {
    JsonNode cs = read(explore.communities(D1));
    assertEquals(3, cs.size());
    assertEquals("cA", cs.get(0).get("community_id").asText()); // size 4, tie with cB broken by id
    assertEquals("a1", cs.get(0).get("ambassadors").get(0).asText());
    assertEquals("cA", explore.largestCommunity(D1));
    Map<String, JsonNode> roles = by(read(explore.roleCounts(D1)), "role");
    assertEquals(3, roles.get("ambassador").get("members").asLong());
    assertEquals(8, roles.get("member").get("members").asLong());
    assertEquals(1, roles.get("unassigned").get("members").asLong());
    assertEquals(4, read(explore.community(D1, "cA")).get("size").asInt());
    assertTrue(read(explore.community(D1, "nope")).isNull());
    assertEquals(D1, read(explore.manifest(D1)).get("run_date").asText());
  }

  @Test
  void membersInRankOrder() throws Exception {
    JsonNode ms = read(explore.members(D1, "cA"));
    assertEquals(4, ms.size());
    assertEquals("a1", ms.get(0).get("member_id").asText());
    assertEquals("ambassador", ms.get(0).get("role").asText());
    assertEquals(2, ms.get(1).get("rank_in_community").asInt());
  }

  @Test
  void edgesAreRecomputedWithTheRunsWindowAndWeights() throws Exception {
    Map<String, JsonNode> e = by(read(explore.edges(D1, "cA")), "a", "b");
    assertEquals(2, e.size(), e.toString());
    JsonNode a12 = e.get("a1|a2"); // 2 replies (3 each) + 1 like back; late, old, poke and self rows excluded
    assertEquals(7.0, a12.get("weight").asDouble(), 1e-9);
    assertEquals(3, a12.get("interactions").asLong());
    assertTrue(a12.get("kept").asBoolean());
    JsonNode a34 = e.get("a3|a4"); // a like with row weight 0.5: below min-tie-strength
    assertEquals(0.5, a34.get("weight").asDouble(), 1e-9);
    assertFalse(a34.get("kept").asBoolean());
  }

  @Test
  void topicsOfInternalInteractions() throws Exception {
    JsonNode t = read(explore.topics(D1, "cA"));
    assertEquals("cats", t.get(0).get("topic").asText());
    assertEquals(3, t.get(0).get("interactions").asLong());
    assertEquals("dogs", t.get(1).get("topic").asText());
    assertEquals(2, t.size());
  }

  @Test
  void neighboursPerOtherCommunity() throws Exception {
    Map<String, JsonNode> n = by(read(explore.neighbours(D1, "cA")), "community_id");
    assertEquals(2, n.size(), n.toString());
    JsonNode b = n.get("cB"); // a1 -> b1 mention (2) and b2 -> a2 comment (2)
    assertEquals(4.0, b.get("weight").asDouble(), 1e-9);
    assertEquals(2, b.get("partners").asLong());
    assertEquals(2, b.get("members").asLong());
    assertEquals(4, b.get("size").asInt());
    JsonNode none = n.get("null"); // u1 is unassigned
    assertEquals(2.0, none.get("weight").asDouble(), 1e-9);
  }

  @Test
  void eventsFromOverlap() throws Exception {
    Map<String, JsonNode> e12 = by(read(explore.compare(D1, D2)), "community_id");
    assertEquals("unchanged", e12.get("cA").get("event").asText());
    assertEquals(1.0, e12.get("cA").get("overlap").asDouble(), 1e-9);
    assertEquals("split", e12.get("cB").get("event").asText());
    assertEquals("[\"cB1\",\"cB2\"]", e12.get("cB").get("related_ids").toString());
    assertEquals("dissolved", e12.get("cC").get("event").asText());
    assertEquals("born", e12.get("cD").get("event").asText());
    assertEquals(4, e12.size(), e12.toString());

    Map<String, JsonNode> e23 = by(read(explore.compare(D2, D3)), "community_id");
    assertEquals("continued", e23.get("cA2").get("event").asText());
    assertEquals(0.8, e23.get("cA2").get("overlap").asDouble(), 1e-9);
    assertEquals("merged", e23.get("cM").get("event").asText());
    assertEquals("[\"cB1\",\"cB2\"]", e23.get("cM").get("related_ids").toString());
    assertEquals("unchanged", e23.get("cD").get("event").asText());
    assertEquals(3, e23.size(), e23.toString());
    assertFalse(explore.hasEvents());
    assertEquals("[]", explore.events());
  }

  @Test
  void sizesRetentionAndTrace() throws Exception {
    Map<String, JsonNode> s = by(read(explore.runSizes()), "run_date");
    assertEquals(3, s.size());
    assertEquals(3, s.get(D1).get("communities").asLong());
    assertEquals(12, s.get(D1).get("members").asLong());
    assertEquals(11, s.get(D1).get("assigned").asLong());
    assertEquals(6, s.get(D3).get("max_size").asLong());

    JsonNode r = read(explore.retention());
    assertEquals(2, r.size());
    JsonNode first = r.get(0);
    assertEquals(D1, first.get("from").asText());
    assertEquals(12, first.get("members_from").asLong());
    assertEquals(16, first.get("members_to").asLong());
    assertEquals(11, first.get("retained").asLong()); // a1-a4, b1-b4, c1-c3 but not u1
    // kept together: cA 4 + cB 2 (largest part) + cC 0 = 6 of 11 assigned
    assertEquals(6, first.get("kept_together").asLong());

    JsonNode t = read(explore.trace(D3, "cM"));
    Map<String, JsonNode> byKey = by(t, "member_id", "run_date");
    assertEquals("cB", byKey.get("b1|" + D1).get("community_id").asText());
    assertEquals("cB2", byKey.get("b3|" + D2).get("community_id").asText());
    assertNull(byKey.get("x1|" + D1)); // x1 joined later
    assertEquals(4 + 6 + 6, t.size());
  }
}
