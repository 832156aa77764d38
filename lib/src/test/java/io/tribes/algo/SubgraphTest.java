package io.tribes.algo;

import static io.tribes.algo.TestGraphs.spark;
import static io.tribes.algo.TestGraphs.toMap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The in-memory kernels against their DataFrame counterparts, on the same random graphs. */
class SubgraphTest {
  private record Graph(long[] ids, long[] src, long[] dst, double[] w) {
    Subgraph subgraph() {
      return Subgraph.of(ids, src, dst, w);
    }

    Dataset<Row> vertices() {
      List<Row> rows = new ArrayList<>();
      for (long id : ids) rows.add(RowFactory.create(id));
      return spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType));
    }

    Dataset<Row> edges() {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < src.length; i++) rows.add(RowFactory.create(src[i], dst[i], w[i]));
      return spark().createDataFrame(rows, new StructType().add("src", DataTypes.LongType)
          .add("dst", DataTypes.LongType).add("weight", DataTypes.DoubleType));
    }
  }

  /** Groups of 12 around ids 100.., mostly internal edges, some parallel edges, self-loops and zero weights. */
  private static Graph random(long seed, int n, int m) {
    Random rnd = new Random(seed);
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) ids[i] = 100 + 3L * i;
    long[] s = new long[m];
    long[] d = new long[m];
    double[] w = new double[m];
    for (int k = 0; k < m; k++) {
      int a = rnd.nextInt(n);
      int b = rnd.nextDouble() < 0.8 ? (a / 12) * 12 + rnd.nextInt(12) : rnd.nextInt(n);
      s[k] = ids[a];
      d[k] = ids[Math.min(b, n - 1)];
      w[k] = rnd.nextInt(10) / 4.0 + (rnd.nextDouble() < 0.1 ? 1e-9 : 0);
    }
    return new Graph(ids, s, d, w);
  }

  private static Map<Long, Long> byId(Subgraph g, long[] labels) {
    Map<Long, Long> m = new java.util.TreeMap<>();
    for (int i = 0; i < g.size(); i++) m.put(g.id(i), labels[i]);
    return m;
  }

  /**
   * A planted partition at mixing about 0.5 (20 groups of 10; each member tied to 6 of its group, and 3 random
   * members outside tie to it besides its own 3): the resolution rule recovers the groups; plain propagation
   * floods them all into one label.
   */
  @Test
  void resolutionKeepsPlantedGroupsApartAtMixingOneHalf() {
    Random rnd = new Random(5);
    int groups = 20;
    int size = 10;
    int n = groups * size;
    List<long[]> ties = new ArrayList<>();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int v = 0; v < n; v++) {
      int base = (v / size) * size;
      for (int k = 1; k <= 3; k++) addTie(ties, seen, v, base + (v - base + k) % size); // 3 neighbours each way
      for (int k = 0; k < 3; k++) {
        int u = rnd.nextInt(n);
        if (u / size != v / size) addTie(ties, seen, v, u);
      }
    }
    Subgraph g = io.tribes.testing.Ties.subgraph(n, ties, 3.0);
    long[] resolved = g.connectedParts(g.labelPropagation(g.ids(), 50, 0.0, 0, 0.05).labels());
    long[] plain = g.connectedParts(g.labelPropagation(g.ids(), 50, 0.0, 0, 0.0).labels());
    assertTrue(recovered(resolved, size) >= 14, "planted groups recovered exactly: " + recovered(resolved, size));
    assertTrue(largest(resolved) <= 2 * size, "largest community " + largest(resolved));
    assertTrue(largest(plain) > n / 2, "plain propagation floods: largest " + largest(plain));
  }

  private static void addTie(List<long[]> ties, java.util.Set<Long> seen, int a, int b) {
    if (a != b && seen.add((long) Math.min(a, b) * 1_000_000 + Math.max(a, b))) ties.add(new long[] {a, b});
  }

  /** Planted groups (ids v / size) whose members are exactly one label. */
  private static int recovered(long[] labels, int size) {
    Map<Long, Integer> count = new java.util.HashMap<>();
    for (long l : labels) count.merge(l, 1, Integer::sum);
    int exact = 0;
    for (int base = 0; base < labels.length; base += size) {
      boolean same = true;
      for (int v = base; v < base + size; v++) same &= labels[v] == labels[base];
      if (same && count.get(labels[base]) == size) exact++;
    }
    return exact;
  }

  private static int largest(long[] labels) {
    Map<Long, Integer> count = new java.util.HashMap<>();
    for (long l : labels) count.merge(l, 1, Integer::sum);
    return count.values().stream().max(Integer::compare).orElse(0);
  }

  @Test
  void communityMergeEqualsTheDataFrameMerge() {
    Graph graph = random(4, 96, 420);
    Subgraph g = graph.subgraph();
    // start from pieces: each group of 12 cut in three runs of 4 (and a few singletons)
    long[] parts = new long[g.size()];
    for (int i = 0; i < parts.length; i++) parts[i] = i % 17 == 0 ? g.id(i) : g.id(i - i % 4);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) rows.add(RowFactory.create(g.id(i), parts[i]));
    Dataset<Row> labels = spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
        .add("label", DataTypes.LongType));
    for (double resolution : new double[] {0.1, 0.3}) {
      long[] local = g.mergeCommunities(parts, resolution, 12, 5);
      Map<Long, Long> df = new java.util.TreeMap<>();
      for (Row r : CommunityMerge.run(labels.repartition(3), graph.edges().repartition(2), resolution, 12, 5, 4)
          .collectAsList()) {
        df.put(r.getLong(0), r.getLong(1));
      }
      assertEquals(df, byId(g, local), "resolution " + resolution);
      assertTrue(new java.util.HashSet<>(df.values()).size() < new java.util.HashSet<>(byId(g, parts).values()).size(),
          "some pieces merged");
    }
  }

  @Test
  void resolutionLabelPropagationEqualsTheDataFrameWeightedMode() {
    // the resolution rule: penalties, doubles from exact LONGs, the semi-synchronous half, the two-iteration stop
    Graph graph = random(3, 72, 300);
    for (double resolution : new double[] {0.05, 0.3}) {
      Subgraph g = graph.subgraph();
      Subgraph.Labels local = g.labelPropagation(g.ids(), 40, 0.0, 0, resolution);
      LabelPropagation.Result df = new LabelPropagation(graph.vertices(), graph.edges()).maxIterations(40)
          .resolution(resolution).run();
      assertEquals(TestGraphs.labels(df), byId(g, local.labels()), "resolution " + resolution);
      assertEquals(df.iterations(), local.iterations(), "iterations, resolution " + resolution);
      assertEquals(df.converged(), local.converged());
      assertTrue(local.iterations() > 2, "it propagated: " + local.iterations());
      if (resolution == 0.05) { // and whatever the partitioning
        LabelPropagation.Result shuffled = new LabelPropagation(graph.vertices().repartition(5),
            graph.edges().repartition(3)).maxIterations(40).resolution(resolution).run();
        assertEquals(TestGraphs.labels(df), TestGraphs.labels(shuffled), "repartitioned");
      }
      assertTrue(new java.util.HashSet<>(byId(g, local.labels()).values()).size() < g.size() / 2,
          "labels merged into groups");
    }
  }

  @Test
  void labelPropagationEqualsTheDataFrameWeightedMode() {
    for (long seed : new long[] {1, 2}) {
      Graph graph = random(seed, 60, 220);
      for (long cap : new long[] {0, 7}) {
        Subgraph.Labels local = graph.subgraph().labelPropagation(25, 0.0, cap);
        LabelPropagation.Result df = new LabelPropagation(graph.vertices(), graph.edges()).maxIterations(25)
            .maxCommunitySize(cap).run();
        assertEquals(TestGraphs.labels(df), byId(graph.subgraph(), local.labels()), "seed " + seed + " cap " + cap);
        assertEquals(df.iterations(), local.iterations(), "iterations, seed " + seed + " cap " + cap);
        assertEquals(df.converged(), local.converged());
      }
    }
  }

  @Test
  void pageRankEqualsTheDataFramePageRank() {
    Graph graph = random(4, 50, 160);
    for (double tolerance : new double[] {0.0, 1e-9}) {
      Subgraph.Ranks local = graph.subgraph().pageRank(0.85, 40, tolerance);
      PageRank.Result df = new PageRank(graph.vertices(), graph.edges()).maxIterations(40).tolerance(tolerance).run();
      assertEquals(df.iterations(), local.iterations());
      Map<Long, Double> expected = toMap(df.ranks(), "pagerank");
      Subgraph g = graph.subgraph();
      double total = 0;
      for (int i = 0; i < g.size(); i++) {
        assertEquals(expected.get(g.id(i)), local.ranks()[i], 1e-14, "vertex " + g.id(i));
        total += local.ranks()[i];
      }
      assertEquals(1.0, total, 1e-12);
    }
  }

  @Test
  void connectedPartsFollowTiesWithinALabelAndTakeTheSmallestId() {
    // 5-7 tied, 7-9 tied but 9 has another label; 11 alone; 13-15 tied (reverse direction)
    Subgraph g = Subgraph.of(new long[] {15, 13, 11, 9, 7, 5}, new long[] {5, 7, 15}, new long[] {7, 9, 13},
        new double[] {1, 1, 1});
    long[] labels = {1, 1, 2, 1, 1, 1}; // by index: ids 5, 7, 9, 11, 13, 15
    assertArrayEquals(new long[] {5, 5, 9, 11, 13, 13}, g.connectedParts(labels));
  }

  @Test
  void resultsDoNotDependOnEdgeOrder() {
    Graph graph = random(5, 40, 120);
    int m = graph.src().length;
    long[] s = new long[m];
    long[] d = new long[m];
    double[] w = new double[m];
    for (int k = 0; k < m; k++) {
      s[k] = graph.src()[m - 1 - k];
      d[k] = graph.dst()[m - 1 - k];
      w[k] = graph.w()[m - 1 - k];
    }
    Subgraph a = graph.subgraph();
    Subgraph b = Subgraph.of(graph.ids(), s, d, w);
    assertArrayEquals(a.pageRank(0.85, 30, 0).ranks(), b.pageRank(0.85, 30, 0).ranks());
    assertArrayEquals(a.labelPropagation(20, 0, 5).labels(), b.labelPropagation(20, 0, 5).labels());
    assertTrue(a.labelPropagation(20, 0, 0).iterations() > 1);
  }

  @Test
  void splitByGivesEachLabelsInducedSubgraph() {
    Graph graph = random(6, 50, 200);
    Subgraph g = graph.subgraph();
    long[] labels = new long[g.size()];
    for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 5;
    java.util.SortedMap<Long, Subgraph> parts = g.splitBy(labels);
    assertEquals(java.util.List.of(0L, 1L, 2L, 3L, 4L), new ArrayList<>(parts.keySet()));
    for (long l = 0; l < 5; l++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) if (labels[i] == l) members.add(i);
      Subgraph expected = g.induced(members.stream().mapToInt(Integer::intValue).toArray());
      Subgraph actual = parts.get(l);
      assertEquals(expected.size(), actual.size());
      assertArrayEquals(expected.pageRank(0.85, 20, 0).ranks(), actual.pageRank(0.85, 20, 0).ranks());
      assertArrayEquals(expected.labelPropagation(10, 0, 0).labels(), actual.labelPropagation(10, 0, 0).labels());
    }
  }
}
