package io.tribes.algo;

import static io.tribes.algo.TestGraphs.clique;
import static io.tribes.algo.TestGraphs.edges;
import static io.tribes.algo.TestGraphs.labels;
import static io.tribes.algo.TestGraphs.range;
import static io.tribes.algo.TestGraphs.spark;
import static io.tribes.algo.TestGraphs.vertices;
import static io.tribes.algo.TestGraphs.weightedEdges;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.algo.LabelPropagation.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class LabelPropagationTest {

  /** Two 4-cliques {0..3}, {4..7} joined by the edge 3-4. */
  private static Dataset<Row> twoCliques() {
    List<long[]> e = new ArrayList<>(clique(0, 1, 2, 3));
    e.addAll(clique(4, 5, 6, 7));
    e.add(new long[] {3, 4});
    return edges(e);
  }

  private static Map<Long, Long> expect(long[][] idLabel) {
    Map<Long, Long> m = new TreeMap<>();
    for (long[] p : idLabel) {
      m.put(p[0], p[1]);
    }
    return m;
  }

  @Test
  void twoCliquesJoinedByOneEdgeGiveTwoCommunitiesWeighted() {
    LabelPropagation.Result r = new LabelPropagation(range(0, 7), twoCliques()).run();
    assertEquals(expect(new long[][] {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 4}, {5, 4}, {6, 4}, {7, 4}}), labels(r));
    assertTrue(r.converged());
    assertEquals(3, r.iterations());
  }

  @Test
  void twoCliquesGraphalyticsMode() {
    LabelPropagation.Result r = new LabelPropagation(range(0, 7), twoCliques())
        .mode(Mode.GRAPHALYTICS).directed(false).maxIterations(5).run();
    assertEquals(expect(new long[][] {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 4}, {5, 4}, {6, 4}, {7, 4}}), labels(r));
    assertEquals(5, r.iterations());
    assertTrue(r.converged());
  }

  @Test
  void isolatedVerticesKeepTheirLabelAndUnknownEndpointsAreIgnored() {
    // 9 is isolated; edge 2 -> 100 points at a vertex that does not exist.
    Dataset<Row> e = edges(new long[] {1, 2}, new long[] {2, 100});
    for (Mode m : Mode.values()) {
      LabelPropagation.Result r = new LabelPropagation(vertices(1, 2, 9), e).mode(m).maxIterations(3).run();
      Map<Long, Long> l = labels(r);
      assertEquals(3, l.size(), m.name());
      assertEquals(9L, l.get(9L), m.name());
    }
  }

  @Test
  void graphalyticsCountsANeighbourReachableBothWaysTwice() {
    // Vertex 0: in/out neighbour 5 (label 5, counted twice), out-neighbours 1 and 2 (labels 1, 2). Label 5 wins
    // with 2 votes although 1 is smaller. Undirected, the pair 0-5 listed twice also counts twice.
    Dataset<Row> e = edges(new long[] {0, 5}, new long[] {5, 0}, new long[] {0, 1}, new long[] {0, 2});
    LabelPropagation.Result r = new LabelPropagation(vertices(0, 1, 2, 5), e)
        .mode(Mode.GRAPHALYTICS).maxIterations(1).run();
    assertEquals(5L, labels(r).get(0L));
    // Without the reverse edge, 5 has one vote like 1 and 2: smallest label wins.
    LabelPropagation.Result r2 = new LabelPropagation(vertices(0, 1, 2, 5),
        edges(new long[] {0, 5}, new long[] {0, 1}, new long[] {0, 2})).mode(Mode.GRAPHALYTICS).maxIterations(1).run();
    assertEquals(1L, labels(r2).get(0L));
  }

  @Test
  void weightedScoresSumWeightsAndBreakTiesToSmallestLabel() {
    // 0 is tied to 1 (w 1), 2 (w 1) and 3 (w 1.5); 1 and 2 are tied to each other strongly (w 5)... Vertex 0
    // scores: own label 0 self-weight 1.5 (strongest tie), label 3 -> 1.5 and labels 1, 2 -> 1 each: tie
    // between 0 and 3 goes to 0 in the first iteration.
    Dataset<Row> e = weightedEdges(new double[] {0, 1, 1}, new double[] {0, 2, 1}, new double[] {0, 3, 1.5});
    LabelPropagation.Result r = new LabelPropagation(vertices(0, 1, 2, 3), e).maxIterations(1).run();
    assertEquals(0L, labels(r).get(0L));
    // Parallel edges and both directions are summed: 0-2 now weighs 1 + 1 (2 -> 0) = 2 > 1.5.
    Dataset<Row> e2 = weightedEdges(new double[] {0, 1, 1}, new double[] {0, 2, 1}, new double[] {2, 0, 1},
        new double[] {0, 3, 1.5});
    Map<Long, Long> l2 = labels(new LabelPropagation(vertices(0, 1, 2, 3), e2).maxIterations(1).run());
    assertEquals(0L, l2.get(0L)); // self-weight is now 2 as well: tie 0 vs 2 -> 0
    assertEquals(0L, l2.get(2L)); // 2: own label (2) vs label 0 (2): tie -> 0
    // An explicit null weight column makes every edge weigh 1: vertex 3 (own 3 vs 0, 1 each) -> 0.
    Map<Long, Long> l3 = labels(new LabelPropagation(vertices(0, 1, 2, 3), e).weightColumn(null).maxIterations(1)
        .run());
    assertEquals(0L, l3.get(3L));
    assertEquals(0L, l3.get(0L));
  }

  @Test
  void seedsGiveTheInitialLabels() {
    // Path 1-2-3 with 1 seeded 42 and 3 seeded 42: in GRAPHALYTICS mode, 2 sees {42, 42} -> 42.
    StructType schema = new StructType().add("id", DataTypes.LongType).add("seed", DataTypes.LongType);
    Dataset<Row> v = spark().createDataFrame(List.of(RowFactory.create(1L, 42L), RowFactory.create(2L, null),
        RowFactory.create(3L, 42L)), schema);
    Dataset<Row> e = edges(new long[] {1, 2}, new long[] {2, 3});
    LabelPropagation.Result r = new LabelPropagation(v, e).mode(Mode.GRAPHALYTICS).seedColumn("seed")
        .maxIterations(1).run();
    assertEquals(expect(new long[][] {{1, 2}, {2, 42}, {3, 2}}), labels(r));
    // WEIGHTED from the same seeds: 2 joins 42 (score 2 vs own 1), 1 and 3 keep 42 (own 1 + ... vs 2: 1 each,
    // tie -> 2 < 42? no: 1's candidates are own 42 (self-weight 1) and 2's label 2 (1): tie -> 2).
    LabelPropagation.Result w = new LabelPropagation(v, e).seedColumn("seed").maxIterations(10).run();
    Map<Long, Long> lw = labels(w);
    assertEquals(lw.get(1L), lw.get(2L));
    assertEquals(lw.get(2L), lw.get(3L));
    assertTrue(w.converged());
  }

  @Test
  void parameterValidationNamesTheParameter() {
    LabelPropagation lp = new LabelPropagation(vertices(1), edges(new long[] {1, 1}));
    assertEquals("maxIterations must be > 0, got 0",
        assertThrows(IllegalArgumentException.class, () -> lp.maxIterations(0)).getMessage());
    assertEquals("convergenceThreshold must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> lp.convergenceThreshold(1.0)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> lp.convergenceThreshold(Double.NaN))
        .getMessage().startsWith("convergenceThreshold"));
    assertEquals("checkpointInterval must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> lp.checkpointInterval(-1)).getMessage());
    assertEquals("maxCommunitySize must be >= 0, got -3",
        assertThrows(IllegalArgumentException.class, () -> lp.maxCommunitySize(-3)).getMessage());
    assertEquals("broadcastVertexLimit must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> lp.broadcastVertexLimit(-1)).getMessage());
    assertTrue(assertThrows(NullPointerException.class, () -> lp.mode(null)).getMessage().contains("mode"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> lp.seedColumn(" ")).getMessage()
        .startsWith("seedColumn"));
  }

  @Test
  void badInputNamesTheColumn() {
    Dataset<Row> e = edges(new long[] {1, 2});
    String missing = assertThrows(IllegalArgumentException.class,
        () -> new LabelPropagation(vertices(1, 2), e).seedColumn("nope").run()).getMessage();
    assertTrue(missing.contains("'nope'"), missing);
    String weight = assertThrows(IllegalArgumentException.class,
        () -> new LabelPropagation(vertices(1, 2), weightedEdges(new double[] {1, 2, -1})).run()).getMessage();
    assertTrue(weight.contains("'weight'") && weight.contains("-1.0"), weight);
    String dup = assertThrows(IllegalArgumentException.class,
        () -> new LabelPropagation(vertices(1, 1, 2), e).run()).getMessage();
    assertTrue(dup.contains("duplicates"), dup);
    Dataset<Row> strIds = spark().createDataFrame(List.of(RowFactory.create("a")),
        new StructType().add("id", DataTypes.StringType));
    String type = assertThrows(IllegalArgumentException.class,
        () -> new LabelPropagation(strIds, e).run()).getMessage();
    assertTrue(type.contains("'id'") && type.contains("LONG"), type);
  }

  @Test
  void checkpointingDoesNotChangeTheResult() {
    Map<Long, Long> plain = labels(new LabelPropagation(range(0, 7), twoCliques()).checkpointInterval(0).run());
    Map<Long, Long> every = labels(new LabelPropagation(range(0, 7), twoCliques()).checkpointInterval(1).run());
    assertEquals(plain, every);
    // GRAPHALYTICS chains the iterations between checkpoints lazily: same labels for every interval.
    Map<Long, Long> ga = graphalytics(range(0, 7), twoCliques(), 5);
    for (int k : new int[] {0, 2, 10}) {
      LabelPropagation.Result r = new LabelPropagation(range(0, 7), twoCliques()).mode(Mode.GRAPHALYTICS)
          .directed(false).maxIterations(5).checkpointInterval(k).run();
      assertEquals(ga, labels(r), "checkpointInterval " + k);
      assertEquals(5, r.iterations());
      assertTrue(r.converged());
    }
    assertThrows(IllegalStateException.class, () -> new LabelPropagation(range(0, 7), twoCliques())
        .reliableCheckpoint(true).checkpointInterval(1).run());
  }

  private static Map<Long, Long> graphalytics(Dataset<Row> v, Dataset<Row> e, int iterations) {
    return labels(new LabelPropagation(v, e).mode(Mode.GRAPHALYTICS).directed(false).maxIterations(iterations).run());
  }

  /** Plain synchronous LPA (GRAPHALYTICS mode) has period 2 on this graph: it never settles. */
  private static void assertOscillates(Dataset<Row> v, Dataset<Row> e) {
    Map<Long, Long> ten = graphalytics(v, e, 10);
    assertNotEquals(ten, graphalytics(v, e, 11));
    assertEquals(ten, graphalytics(v, e, 12));
  }

  private static Map<Long, Long> all(long label, long... ids) {
    Map<Long, Long> m = new TreeMap<>();
    for (long id : ids) {
      m.put(id, label);
    }
    return m;
  }

  @Test
  void completeBipartiteK33ConvergesWhereSynchronousLpaOscillates() {
    List<long[]> k33 = new ArrayList<>();
    for (long a = 0; a < 3; a++) {
      for (long b = 3; b < 6; b++) {
        k33.add(new long[] {a, b});
      }
    }
    Dataset<Row> e = edges(k33);
    assertOscillates(range(0, 5), e);
    LabelPropagation.Result r = new LabelPropagation(range(0, 5), e).maxIterations(30).run();
    assertTrue(r.converged());
    assertEquals(3, r.iterations());
    assertEquals(all(0, 0, 1, 2, 3, 4, 5), labels(r));
  }

  @Test
  void starConvergesWhereSynchronousLpaOscillates() {
    Dataset<Row> e = edges(new long[] {10, 1}, new long[] {10, 2}, new long[] {3, 10}, new long[] {10, 4},
        new long[] {5, 10});
    Dataset<Row> v = vertices(1, 2, 3, 4, 5, 10);
    assertOscillates(v, e);
    LabelPropagation.Result r = new LabelPropagation(v, e).maxIterations(30).run();
    assertTrue(r.converged());
    assertEquals(3, r.iterations());
    assertEquals(all(1, 1, 2, 3, 4, 5, 10), labels(r));
  }

  @Test
  void longPathConvergesAndTheSizeCapStopsTheFlood() {
    List<long[]> path = new ArrayList<>();
    for (long i = 0; i < 11; i++) {
      path.add(new long[] {i, i + 1});
    }
    Dataset<Row> e = edges(path);
    assertOscillates(range(0, 11), e);
    // Uncapped, the smallest label floods the path one vertex per iteration.
    LabelPropagation.Result flood = new LabelPropagation(range(0, 11), e).maxIterations(50).run();
    assertTrue(flood.converged());
    assertEquals(12, flood.iterations());
    assertEquals(all(0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), labels(flood));
    // With maxCommunitySize 4 it settles into segments of 4.
    LabelPropagation.Result capped = new LabelPropagation(range(0, 11), e).maxIterations(50).maxCommunitySize(4)
        .run();
    assertTrue(capped.converged());
    Map<Long, Long> want = all(0, 0, 1, 2, 3);
    want.putAll(all(1, 4, 5, 6, 7));
    want.putAll(all(2, 8, 9, 10, 11));
    assertEquals(want, labels(capped));
  }

  @Test
  void convergenceThresholdAndCapBoundTheIterations() {
    List<long[]> path = new ArrayList<>();
    for (long i = 0; i < 11; i++) {
      path.add(new long[] {i, i + 1});
    }
    // The flood changes 11, 10, 9, ... labels per iteration (of 12): stopping at <= 25% changed ends it early.
    LabelPropagation.Result r = new LabelPropagation(range(0, 11), edges(path)).maxIterations(50)
        .convergenceThreshold(0.25).run();
    assertTrue(r.converged());
    assertEquals(9, r.iterations());
    LabelPropagation.Result cut = new LabelPropagation(range(0, 11), edges(path)).maxIterations(4).run();
    assertFalse(cut.converged());
    assertEquals(4, cut.iterations());
  }

  @Test
  void weightedScoresAreExactSoDecimalNearTiesAreTies() {
    // Vertex 9: neighbour 1 holds label 5 with weight 0.3; neighbours 2 and 3 hold label 7 with 0.1 and 0.2.
    // In doubles 0.1 + 0.2 > 0.3; in the fixed-point scores they are equal, so the smaller label 5 wins (and
    // so does the order of summation not matter). 9's own label 9 scores its strongest tie, 0.3, too.
    StructType schema = new StructType().add("id", DataTypes.LongType).add("seed", DataTypes.LongType);
    Dataset<Row> v = spark().createDataFrame(List.of(RowFactory.create(1L, 5L), RowFactory.create(2L, 7L),
        RowFactory.create(3L, 7L), RowFactory.create(9L, null)), schema);
    Dataset<Row> e = weightedEdges(new double[] {9, 1, 0.3}, new double[] {2, 9, 0.1}, new double[] {9, 3, 0.2});
    assertEquals(5L, labels(new LabelPropagation(v, e).seedColumn("seed").maxIterations(1).run()).get(9L));
  }

  /**
   * The label-vector execution (the GRAPHALYTICS default) gives the DataFrame execution's labels exactly, on a
   * random graph with parallel edges, self-loops, mutual edges, isolated vertices and edges to unknown vertices,
   * directed and undirected, however the input is partitioned.
   */
  @Test
  void labelVectorGivesTheDataFrameExecutionsLabels() {
    java.util.Random rnd = new java.util.Random(17);
    List<long[]> e = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      long a = rnd.nextInt(150) * 3L;  // sparse ids: 0, 3, ..., 447
      long b = rnd.nextInt(150) * 3L;
      e.add(new long[] {a, b});
      if (i % 7 == 0) e.add(new long[] {a, b});         // parallel edge
      if (i % 11 == 0) e.add(new long[] {b, a});        // mutual edge
      if (i % 13 == 0) e.add(new long[] {a, a});        // self-loop
    }
    e.add(new long[] {3, 9999});                        // unknown endpoint: ignored
    List<Long> ids = new ArrayList<>();
    for (long v = 0; v < 450 + 30; v += 3) ids.add(v);  // the last 10 are isolated
    Dataset<Row> v = vertices(ids.stream().mapToLong(Long::longValue).toArray());
    Dataset<Row> edges = edges(e);
    for (boolean directed : new boolean[] {true, false}) {
      LabelPropagation.Result frames = new LabelPropagation(v, edges).mode(Mode.GRAPHALYTICS).directed(directed)
          .maxIterations(6).vectorVertexLimit(0).run();
      LabelPropagation.Result vector = new LabelPropagation(v, edges).mode(Mode.GRAPHALYTICS).directed(directed)
          .maxIterations(6).run();
      LabelPropagation.Result shuffled = new LabelPropagation(v.repartition(5), edges.repartition(3))
          .mode(Mode.GRAPHALYTICS).directed(directed).maxIterations(6).run();
      assertEquals(labels(frames), labels(vector), "directed " + directed);
      assertEquals(labels(frames), labels(shuffled), "directed " + directed + ", repartitioned");
      assertEquals(frames.converged(), vector.converged());
      assertEquals(6, vector.iterations());
      assertTrue(new java.util.HashSet<>(labels(vector).values()).size() > 10, "not one flooded label");
    }
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new LabelPropagation(v, edges).vectorVertexLimit(-1));
    assertTrue(bad.getMessage().startsWith("vectorVertexLimit must be in [0, "), bad.getMessage());
  }
}
