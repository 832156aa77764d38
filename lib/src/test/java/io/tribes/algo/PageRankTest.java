package io.tribes.algo;

import static io.tribes.algo.TestGraphs.edges;
import static io.tribes.algo.TestGraphs.range;
import static io.tribes.algo.TestGraphs.spark;
import static io.tribes.algo.TestGraphs.toMap;
import static io.tribes.algo.TestGraphs.weightedEdges;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class PageRankTest {

  private static double sum(Map<Long, Double> m) {
    return m.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  @Test
  void weightedOneIterationByHand() {
    // 0 -> 1 (1), 0 -> 2 (3), 1 -> 2 (1), 2 -> 0 (1); d = 0.85, N = 3, no sinks.
    Dataset<Row> e = weightedEdges(new double[] {0, 1, 1}, new double[] {0, 2, 3}, new double[] {1, 2, 1},
        new double[] {2, 0, 1});
    PageRank.Result r = new PageRank(range(0, 2), e).maxIterations(1).run();
    Map<Long, Double> pr = toMap(r.ranks(), "pagerank");
    assertEquals(0.05 + 0.85 / 3, pr.get(0L), 1e-15);
    assertEquals(0.05 + 0.85 / 3 * 0.25, pr.get(1L), 1e-15);
    assertEquals(0.05 + 0.85 / 3 * 1.75, pr.get(2L), 1e-15);
    assertEquals(1, r.iterations());
    // Unweighted (explicit null): 0 splits its rank evenly.
    Map<Long, Double> u = toMap(new PageRank(range(0, 2), e).weightColumn(null).maxIterations(1).run().ranks(),
        "pagerank");
    assertEquals(0.05 + 0.85 / 3 * 0.5, u.get(1L), 1e-15);
  }

  @Test
  void personalizedWithSinkByHand() {
    // 0 -> 1 -> 2, 2 is a sink; teleport and sink mass go to 0 only.
    StructType schema = new StructType().add("id", DataTypes.LongType).add("home", DataTypes.BooleanType);
    Dataset<Row> v = spark().createDataFrame(List.of(RowFactory.create(0L, true), RowFactory.create(1L, false),
        RowFactory.create(2L, null)), schema);
    Dataset<Row> e = edges(new long[] {0, 1}, new long[] {1, 2});
    Map<Long, Double> pr = toMap(new PageRank(v, e).personalizationColumn("home").maxIterations(3).run().ranks(),
        "pagerank");
    assertEquals(0.15 + 0.85 * 0.7225, pr.get(0L), 1e-15);
    assertEquals(0.85 * 0.15, pr.get(1L), 1e-15);
    assertEquals(0.85 * 0.85 * 0.15, pr.get(2L), 1e-15);
    assertEquals(1.0, sum(pr), 1e-15);
  }

  @Test
  void matchesDenseReferenceAndSumsToOne() {
    // 6 vertices, weights, a parallel edge, a self-loop, a sink (5), an edge to an unknown vertex (99).
    double[][] t = {{0, 1, 2}, {0, 2, 1}, {1, 2, 1}, {1, 2, 0.5}, {2, 0, 1}, {2, 3, 4}, {3, 3, 1}, {3, 4, 1},
        {4, 5, 2.5}, {4, 0, 0.5}, {1, 99, 7}};
    PageRank.Result r = new PageRank(range(0, 5), weightedEdges(t)).dampingFactor(0.7).maxIterations(15).run();
    Map<Long, Double> pr = toMap(r.ranks(), "pagerank");
    double[] want = DenseRank.pagerank(6, t, 0.7, 15, null);
    for (int i = 0; i < 6; i++) {
      assertEquals(want[i], pr.get((long) i), 1e-14, "vertex " + i);
    }
    assertEquals(1.0, sum(pr), 1e-12);
    assertEquals(15, r.iterations());
    assertTrue(r.residual() > 0);
    // Without a tolerance the iterations between checkpoints run as one plan: same ranks, same residual.
    for (int k : new int[] {0, 4}) {
      PageRank.Result chained = new PageRank(range(0, 5), weightedEdges(t)).dampingFactor(0.7).maxIterations(15)
          .checkpointInterval(k).run();
      Map<Long, Double> c = toMap(chained.ranks(), "pagerank");
      for (int i = 0; i < 6; i++) {
        assertEquals(want[i], c.get((long) i), 1e-14, "checkpointInterval " + k + ", vertex " + i);
      }
      assertEquals(r.residual(), chained.residual(), 1e-15);
    }
  }

  @Test
  void toleranceStopsEarly() {
    Dataset<Row> e = edges(new long[] {0, 1}, new long[] {1, 2}, new long[] {2, 0}, new long[] {2, 1});
    PageRank.Result r = new PageRank(range(0, 2), e).maxIterations(200).tolerance(1e-9).run();
    assertTrue(r.iterations() < 200, "iterations " + r.iterations());
    assertTrue(r.residual() < 1e-9);
    double[] want = DenseRank.pagerank(3, new double[][] {{0, 1, 1}, {1, 2, 1}, {2, 0, 1}, {2, 1, 1}}, 0.85, 500,
        null);
    Map<Long, Double> pr = toMap(r.ranks(), "pagerank");
    for (int i = 0; i < 3; i++) {
      assertEquals(want[i], pr.get((long) i), 1e-8);
    }
  }

  @Test
  void parameterValidationNamesTheParameter() {
    PageRank p = new PageRank(range(0, 1), edges(new long[] {0, 1}));
    assertEquals("dampingFactor must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> p.dampingFactor(1.0)).getMessage());
    assertEquals("dampingFactor must be in (0, 1), got 0.0",
        assertThrows(IllegalArgumentException.class, () -> p.dampingFactor(0.0)).getMessage());
    assertEquals("maxIterations must be > 0, got 0",
        assertThrows(IllegalArgumentException.class, () -> p.maxIterations(0)).getMessage());
    assertEquals("tolerance must be >= 0 and finite, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> p.tolerance(-1)).getMessage());
    assertEquals("checkpointInterval must be >= 0, got -2",
        assertThrows(IllegalArgumentException.class, () -> p.checkpointInterval(-2)).getMessage());
    String none = assertThrows(IllegalArgumentException.class,
        () -> new PageRank(range(0, 1), edges(new long[] {0, 1})).personalizationColumn("id").run()).getMessage();
    assertTrue(none.contains("'id'") && none.contains("BOOLEAN"), none);
    String w = assertThrows(IllegalArgumentException.class,
        () -> new PageRank(range(0, 1), edges(new long[] {0, 1})).weightColumn("w").run()).getMessage();
    assertTrue(w.contains("'w'"), w);
    StructType schema = new StructType().add("id", DataTypes.LongType).add("home", DataTypes.BooleanType);
    Dataset<Row> v = spark().createDataFrame(List.of(RowFactory.create(0L, false)), schema);
    String empty = assertThrows(IllegalArgumentException.class,
        () -> new PageRank(v, edges(new long[] {0, 0})).personalizationColumn("home").run()).getMessage();
    assertTrue(empty.contains("'home'") && empty.contains("no vertex"), empty);
  }

  /** Weighted (decimal weights), parallel edges, a self-loop, sinks (5, 6, 8), an unknown endpoint (99), ids with gaps. */
  private static final double[][] MIXED = {{0, 1, 0.3}, {0, 2, 0.1}, {1, 2, 0.7}, {1, 2, 0.2}, {1, 2, 0.1},
      {2, 0, 1.1}, {2, 3, 0.4}, {3, 3, 0.9}, {3, 4, 0.3}, {4, 5, 2.5}, {4, 0, 0.5}, {1, 99, 7}, {7, 6, 0.6},
      {7, 0, 0.0}, {9, 7, 1.3}, {9, 10, 0.2}, {10, 9, 0.7}, {12, 0, 0.25}, {12, 2, 0.35}, {0, 12, 0.45}};

  private static Dataset<Row> mixedVertices() {
    List<Row> rows = new ArrayList<>();
    for (long id : new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12}) {
      rows.add(RowFactory.create(id, id % 3 == 0 ? Boolean.TRUE : id == 4 ? null : Boolean.FALSE));
    }
    return spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
        .add("home", DataTypes.BooleanType));
  }

  @Test
  void vectorAndDataFrameExecutionsAgree() {
    Dataset<Row> v = mixedVertices();
    Dataset<Row> e = weightedEdges(MIXED);
    for (String personalization : new String[] {null, "home"}) {
      for (double tolerance : personalization == null ? new double[] {0} : new double[] {0, 1e-4}) {
        PageRank.Result vec = new PageRank(v, e).personalizationColumn(personalization).dampingFactor(0.8)
            .maxIterations(tolerance == 0 ? 17 : 100).tolerance(tolerance).run();
        PageRank.Result df = new PageRank(v, e).personalizationColumn(personalization).dampingFactor(0.8)
            .maxIterations(tolerance == 0 ? 17 : 100).tolerance(tolerance).vectorVertexLimit(0).run();
        String what = "personalization " + personalization + ", tolerance " + tolerance;
        Map<Long, Double> a = toMap(vec.ranks(), "pagerank");
        Map<Long, Double> b = toMap(df.ranks(), "pagerank");
        assertEquals(b.keySet(), a.keySet(), what);
        b.forEach((id, x) -> assertEquals(x, a.get(id), 1e-12, what + ", vertex " + id));
        assertEquals(1.0, sum(a), 1e-12, what);
        assertEquals(df.iterations(), vec.iterations(), what);
        assertEquals(df.residual(), vec.residual(), 1e-12, what);
        if (personalization != null) {
          assertEquals(0.0, a.get(8L), what + ": isolated, not personalized"); // and 8 is a sink
          assertTrue(a.get(5L) > 0, what);
        }
      }
    }
    // The vector execution also matches the dense reference (uniform teleport).
    double[][] dense = new double[MIXED.length][];
    long[] ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12};
    for (int i = 0; i < MIXED.length; i++) {
      int s = java.util.Arrays.binarySearch(ids, (long) MIXED[i][0]);
      int t = java.util.Arrays.binarySearch(ids, (long) MIXED[i][1]);
      dense[i] = new double[] {s < 0 ? 99 : s, t < 0 ? 99 : t, MIXED[i][2]};
    }
    double[] want = DenseRank.pagerank(ids.length, dense, 0.85, 25, null);
    Map<Long, Double> got = toMap(new PageRank(v, e).maxIterations(25).run().ranks(), "pagerank");
    for (int i = 0; i < ids.length; i++) {
      assertEquals(want[i], got.get(ids[i]), 1e-14, "vertex " + ids[i]);
    }
  }

  @Test
  void vectorExecutionChecksTheIds() {
    StructType schema = new StructType().add("id", DataTypes.LongType);
    Dataset<Row> dup = spark().createDataFrame(List.of(RowFactory.create(1L), RowFactory.create(2L),
        RowFactory.create(1L)), schema);
    Dataset<Row> nulls = spark().createDataFrame(List.of(RowFactory.create(1L), RowFactory.create((Object) null)),
        schema);
    Dataset<Row> e = edges(new long[] {1, 2});
    for (long limit : new long[] {0, 100}) {
      assertEquals("vertices column 'id' has duplicates: 3 rows but 2 distinct ids",
          assertThrows(IllegalArgumentException.class,
              () -> new PageRank(dup, e).vectorVertexLimit(limit).run()).getMessage(), "limit " + limit);
      assertEquals("vertices column 'id' has 1 null value(s)", assertThrows(IllegalArgumentException.class,
          () -> new PageRank(nulls, e).vectorVertexLimit(limit).run()).getMessage(), "limit " + limit);
    }
    // the limit is a vertex count: 2 vertices > 1 runs the DataFrame execution, with the same result
    Dataset<Row> two = range(1, 2);
    Map<Long, Double> small = toMap(new PageRank(two, e).maxIterations(3).vectorVertexLimit(1).run().ranks(),
        "pagerank");
    Map<Long, Double> vec = toMap(new PageRank(two, e).maxIterations(3).vectorVertexLimit(2).run().ranks(),
        "pagerank");
    small.forEach((id, x) -> assertEquals(x, vec.get(id), 1e-15));
  }

  @Test
  void vectorVertexLimitRejectsBadValues() {
    PageRank p = new PageRank(range(0, 1), edges(new long[] {0, 1}));
    assertEquals("vectorVertexLimit must be in [0, 2147483639], got -1",
        assertThrows(IllegalArgumentException.class, () -> p.vectorVertexLimit(-1)).getMessage());
    assertEquals("vectorVertexLimit must be in [0, 2147483639], got 2147483640",
        assertThrows(IllegalArgumentException.class, () -> p.vectorVertexLimit(2147483640L)).getMessage());
    assertEquals(p, p.vectorVertexLimit(0));
    assertEquals(p, p.vectorVertexLimit(PageRank.MAX_VECTOR_VERTICES));
  }

  @Test
  void communityPageRankEqualsPageRankOnEachCommunitySubgraph() {
    // Communities 1 = {0..3}, 2 = {4..6}; vertex 7 has none; cross-community edges must be ignored.
    double[][] t = {{0, 1, 1}, {1, 2, 2}, {2, 0, 1}, {2, 3, 1}, {3, 3, 0.5}, {4, 5, 1}, {5, 4, 3}, {5, 6, 1},
        {0, 4, 9}, {6, 1, 9}, {7, 0, 1}, {3, 7, 1}};
    long[][] community = {{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 2}, {5, 2}, {6, 2}};
    List<Row> rows = new ArrayList<>();
    for (long[] c : community) {
      rows.add(RowFactory.create(c[0], c[1]));
    }
    rows.add(RowFactory.create(7L, null));
    Dataset<Row> v = spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
        .add("community", DataTypes.LongType));
    Dataset<Row> e = weightedEdges(t);
    CommunityPageRank.Result r = new CommunityPageRank(v, e).maxIterations(12).run();
    Map<Long, Double> scores = toMap(r.scores(), "score");
    Map<Long, Long> comm = toMap(r.scores(), "community");
    assertEquals(7, scores.size());
    assertFalse(scores.containsKey(7L));
    assertEquals(12, r.iterations());
    for (long c : new long[] {1, 2}) {
      Dataset<Row> members = v.filter(v.col("community").equalTo(c)).select("id");
      Map<Long, Double> alone = toMap(new PageRank(members, e).maxIterations(12).run().ranks(), "pagerank");
      double total = 0;
      for (Map.Entry<Long, Double> x : alone.entrySet()) {
        assertEquals(c, comm.get(x.getKey()));
        assertEquals(x.getValue(), scores.get(x.getKey()), 1e-14, "vertex " + x.getKey());
        total += scores.get(x.getKey());
      }
      assertEquals(1.0, total, 1e-12, "community " + c);
    }
  }

  @Test
  void communityPageRankToleranceUsesTheLargestCommunityChange() {
    Dataset<Row> v = spark().createDataFrame(List.of(RowFactory.create(0L, 1L), RowFactory.create(1L, 1L),
        RowFactory.create(2L, 2L), RowFactory.create(3L, 2L), RowFactory.create(4L, 2L)),
        new StructType().add("id", DataTypes.LongType).add("community", DataTypes.LongType));
    Dataset<Row> e = edges(new long[] {0, 1}, new long[] {2, 3}, new long[] {3, 4}, new long[] {4, 2},
        new long[] {4, 3});
    CommunityPageRank.Result r = new CommunityPageRank(v, e).maxIterations(300).tolerance(1e-10).run();
    assertTrue(r.iterations() < 300);
    assertTrue(r.residual() < 1e-10);
    Map<Long, Double> s = toMap(r.scores(), "score");
    double[] c1 = DenseRank.pagerank(2, new double[][] {{0, 1, 1}}, 0.85, 1000, null);
    assertEquals(c1[0], s.get(0L), 1e-9);
    assertEquals(c1[1], s.get(1L), 1e-9);
  }
}
