package io.tribes.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.graph.GraphBuilder;
import io.tribes.graph.InteractionGraph;
import io.tribes.testing.Interactions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Detect, rank and shape on tiny hand-made graphs. */
class StagesTest {
  private static final String[] LEFT = {"l1", "l2", "l3", "l4", "l5"};
  private static final String[] RIGHT = {"r1", "r2", "r3", "r4", "r5"};

  private static SegmentTables run(Interactions data, TribesConfig config) {
    InteractionGraph g = new GraphBuilder(config.window(), config.graph()).build(data.inputs(), Interactions.RUN_DATE);
    Detection d = new CommunityDetector(config.lpa(), config.community(), config.spark(), config.execution()).detect(g);
    Ranking r = new MemberRanker(config.pagerank(), config.spark(), config.execution()).rank(g, d.assignments());
    CommunityMatcher.Matching m = new CommunityMatcher(config.lifecycle()).match(
        g.members().join(d.assignments(), "id").filter("community is not null").select("member_id", "community"),
        null, Interactions.RUN_DATE);
    return new SegmentShaper(config.community()).shape(g, d.assignments(), r.ranks(), m, Interactions.RUN_DATE);
  }

  private static Map<String, Row> byMember(SegmentTables t) {
    return t.memberSegments().collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("member_id"), r -> r));
  }

  private static Set<String> community(Map<String, Row> m, String member) {
    Object c = m.get(member).getAs("community_id");
    return m.values().stream().filter(r -> c != null && c.equals(r.getAs("community_id")))
        .map(r -> (String) r.getAs("member_id")).collect(Collectors.toSet());
  }

  @Test
  void twoDenseGroupsJoinedByOneEdgeGiveTwoCommunities() {
    Interactions data = new Interactions().clique(2, LEFT).clique(2, RIGHT).add("l1", "r1", "reply", 2);
    SegmentTables t = run(data, new ConfigLoader().defaults());
    Map<String, Row> m = byMember(t);
    assertEquals(Set.of(LEFT), community(m, "l3"));
    assertEquals(Set.of(RIGHT), community(m, "r3"));
    assertNotEquals((String) m.get("l1").getAs("community_id"), (String) m.get("r1").getAs("community_id"));
    assertEquals(2, t.communities().count());
    assertTrue(t.modularity() > 0.3, "modularity " + t.modularity());
  }

  @Test
  void hubJoinedToEverythingIsExcludedAndDoesNotMergeCommunities() {
    Interactions data = new Interactions().clique(2, LEFT).clique(2, RIGHT);
    for (String x : LEFT) data.add("hub", x, "reply", 3).add(x, "hub", "reply", 3);
    for (String x : RIGHT) data.add("hub", x, "reply", 3).add(x, "hub", "reply", 3);
    TribesConfig config = new ConfigLoader().parse("graph:\n  max-degree: 6\n", "test");
    Map<String, Row> m = byMember(run(data, config));
    assertTrue(!m.containsKey("hub"), "the hub must not be segmented");
    assertEquals(Set.of(LEFT), community(m, "l1"));
    assertEquals(Set.of(RIGHT), community(m, "r1"));
  }

  @Test
  void rolesFollowRankAndSmallGroupsAreUnassigned() {
    // a star-ish group of 10 around "a0" (everyone replies to a0), plus a lone pair
    Interactions data = new Interactions();
    for (int i = 1; i < 10; i++) {
      data.add("a" + i, "a0", "reply", 3).add("a0", "a" + i, "like", 2).add("a" + i, "a" + (i % 9 + 1), "comment", 2);
    }
    data.add("p1", "p2", "reply", 3);
    TribesConfig config = new ConfigLoader().defaults();
    SegmentTables t = run(data, config);
    Map<String, Row> m = byMember(t);
    Row hub = m.get("a0");
    assertEquals("ambassador", hub.getAs("role"));
    assertEquals(1, (int) hub.getAs("rank_in_community"));
    Map<String, Integer> roles = new HashMap<>();
    m.values().forEach(r -> roles.merge(r.getAs("role"), 1, Integer::sum));
    // size 10: ambassadors ceil(0.1*10)=1, core ceil(0.2*10)=2, members 7; the pair is below min-size 3
    assertEquals(Map.of("ambassador", 1, "core", 2, "member", 7, "unassigned", 2), roles);
    assertNull(m.get("p1").getAs("community_id"));
    assertNull(m.get("p1").getAs("rank_in_community"));
    Row c = t.communities().first();
    assertEquals(10, (int) c.getAs("size"));
    assertEquals(List.of("a0"), c.getList(c.fieldIndex("ambassadors")));
    assertEquals(List.of("topic-a"), c.getList(c.fieldIndex("top_topics")));
    assertTrue((double) c.getAs("density") > 0.2 && (double) c.getAs("density") <= 1.0);
    assertEquals(List.of(1.0), c.getList(c.fieldIndex("topic_shares")));
    assertEquals(false, c.getAs("oversized"));
    // the hub talks to everyone inside: 9 partners inside, none outside; its share of the internal activity is the largest
    assertEquals(9L, (long) hub.getAs("partners_inside"));
    assertEquals(0L, (long) hub.getAs("partners_outside"));
    double hubShare = hub.getAs("internal_activity_share");
    double shareSum = m.values().stream().filter(r -> r.getAs("community_id") != null)
        .mapToDouble(r -> r.getAs("internal_activity_share")).sum();
    assertEquals(1.0, shareSum, 1e-6);
    assertTrue(m.values().stream().filter(r -> r.getAs("community_id") != null)
        .allMatch(r -> (double) r.getAs("internal_activity_share") <= hubShare));
    assertEquals(0.0, (double) c.getAs("conductance"), 1e-12);
    assertTrue((double) c.getAs("engagement_lift") > 1.0, "lift " + c.getAs("engagement_lift"));
  }

  @Test
  void oversizedCommunityIsResplitAlongItsWeakTie() {
    // two groups of 5 joined by many strong ties between l1 and r1 form one label, then max-size 6 re-splits it
    Interactions data = new Interactions().clique(3, LEFT).clique(3, RIGHT).add("l1", "r1", "reply", 30).add("r1", "l1", "reply", 30);
    TribesConfig config = new ConfigLoader().parse("community:\n  max-size: 6\n  min-size: 2\n", "test");
    SegmentTables t = run(data, config);
    Map<String, Row> m = byMember(t);
    assertTrue(community(m, "l3").size() <= 6 && community(m, "r3").size() <= 6, community(m, "l3") + " " + community(m, "r3"));
    assertNotEquals((String) m.get("l3").getAs("community_id"), (String) m.get("r3").getAs("community_id"));
    assertEquals(0, t.communities().filter("oversized").count());
  }

  @Test
  void genuinelyDenseGroupAboveMaxSizeIsKeptWholeAndFlagged() {
    String[] eight = {"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"};
    TribesConfig config = new ConfigLoader().parse("community:\n  max-size: 5\n", "test");
    SegmentTables t = run(new Interactions().clique(3, eight), config);
    Row c = t.communities().first();
    assertEquals(1, t.communities().count());
    assertEquals(8, (int) c.getAs("size"));
    assertEquals(true, c.getAs("oversized"));
  }

  @Test
  void communityIdsDependOnContentOnly() {
    Interactions data = new Interactions().clique(2, LEFT).clique(2, RIGHT).add("l1", "r1", "reply", 2);
    TribesConfig config = new ConfigLoader().defaults();
    List<Row> a = run(data, config).memberSegments().orderBy("member_id").collectAsList();
    Interactions shuffled = new Interactions().clique(2, RIGHT).add("l1", "r1", "reply", 2).clique(2, LEFT);
    List<Row> b = run(shuffled, config).memberSegments().orderBy("member_id").collectAsList();
    assertEquals(a, b);
  }

  @Test
  void inMemoryAndDistributedExecutionGiveTheSameTables() {
    // six groups of 8, a loose ring of 48 (refined: above max-size 30), cross-group noise
    Interactions data = new Interactions();
    java.util.Random rnd = new java.util.Random(7);
    for (int g = 0; g < 6; g++) {
      String[] members = new String[8];
      for (int i = 0; i < 8; i++) members[i] = "g" + g + "m" + i;
      data.clique(1 + g % 3, members);
    }
    for (int i = 0; i < 48; i++) {
      data.add("ring" + i, "ring" + ((i + 1) % 48), "reply", 3).add("ring" + i, "ring" + ((i + 2) % 48), "comment", 2);
    }
    for (int k = 0; k < 30; k++) {
      data.add("g" + rnd.nextInt(6) + "m" + rnd.nextInt(8), "ring" + rnd.nextInt(48), "reply", 2);
    }
    TribesConfig inMemory = new ConfigLoader().defaults();
    TribesConfig distributed = new ConfigLoader().parse("execution:\n  in-memory-graph-edges: 0\n", "test");
    SegmentTables a = run(data, inMemory);
    SegmentTables b = run(data, distributed);
    assertTrue(a.communities().count() >= 7, "communities " + a.communities().count());
    assertEquals(canonical(b.memberSegments()), canonical(a.memberSegments()));
    assertEquals(canonical(b.communities()), canonical(a.communities()));
  }

  /**
   * A tiny input's run evaluates Spark SQL interpreted (NightlyPipeline's small-input settings): every table must
   * be the same, to the bit, as with compiled code.
   */
  @Test
  void interpretedAndCompiledEvaluationGiveTheSameTables() {
    Interactions data = new Interactions().clique(2, LEFT).clique(3, RIGHT).add("l1", "r1", "reply", 2)
        .add("l2", "r3", "mention", 1).add("l0", "x", "like", 1);
    TribesConfig config = new ConfigLoader().defaults();
    org.apache.spark.sql.RuntimeConfig conf = data.inputs().interactions().sparkSession().conf();
    SegmentTables compiled = run(data, config);
    List<Row> members = compiled.memberSegments().orderBy("member_id").collectAsList();
    List<Row> communities = compiled.communities().orderBy("community_id").collectAsList();
    conf.set("spark.sql.codegen.wholeStage", "false");
    conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    try {
      SegmentTables interpreted = run(data, config);
      assertEquals(members, interpreted.memberSegments().orderBy("member_id").collectAsList());
      assertEquals(communities, interpreted.communities().orderBy("community_id").collectAsList());
      assertEquals(compiled.modularity(), interpreted.modularity());
    } finally {
      conf.unset("spark.sql.codegen.wholeStage");
      conf.unset("spark.sql.codegen.factoryMode");
    }
  }

  /** Rows as text, doubles at 9 significant digits (PageRank sums in another order on the two paths). */
  private static List<String> canonical(org.apache.spark.sql.Dataset<Row> df) {
    return df.collectAsList().stream().map(r -> {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        Object v = r.get(i);
        sb.append(v instanceof Double x ? String.format(java.util.Locale.ROOT, "%.9g", x) : String.valueOf(v)).append(';');
      }
      return sb.toString();
    }).sorted().toList();
  }
}
