package io.tribes.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.algo.Subgraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The density rule of the refinement, in memory: sparse oversized groups split, dense ones stay whole. */
class CommunityRefinerTest {
  // min-size 3, max-size 30, 5 rounds, 50 iterations, threshold 0, resolution 0.05, dense-density 0.6, merge 0.2
  private static final CommunityRefiner.Rules RULES = new CommunityRefiner.Rules(3, 30, 5, 50, 0.0, 0.05, 0.6, 0.2);

  @Test
  void aSparseGroupAboveMaxSizeSplitsIntoItsDenseConnectedParts() {
    // six cliques of 10 joined in a ring by one tie each: 60 members, density 276 / 1770 = 0.16
    List<long[]> ties = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      for (int a = 0; a < 10; a++) {
        for (int b = a + 1; b < 10; b++) ties.add(new long[] {c * 10 + a, c * 10 + b});
      }
      ties.add(new long[] {c * 10 + 9, ((c + 1) % 6) * 10});
    }
    Subgraph g = graph(60, ties);
    long[] all = new long[60];
    for (int i = 0; i < 60; i++) all[i] = i;
    assertTrue(CommunityRefiner.Rules.density(g, indexes(60)) < 0.6);
    Map<Long, List<Long>> communities = communities(RULES.refine(0, g));
    assertEquals(6, communities.size(), communities.toString());
    for (List<Long> members : communities.values()) {
      assertEquals(10, members.size());
      assertEquals(members.get(0) / 10, members.get(9) / 10, "one clique: " + members);
    }
    for (Row r : RULES.refine(0, g)) assertFalse(r.getBoolean(2), "not oversized");
    // the merge does not undo the split: one tie between two cliques of 10 is far below the merge resolution
    assertEquals(communities, communities(RULES.finish(g, RULES.refine(0, g))));
  }

  @Test
  void theMergeJoinsAGroupLeftInPiecesWithinMaxSizeAndMinSizeAppliesAfterIt() {
    // a clique of 12 given as two halves and a pair stranded beside it (tied to 8 and 9 of the clique)
    List<long[]> ties = new ArrayList<>();
    for (int a = 0; a < 12; a++) {
      for (int b = a + 1; b < 12; b++) ties.add(new long[] {a, b});
    }
    for (int a = 0; a < 8; a++) ties.add(new long[] {12, a});
    for (int a = 0; a < 9; a++) ties.add(new long[] {13, a});
    ties.add(new long[] {12, 13});
    Subgraph g = graph(14, ties);
    long[] parts = {0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 12, 12};
    long[] merged = g.mergeCommunities(parts, 0.2, 30, 5);
    for (long l : merged) assertEquals(0L, l, java.util.Arrays.toString(merged));
    // the same with max-size 12: the halves merge, the pair cannot join (14 > 12) and is left below min-size 3
    assertEquals(java.util.Arrays.toString(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 12}),
        java.util.Arrays.toString(g.mergeCommunities(parts, 0.2, 12, 5)));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 14; i++) rows.add(org.apache.spark.sql.RowFactory.create((long) i, parts[i], false, 0));
    CommunityRefiner.Rules small = new CommunityRefiner.Rules(3, 12, 5, 50, 0.0, 0.05, 0.6, 0.2);
    Map<Long, List<Long>> found = communities(small.finish(g, rows));
    assertEquals(1, found.size(), found.toString());
    assertEquals(12, found.get(0L).size());
  }

  @Test
  void aDenseGroupAboveMaxSizeStaysWholeAndIsFlagged() {
    // a clique of 40 minus a perfect matching: density 760 / 780 = 0.97
    List<long[]> ties = new ArrayList<>();
    for (int a = 0; a < 40; a++) {
      for (int b = a + 1; b < 40; b++) {
        if (!(a % 2 == 0 && b == a + 1)) ties.add(new long[] {a, b});
      }
    }
    List<Row> rows = RULES.refine(7, graph(40, ties));
    assertEquals(1, communities(rows).size());
    for (Row r : rows) assertTrue(r.getBoolean(2), "flagged oversized");
  }

  private static Subgraph graph(int n, List<long[]> ties) {
    return io.tribes.testing.Ties.subgraph(n, ties, 2.0);
  }

  private static int[] indexes(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    return p;
  }

  private static Map<Long, List<Long>> communities(List<Row> rows) {
    Map<Long, List<Long>> m = new TreeMap<>();
    for (Row r : rows) {
      if (!r.isNullAt(1)) m.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(r.getLong(0));
    }
    return m;
  }
}
