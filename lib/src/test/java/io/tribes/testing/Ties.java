package io.tribes.testing;

import io.tribes.algo.Subgraph;
import java.util.List;

/** Small in-memory graphs for the kernel tests. */
public final class Ties {
  private Ties() {}

  /** Vertices 0..n-1 and one edge per {src, dst} tie, every edge of the same weight. */
  public static Subgraph subgraph(int n, List<long[]> ties, double weight) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) ids[i] = i;
    long[] s = new long[ties.size()];
    long[] d = new long[ties.size()];
    double[] w = new double[ties.size()];
    for (int i = 0; i < ties.size(); i++) {
      s[i] = ties.get(i)[0];
      d[i] = ties.get(i)[1];
      w[i] = weight;
    }
    return Subgraph.of(ids, s, d, w);
  }
}
