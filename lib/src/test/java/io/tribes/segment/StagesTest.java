package io.tribes.segment;

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
    Detection d = new CommunityDetector(config.lpa(), config.community(), config.spark()).detect(g);
    Ranking r = new MemberRanker(config.pagerank(), config.spark()).rank(g, d.assignments());
    return new Segmenter(config.community()).shape(g, d.assignments(), r.ranks(), Interactions.RUN_DATE);
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
}
