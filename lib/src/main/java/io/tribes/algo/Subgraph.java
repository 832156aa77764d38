package io.tribes.algo;

import java.util.Arrays;
import java.util.HashMap;

/**
 * One community's subgraph, small enough for one task's memory, with the in-memory algorithms that the
 * per-community stages run on it: weighted label propagation, connected parts and PageRank.
 *
 * <p>Why: a community holds tens of members. Running the refinement and the community PageRank as Spark
 * iterations costs a few Spark jobs per iteration for the whole graph at once; here every community is
 * computed start to finish inside one task (see {@link Subgraphs}), so the whole stage is one shuffle and
 * one pass, whatever the number of iterations. Each method has exactly the contract of its DataFrame
 * counterpart on the subgraph ({@link LabelPropagation} WEIGHTED mode, {@link CommunityPageRank}); the
 * edges are held sorted, so results do not depend on the input's order.
 *
 * <p>Vertices are indexed 0..n-1 in ascending id order. Edges whose endpoints are not both vertices are
 * dropped. This class is the in-memory driver; the kernels are shared: PageRank runs on {@code Csr} (as the
 * Spark blocks of {@code RankVector} do), weighted propagation and the merge on {@code Ties}.
 */
public final class Subgraph {
  private final long[] ids;
  private final long[] seeds;
  private final int[] src;
  private final int[] dst;
  private final double[] weight;

  private Subgraph(long[] ids, long[] seeds, int[] src, int[] dst, double[] weight) {
    this.ids = ids;
    this.seeds = seeds;
    this.src = src;
    this.dst = dst;
    this.weight = weight;
  }

  /**
   * @param vertexIds distinct vertex ids, any order
   * @param edgeSrc   edge sources (same length as edgeDst and edgeWeight)
   * @param edgeWeight finite weights &gt;= 0
   */
  public static Subgraph of(long[] vertexIds, long[] edgeSrc, long[] edgeDst, double[] edgeWeight) {
    return of(vertexIds, null, edgeSrc, edgeDst, edgeWeight);
  }

  /**
   * @param vertexSeeds each vertex's initial label for {@link #labelPropagation(long[], int, double, long)}
   *     ({@link #seeds()}), aligned with vertexIds; null = every vertex's own id
   */
  public static Subgraph of(long[] vertexIds, long[] vertexSeeds, long[] edgeSrc, long[] edgeDst,
      double[] edgeWeight) {
    long[] ids;
    long[] seeds;
    if (ascending(vertexIds)) { // as Subgraphs hands them over: no sort needed
      ids = vertexIds.clone();
      seeds = vertexSeeds == null ? ids.clone() : vertexSeeds.clone();
    } else {
      long[][] byId = new long[vertexIds.length][];
      for (int i = 0; i < vertexIds.length; i++) {
        byId[i] = new long[] {vertexIds[i], vertexSeeds == null ? vertexIds[i] : vertexSeeds[i]};
      }
      Arrays.sort(byId, (a, b) -> Long.compare(a[0], b[0]));
      ids = new long[byId.length];
      seeds = new long[byId.length];
      for (int i = 0; i < byId.length; i++) {
        ids[i] = byId[i][0];
        seeds[i] = byId[i][1];
      }
    }
    for (int i = 1; i < ids.length; i++) {
      if (ids[i] == ids[i - 1]) {
        throw new IllegalArgumentException("vertexIds has a duplicate: " + ids[i]);
      }
    }
    if (edgeSrc.length != edgeDst.length || edgeSrc.length != edgeWeight.length) {
      throw new IllegalArgumentException("edgeSrc, edgeDst and edgeWeight must have the same length");
    }
    int m = 0;
    int[] s = new int[edgeSrc.length];
    int[] d = new int[edgeSrc.length];
    double[] w = new double[edgeSrc.length];
    boolean sorted = true;
    for (int i = 0; i < edgeSrc.length; i++) {
      int si = Arrays.binarySearch(ids, edgeSrc[i]);
      int di = Arrays.binarySearch(ids, edgeDst[i]);
      if (si >= 0 && di >= 0) {
        s[m] = si;
        d[m] = di;
        w[m] = edgeWeight[i];
        if (m > 0 && compare(s[m - 1], d[m - 1], w[m - 1], si, di, edgeWeight[i]) > 0) sorted = false;
        m++;
      }
    }
    s = Arrays.copyOf(s, m);
    d = Arrays.copyOf(d, m);
    w = Arrays.copyOf(w, m);
    if (!sorted) {
      // sorted by (src, dst, weight): sums below then add in one fixed order
      Integer[] order = new Integer[m];
      for (int i = 0; i < m; i++) order[i] = i;
      int[] s0 = s;
      int[] d0 = d;
      double[] w0 = w;
      Arrays.sort(order, (x, y) -> compare(s0[x], d0[x], w0[x], s0[y], d0[y], w0[y]));
      s = new int[m];
      d = new int[m];
      w = new double[m];
      for (int i = 0; i < m; i++) {
        s[i] = s0[order[i]];
        d[i] = d0[order[i]];
        w[i] = w0[order[i]];
      }
    }
    return new Subgraph(ids, seeds, s, d, w);
  }

