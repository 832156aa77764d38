package io.tribes.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.TribesException;
import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.testing.Interactions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.tribes.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class GraphBuilderTest {
  private final TribesConfig defaults = new ConfigLoader().defaults();

  private InteractionGraph build(Interactions data) {
    return build(data, defaults);
  }

  private static InteractionGraph build(Interactions data, TribesConfig config) {
    return new GraphBuilder(config.window(), config.graph()).build(data.inputs(), Interactions.RUN_DATE);
  }

  /** member_id pairs "a->b" with their weight. */
  private static Map<String, Double> edges(InteractionGraph g) {
    Map<Long, String> names = g.members().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getLong(0), r -> r.getString(1)));
    return g.edges().collectAsList().stream()
        .collect(Collectors.toMap(r -> names.get(r.getLong(0)) + "->" + names.get(r.getLong(1)), r -> r.getDouble(2)));
  }

  private static List<String> memberIds(InteractionGraph g) {
    return g.members().orderBy("id").collectAsList().stream().map(r -> r.getString(1)).toList();
  }

  @Test
  void duplicatesAggregateWithTypeWeights() {
    InteractionGraph g = build(new Interactions().add("a", "b", "reply", 3).add("a", "b", "like", 2).add("b", "a", "comment", 1));
    Map<String, Double> e = edges(g);
    assertEquals(3 * 3.0 + 2 * 1.0, e.get("a->b"), 1e-9);
    assertEquals(2.0, e.get("b->a"), 1e-9);
    assertEquals(2, e.size());
    Row a = g.members().filter("member_id = 'a'").first();
    assertEquals(5L, a.getLong(2)); // sent
    assertEquals(1L, a.getLong(3)); // received
  }

  @Test
  void selfLoopsAndBadRowsAreDroppedAndCounted() {
    Interactions data = new Interactions().add("a", "b", "reply", 2).add("a", "a", "reply", 4)
        .row(" ", "b", "reply", Interactions.daysBefore(1), null, null)
        .row("a", "b", "reply", Interactions.daysBefore(45), null, null)
        .row("a", "b", "poke", Interactions.daysBefore(1), null, null)
        .row("a", "b", "reply", Interactions.daysBefore(1), -2.0, null);
    TribesConfig lenient = new ConfigLoader().parse("graph:\n  max-invalid-id-share: 0.5\n", "test");
    InteractionGraph g = build(data, lenient);
    assertEquals(Map.of("self_loop", 4L, "null_or_blank_id", 1L, "outside_window", 1L, "unknown_type", 1L,
        "invalid_weight", 1L), g.stats().rejected());
    assertEquals(10, g.stats().rowsRead());
    assertEquals(2, g.stats().interactionsInWindow());
    assertEquals(Map.of("a->b", 6.0), edges(g));
  }

  @Test
  void rowWeightAndTimeDecayMultiply() {
    Interactions data = new Interactions()
        .row("a", "b", "like", Interactions.daysBefore(1), 4.0, null)
        .row("b", "a", "like", Interactions.daysBefore(11), null, null);
    TribesConfig decay = new ConfigLoader().parse("window:\n  decay-half-life-days: 10\ngraph:\n  min-tie-strength: 0\n", "test");
    Map<String, Double> e = edges(build(data, decay));
    // ages measured from the window end (run date 00:00); rows sit at 01:00 of their day
    assertEquals(4.0 * Math.pow(0.5, (1 - 1 / 24.0) / 10), e.get("a->b"), 1e-9);
    assertEquals(Math.pow(0.5, (11 - 1 / 24.0) / 10), e.get("b->a"), 1e-9);
  }

  @Test
  void optedOutFlaggedAndHubsAreExcluded() {
    Interactions data = new Interactions().clique(2, "a1", "a2", "a3").add("x", "a1", "reply", 5).add("a2", "x", "reply", 5)
        .add("brand", "a1", "mention", 5).add("bot", "a2", "like", 5)
        .member("x", true, false, false).member("brand", false, true, false).member("bot", false, false, true);
    for (int i = 0; i < 6; i++) data.add("hub", "a" + (i % 3 + 1) + "-" + i, "mention", 1).add("hub", "a1", "reply", 1);
    TribesConfig cap = new ConfigLoader().parse("graph:\n  max-degree: 5\n", "test");
    InteractionGraph g = build(data, cap);
    List<String> ids = memberIds(g);
    assertFalse(ids.contains("x"), "opted-out member must not appear: " + ids);
    assertFalse(ids.contains("brand") || ids.contains("bot"), ids.toString());
    assertFalse(ids.contains("hub"), ids.toString());
    assertTrue(ids.containsAll(List.of("a1", "a2", "a3")));
    assertEquals(1, g.stats().excludedOptedOut());
    assertEquals(2, g.stats().excludedFlagged());
    assertEquals(1, g.stats().excludedHubs());
    assertTrue(edges(g).keySet().stream().noneMatch(k -> k.contains("x") || k.contains("hub") || k.contains("b")),
        edges(g).toString());
  }

  @Test
  void weakTiesAreDroppedButTheirMembersStay() {
    InteractionGraph g = build(new Interactions().add("a", "b", "reply", 1).add("c", "d", "like", 1));
    assertEquals(Map.of("a->b", 3.0), edges(g));
    assertEquals(List.of("a", "b", "c", "d"), memberIds(g));
    assertEquals(1, g.stats().weakTiesDropped());
  }

  @Test
  void denseIdsFollowMemberIdOrderWhateverThePartitioning() {
    Interactions data = new Interactions().clique(1, "m9", "m2", "m5", "m1");
    List<Row> a = build(data).members().orderBy("id").collectAsList();
    InteractionGraph g = new GraphBuilder(defaults.window(), defaults.graph())
        .build(new io.tribes.input.Inputs(data.table().repartition(7), "t", null, null), Interactions.RUN_DATE);
    assertEquals(a, g.members().orderBy("id").collectAsList());
    assertEquals(List.of("m1", "m2", "m5", "m9"), memberIds(g));
  }

  /**
   * The driver's sort (small graphs) and Spark's (large) number the ids alike, in Spark's string order: by UTF-8
   * bytes, where U+E000 comes before U+1F600 (Java's String order, by UTF-16 units, has them the other way).
   */
  @Test
  void denseIdsAreTheSameSortedOnTheDriverOrBySpark() {
    List<String> names = List.of("m9", "\uE000", "\uD83D\uDE00", "Z", "a", "é", "m10", "m1");
    Dataset<Row> ids = TestSpark.session().createDataset(names, Encoders.STRING()).toDF("member_id").repartition(3);
    GraphBuilder.DenseIds driver = GraphBuilder.denseIds(ids, 8, Long.MAX_VALUE);
    GraphBuilder.DenseIds spark = GraphBuilder.denseIds(ids, 8, 0);
    assertEquals(8, driver.count());
    assertEquals(8, spark.count());
    List<Row> expected = spark.ids().orderBy("id").collectAsList();
    assertEquals(expected, driver.ids().orderBy("id").collectAsList());
    assertEquals(List.of("Z", "a", "m1", "m10", "m9", "é", "\uE000", "\uD83D\uDE00"),
        expected.stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void tooManyBlankIdsIsAnError() {
    Interactions data = new Interactions().add("a", "b", "reply", 3).row("", "b", "reply", Interactions.daysBefore(1), null, null);
    var e = assertThrows(TribesException.class, () -> build(data));
    assertTrue(e.getMessage().contains("null or blank src/dst") && e.getMessage().contains("graph.max-invalid-id-share"),
        e.getMessage());
  }

  @Test
  void nothingInWindowIsAnError() {
    Interactions data = new Interactions().row("a", "b", "reply", Interactions.daysBefore(90), null, null);
    var e = assertThrows(TribesException.class, () -> build(data));
    assertTrue(e.getMessage().contains("no usable interactions in the look-back window"), e.getMessage());
  }

  @Test
  void unknownTypesFailWhenConfigured() {
    TribesConfig strict = new ConfigLoader().parse("graph:\n  unknown-types: error\n", "test");
    var e = assertThrows(TribesException.class, () -> build(new Interactions().add("a", "b", "reply", 2).add("a", "b", "poke", 1), strict));
    assertTrue(e.getMessage().contains("column 'type'") && e.getMessage().contains("[poke]"), e.getMessage());
  }
}
