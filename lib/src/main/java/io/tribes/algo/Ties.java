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
   * self-loops and weights of 0 dropped, parallel edges summed.
   */
  static Ties of(int n, int[] src, int[] dst, double[] weight) {
    long[][] rows = new long[2 * src.length][];
    int m = 0;
    for (int i = 0; i < src.length; i++) {
      if (src[i] == dst[i]) continue;
      long f = fixedPoint(weight[i]);
      if (f <= 0) continue;
      rows[m++] = new long[] {dst[i], src[i], f};
      rows[m++] = new long[] {src[i], dst[i], f};
    }
    long[][] sorted = Arrays.copyOf(rows, m);
    Arrays.sort(sorted, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int[] offsets = new int[n + 1];
    int[] nbr = new int[m];
    long[] w = new long[m];
    int k = 0;
    for (int i = 0; i < m; i++) {
      int a = (int) sorted[i][0];
      int b = (int) sorted[i][1];
      if (k > 0 && i > 0 && sorted[i - 1][0] == a && sorted[i - 1][1] == b) {
        w[k - 1] += sorted[i][2];
      } else {
        nbr[k] = b;
        w[k] = sorted[i][2];
        offsets[a + 1]++;
        k++;
      }
    }
    for (int i = 0; i < n; i++) offsets[i + 1] += offsets[i];
    return new Ties(offsets, Arrays.copyOf(nbr, k), Arrays.copyOf(w, k));
  }

  /** The weighted propagation on these ties, from {@code initial} (by vertex index); see {@link Subgraph}. */
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

    long[] label = initial.clone();
    int iteration = 0;
    boolean converged = false;
    long previousChanged = 0;
    Map<Long, Long> scores = new HashMap<>();
    while (iteration < maxIterations) {
      iteration++;
      Map<Long, Integer> sizes = null;
      if (maxCommunitySize > 0 || resolved) {
        sizes = new HashMap<>();
        for (long l : label) sizes.merge(l, 1, Integer::sum);
      }
      long[] next = new long[n];
      int changed = 0;
      for (int v = 0; v < n; v++) {
        if (resolved && !LabelPropagation.updates(ids[v], iteration)) {
          next[v] = label[v];
          continue;
        }
        scores.clear();
        scores.put(label[v], resolved ? 0L : self[v]);
        for (int j = offsets[v]; j < offsets[v + 1]; j++) scores.merge(label[nbr[j]], w[j], Long::sum);
        long best = label[v];
        double bestScore = 0;
        boolean bestEligible = false;
        boolean first = true;
        for (Map.Entry<Long, Long> c : scores.entrySet()) {
          long l = c.getKey();
          boolean current = l == label[v];
          boolean eligible = maxCommunitySize <= 0 || current || sizes.get(l) < maxCommunitySize;
          double s = resolved
              ? LabelPropagation.resolvedScore(c.getValue(), penalty[v], sizes.get(l) - (current ? 1 : 0))
              : c.getValue();
          boolean better = eligible != bestEligible ? eligible
              : s != bestScore ? s > bestScore : l < best;
          if (first || better) {
            best = l;
            bestScore = s;
            bestEligible = eligible;
            first = false;
          }
        }
        next[v] = best;
        if (best != label[v]) changed++;
      }
      label = next;
      converged = LabelPropagation.converged(resolved, changed, previousChanged, iteration, convergenceThreshold, n);
      if (converged) break;
      previousChanged = changed;
    }
    return new Subgraph.Labels(label, iteration, converged);
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