  private static boolean ascending(long[] a) {
    for (int i = 1; i < a.length; i++) {
      if (a[i - 1] >= a[i]) return false;
    }
    return true;
  }

  /** The edges' order: by (src, dst, weight). */
  private static int compare(int s1, int d1, double w1, int s2, int d2, double w2) {
    return s1 != s2 ? Integer.compare(s1, s2) : d1 != d2 ? Integer.compare(d1, d2) : Double.compare(w1, w2);
  }

  public int size() {
    return ids.length;
  }

  public long id(int index) {
    return ids[index];
  }

  /** The vertex ids by index (ascending). */
  public long[] ids() {
    return ids.clone();
  }

  /** Distinct ties: unordered pairs of distinct vertices joined by an edge of weight &gt; 0 either way. */
  public long tieCount() {
    java.util.HashSet<Long> pairs = new java.util.HashSet<>();
    for (int i = 0; i < src.length; i++) {
      if (src[i] == dst[i] || !(weight[i] > 0)) continue;
      int a = Math.min(src[i], dst[i]);
      int b = Math.max(src[i], dst[i]);
      pairs.add(((long) a << 32) | b);
    }
    return pairs.size();
  }

  /** Initial labels by vertex index (the vertex ids unless seeds were given). */
  public long[] seeds() {
    return seeds.clone();
  }

  /** The subgraph induced by the given vertex indexes (ascending), with its own indexing. */
  public Subgraph induced(int[] members) {
    int[] map = new int[ids.length];
    Arrays.fill(map, -1);
    long[] sub = new long[members.length];
    long[] subSeeds = new long[members.length];
    for (int i = 0; i < members.length; i++) {
      map[members[i]] = i;
      sub[i] = ids[members[i]];
      subSeeds[i] = seeds[members[i]];
    }
    int m = 0;
    for (int i = 0; i < src.length; i++) {
      if (map[src[i]] >= 0 && map[dst[i]] >= 0) m++;
    }
    int[] s = new int[m];
    int[] d = new int[m];
    double[] w = new double[m];
    int k = 0;
    for (int i = 0; i < src.length; i++) {
      if (map[src[i]] >= 0 && map[dst[i]] >= 0) {
        s[k] = map[src[i]];
        d[k] = map[dst[i]];
        w[k++] = weight[i];
      }
    }
    return new Subgraph(sub, subSeeds, s, d, w); // order kept: member indexes ascend as ids do
  }

