package io.tribes.algo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A subgraph's symmetric tie lists as WEIGHTED label propagation sees them, and the in-memory kernels over them
 * (package-private): the weighted propagation of {@link Subgraph#labelPropagation(long[], int, double, long,
 * double)} and the community merge of {@link Subgraph#mergeCommunities}.
 *
 * <p>Row v (by vertex index) lists v's neighbours ascending, {@code offsets[v] .. offsets[v+1]-1}, with the
 * fixed-point tie weights summed per pair. The weights are LONG, not {@link Csr}'s doubles: scores are exact
 * sums, so they match the DataFrame execution whatever the order.
 */
final class Ties {
  private final int[] offsets;
  private final int[] nbr;
  private final long[] w;

  private Ties(int[] offsets, int[] nbr, long[] w) {
    this.offsets = offsets;
    this.nbr = nbr;
    this.w = w;
  }

  /**
   * Both directions of every edge, weights rounded to fixed point per edge (as the DataFrame version does),
   * self-loops and weights of 0 dropped, parallel edges summed (exact LONG sums, so their order is free). Two
   * stable counting sorts, by neighbour then by row, give every row its neighbours ascending: O(n + m), no
   * comparisons.
   */
  static Ties of(int n, int[] src, int[] dst, double[] weight) {
    int m = 0;
    int[] rowOf = new int[2 * src.length];
    int[] nbrOf = new int[2 * src.length];
    long[] wOf = new long[2 * src.length];
    for (int i = 0; i < src.length; i++) {
      if (src[i] == dst[i]) continue;
      long f = fixedPoint(weight[i]);
      if (f <= 0) continue;
      rowOf[m] = dst[i];
      nbrOf[m] = src[i];
      wOf[m++] = f;
      rowOf[m] = src[i];
      nbrOf[m] = dst[i];
      wOf[m++] = f;
    }
    int[] byNbr = countingOrder(nbrOf, null, m, n);
    int[] order = countingOrder(rowOf, byNbr, m, n);
    int[] offsets = new int[n + 1];
    int[] nbr = new int[m];
    long[] w = new long[m];
    int k = 0;
    int lastRow = -1;
    int lastNbr = -1;
    for (int i = 0; i < m; i++) {
      int e = order[i];
      int a = rowOf[e];
      int b = nbrOf[e];
      if (a == lastRow && b == lastNbr) {
        w[k - 1] += wOf[e];
      } else {
        nbr[k] = b;
        w[k] = wOf[e];
        offsets[a + 1]++;
        k++;
        lastRow = a;
        lastNbr = b;
      }
    }
    for (int i = 0; i < n; i++) offsets[i + 1] += offsets[i];
    return new Ties(offsets, Arrays.copyOf(nbr, k), Arrays.copyOf(w, k));
  }

  /**
   * The entries 0..m-1 (taken in the order {@code within}, or 0..m-1 when null) stably ordered by {@code key}, a
   * value in [0, n).
   */
  private static int[] countingOrder(int[] key, int[] within, int m, int n) {
    int[] start = new int[n + 1];
    for (int i = 0; i < m; i++) start[key[i] + 1]++;
    for (int i = 0; i < n; i++) start[i + 1] += start[i];
    int[] out = new int[m];
    for (int i = 0; i < m; i++) {
      int e = within == null ? i : within[i];
      out[start[key[e]]++] = e;
    }
    return out;
  }

  /**
   * The weighted propagation on these ties, from {@code initial} (by vertex index); see {@link Subgraph}.
   *
   * <p>A label is only ever one of the initial labels, so labels are held as indexes into their sorted distinct
   * values (index order = label order, so "ties to the smallest label" compares indexes) and a vertex's candidate
   * scores are summed in an array by label index, reset after each vertex: no boxing, no hashing. The best
   * candidate is the maximum of a total order (eligible, then score, then smallest label), so the order in which
   * the candidates are visited does not matter.
   */
  Subgraph.Labels labelPropagation(long[] ids, long[] initial, int maxIterations, double convergenceThreshold,
      long maxCommunitySize, double resolution) {
    int n = offsets.length - 1;
    boolean resolved = resolution > 0;
    long[] self = new long[n]; // plain rule: the self-vote, the strongest tie
    long[] penalty = new long[n]; // resolution rule: the penalty per member of a label
    for (int v = 0; v < n; v++) {
      long strength = 0;
      for (int j = offsets[v]; j < offsets[v + 1]; j++) {
        self[v] = Math.max(self[v], w[j]);
        strength += w[j];
      }
      int degree = offsets[v + 1] - offsets[v];
      if (degree > 0) penalty[v] = LabelPropagation.penalty(resolution, strength, degree);
    }

    long[] values = Arrays.stream(initial).sorted().distinct().toArray();
    int[] label = new int[n];
    for (int v = 0; v < n; v++) label[v] = Arrays.binarySearch(values, initial[v]);
    boolean sized = maxCommunitySize > 0 || resolved;
    int[] sizes = sized ? new int[values.length] : null;
    long[] score = new long[values.length];
    boolean[] seen = new boolean[values.length];
    int[] candidates = new int[values.length];
    int iteration = 0;
    boolean converged = false;
    long previousChanged = 0;
    while (iteration < maxIterations) {
      iteration++;
      if (sized) {
        Arrays.fill(sizes, 0);
        for (int l : label) sizes[l]++;
      }
      int[] next = new int[n];
      int changed = 0;
      for (int v = 0; v < n; v++) {
        int own = label[v];
        if (resolved && !LabelPropagation.updates(ids[v], iteration)) {
          next[v] = own;
          continue;
        }
        int c = 0;
        score[own] = resolved ? 0L : self[v];
        seen[own] = true;
        candidates[c++] = own;
        for (int j = offsets[v]; j < offsets[v + 1]; j++) {
          int l = label[nbr[j]];
          if (!seen[l]) {
            seen[l] = true;
            candidates[c++] = l;
          }
          score[l] += w[j];
        }
        int best = own;
        double bestScore = 0;
        boolean bestEligible = false;
        for (int i = 0; i < c; i++) {
          int l = candidates[i];
          boolean current = l == own;
          boolean eligible = maxCommunitySize <= 0 || current || sizes[l] < maxCommunitySize;
          double s = resolved
              ? LabelPropagation.resolvedScore(score[l], penalty[v], sizes[l] - (current ? 1 : 0))
              : score[l];
          boolean better = eligible != bestEligible ? eligible
              : s != bestScore ? s > bestScore : l < best;
          if (i == 0 || better) {
            best = l;
            bestScore = s;
            bestEligible = eligible;
          }
          score[l] = 0;
          seen[l] = false;
        }
        next[v] = best;
        if (best != own) changed++;
      }
      label = next;
      converged = LabelPropagation.converged(resolved, changed, previousChanged, iteration, convergenceThreshold, n);
      if (converged) break;
      previousChanged = changed;
    }
    long[] out = new long[n];
    for (int v = 0; v < n; v++) out[v] = values[label[v]];
    return new Subgraph.Labels(out, iteration, converged);
  }

  /** The community merge on these ties; see {@link Subgraph#mergeCommunities}. */
  long[] mergeCommunities(long[] labels, double resolution, long maxSize, int rounds) {
    int n = offsets.length - 1;
    long[] unit = new long[n];
    for (int v = 0; v < n; v++) {
      long strength = 0;
      for (int j = offsets[v]; j < offsets[v + 1]; j++) strength += w[j];
      int degree = offsets[v + 1] - offsets[v];
      unit[v] = degree == 0 ? 0 : CommunityMerge.unit(strength, degree);
    }
    long[] label = labels.clone();
    for (int round = 0; round < rounds; round++) {
      Map<Long, long[]> size = new java.util.TreeMap<>(); // label -> {members, unit sum}
      for (int v = 0; v < n; v++) {
        long[] c = size.computeIfAbsent(label[v], x -> new long[2]);
        c[0]++;
        c[1] += unit[v];
      }
      Map<Long, Map<Long, Long>> between = new HashMap<>();
      for (int v = 0; v < n; v++) {
        for (int j = offsets[v]; j < offsets[v + 1]; j++) {
          long c = label[v];
          long d = label[nbr[j]];
          if (c != d) between.computeIfAbsent(c, x -> new HashMap<>()).merge(d, w[j], Long::sum);
        }
      }
      Map<Long, Long> best = new HashMap<>();
      for (Map.Entry<Long, Map<Long, Long>> e : between.entrySet()) {
        long c = e.getKey();
        long[] sc = size.get(c);
        long bestLabel = 0;
        double bestGain = 0;
        boolean found = false;
        for (Map.Entry<Long, Long> f : e.getValue().entrySet()) {
          long d = f.getKey();
          long[] sd = size.get(d);
          if (sc[0] + sd[0] > maxSize) continue;
          double gain = CommunityMerge.gain(f.getValue(), sc[0], sc[1], sd[0], sd[1], resolution);
          if (!(gain > 0)) continue;
          if (!found || gain > bestGain || (gain == bestGain && d < bestLabel)) {
            bestLabel = d;
            bestGain = gain;
            found = true;
          }
        }
        if (found) best.put(c, bestLabel);
      }
      Map<Long, Long> into = new HashMap<>();
      for (Map.Entry<Long, Long> e : best.entrySet()) {
        long c = e.getKey();
        long d = e.getValue();
        if (best.get(d) != null && best.get(d) == c && d < c) into.put(c, d);
      }
      if (into.isEmpty()) break;
      for (int v = 0; v < n; v++) label[v] = into.getOrDefault(label[v], label[v]);
    }
    return label;
  }

  /** Fixed-point tie weight: Spark's round(w * 2^30) (half up), as {@link LabelPropagation} computes it. */
  static long fixedPoint(double w) {
    return new BigDecimal(w * LabelPropagation.WEIGHT_SCALE).setScale(0, RoundingMode.HALF_UP).longValue();
  }
}