  /**
   * The subgraphs induced by each label's members, in ascending label order: one pass over the edges
   * (calling {@link #induced} per label would rescan every edge for every label).
   *
   * @param labels by vertex index
   */
  public java.util.SortedMap<Long, Subgraph> splitBy(long[] labels) {
    java.util.TreeMap<Long, int[]> members = new java.util.TreeMap<>();
    java.util.Map<Long, Integer> count = new HashMap<>();
    for (long l : labels) count.merge(l, 1, Integer::sum);
    int[] local = new int[ids.length];
    java.util.Map<Long, Integer> fill = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      int[] m = members.computeIfAbsent(labels[i], l -> new int[count.get(l)]);
      int k = fill.merge(labels[i], 1, Integer::sum) - 1;
      m[k] = i;
      local[i] = k;
    }
    java.util.Map<Long, Integer> edgeCount = new HashMap<>();
    for (int i = 0; i < src.length; i++) {
      if (labels[src[i]] == labels[dst[i]]) edgeCount.merge(labels[src[i]], 1, Integer::sum);
    }
    java.util.Map<Long, int[][]> edges = new HashMap<>();
    java.util.Map<Long, double[]> weights = new HashMap<>();
    java.util.Map<Long, Integer> at = new HashMap<>();
    for (int i = 0; i < src.length; i++) {
      long l = labels[src[i]];
      if (l != labels[dst[i]]) continue;
      int n = edgeCount.get(l);
      int[][] e = edges.computeIfAbsent(l, x -> new int[2][n]);
      double[] w = weights.computeIfAbsent(l, x -> new double[n]);
      int k = at.merge(l, 1, Integer::sum) - 1;
      e[0][k] = local[src[i]];
      e[1][k] = local[dst[i]];
      w[k] = weight[i];
    }
    java.util.TreeMap<Long, Subgraph> out = new java.util.TreeMap<>();
    for (java.util.Map.Entry<Long, int[]> m : members.entrySet()) {
      int[] idx = m.getValue();
      long[] sub = new long[idx.length];
      long[] subSeeds = new long[idx.length];
      for (int i = 0; i < idx.length; i++) {
        sub[i] = ids[idx[i]];
        subSeeds[i] = seeds[idx[i]];
      }
      int[][] e = edges.getOrDefault(m.getKey(), new int[2][0]);
      double[] w = weights.getOrDefault(m.getKey(), new double[0]);
      // edges keep their (src, dst, weight) order: local indexes ascend as the ids do
      out.put(m.getKey(), new Subgraph(sub, subSeeds, e[0], e[1], w));
    }
    return out;
  }

  /** Result of {@link #labelPropagation}: labels by vertex index. */
  public record Labels(long[] labels, int iterations, boolean converged) {}

  /**
   * Weighted label propagation with exactly the semantics of {@link LabelPropagation} in WEIGHTED mode
   * (undirected fixed-point tie weights, a self-vote equal to the strongest tie, ties to the smallest label,
   * the soft size cap, the changed-fraction stop), started from every vertex's own id.
   */
  public Labels labelPropagation(int maxIterations, double convergenceThreshold, long maxCommunitySize) {
    return labelPropagation(ids, maxIterations, convergenceThreshold, maxCommunitySize);
  }

  /** As {@link #labelPropagation(int, double, long)}, started from the given labels (by vertex index). */
  public Labels labelPropagation(long[] initial, int maxIterations, double convergenceThreshold,
      long maxCommunitySize) {
    return labelPropagation(initial, maxIterations, convergenceThreshold, maxCommunitySize, 0.0);
  }

  /**
   * Weighted label propagation with exactly the semantics of {@link LabelPropagation} in WEIGHTED mode at the
   * given {@link LabelPropagation#resolution resolution}: 0 is the plain rule of {@link #labelPropagation(long[],
   * int, double, long)}; above 0 the resolution rule (a label's score is its tie weight less the resolution
   * penalty per member, no self-vote, half of the vertices update per iteration).
   */
  public Labels labelPropagation(long[] initial, int maxIterations, double convergenceThreshold,
      long maxCommunitySize, double resolution) {
    int n = ids.length;
    if (initial.length != n) {
      throw new IllegalArgumentException("initial must have one label per vertex (" + n + "), got " + initial.length);
    }
    return ties().labelPropagation(ids, initial, maxIterations, convergenceThreshold, maxCommunitySize, resolution);
  }

  /** The ties as label propagation sees them (see {@link Ties#of}). */
  private Ties ties() {
    return Ties.of(ids.length, src, dst, weight);
  }

  /**
   * Merges whole communities, exactly as {@link CommunityMerge} does on DataFrames: in each round every community
   * picks the neighbouring community of best merge gain (see there), and pairs that picked each other merge into
   * the smaller label; at most {@code rounds} rounds, stopping at the first round without a merge.
   *
   * @param labels community label by vertex index
   * @return the merged labels by vertex index
   */
  public long[] mergeCommunities(long[] labels, double resolution, long maxSize, int rounds) {
    int n = ids.length;
    if (labels.length != n) {
      throw new IllegalArgumentException("labels must have one label per vertex (" + n + "), got " + labels.length);
    }
    return ties().mergeCommunities(labels, resolution, maxSize, rounds);
  }

  /**
   * Splits every label into its connected parts over the edges (either direction) whose two ends share the
   * label; each part is labelled by its smallest vertex id.
   *
   * @param labels by vertex index
   * @return part labels by vertex index
   */
  public long[] connectedParts(long[] labels) {
    int n = ids.length;
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) parent[i] = i;
    for (int i = 0; i < src.length; i++) {
      if (labels[src[i]] == labels[dst[i]]) {
        int a = find(parent, src[i]);
        int b = find(parent, dst[i]);
        // the smaller index (= the smaller id) is the root
        if (a < b) parent[b] = a;
        else if (b < a) parent[a] = b;
      }
    }
    long[] part = new long[n];
    for (int i = 0; i < n; i++) part[i] = ids[find(parent, i)];
    return part;
  }

  private static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  /** Result of {@link #pageRank}: ranks by vertex index. */
  public record Ranks(double[] ranks, int iterations, double residual) {}

  /**
   * PageRank with uniform teleport over the subgraph, exactly the formula of {@link PageRank} (parallel edges
   * summed, weight-0 edges dropped, sink mass spread like the teleport; stops at maxIterations or once the L1
   * change is &lt; tolerance when tolerance &gt; 0).
   */
  public Ranks pageRank(double d, int maxIterations, double tolerance) {
    int n = ids.length;
    if (n == 0) return new Ranks(new double[0], 0, 0.0);
    // the edges are sorted by (src, dst, weight): the in-edge rows list their sources ascending
    Csr out = Csr.build(0, n, java.util.List.of(new Csr.Edges(src, dst, weight)), false, true).transitions();
    Csr in = Csr.build(0, n, java.util.List.of(out.edges()), true, true);
    double p = 1.0 / n;
    double[] pr = new double[n];
    Arrays.fill(pr, p);
    int iteration = 0;
    double residual = Double.NaN;
    while (iteration < maxIterations) {
      iteration++;
      double sink = 0;
      for (int v = 0; v < n; v++) if (out.off[v] == out.off[v + 1]) sink += pr[v];
      double[] sent = new double[n]; // d * pr(u), the factor each in-edge sum takes first
      for (int v = 0; v < n; v++) sent[v] = d * pr[v];
      double[] next = in.multiply(sent, p * ((1 - d) + d * sink));
      residual = 0;
      for (int v = 0; v < n; v++) residual += Math.abs(next[v] - pr[v]);
      pr = next;
      if (tolerance > 0 && residual < tolerance) break;
    }
    return new Ranks(pr, iteration, residual);
  }
}
