package io.tribes.algo;

/** A plain in-memory PageRank, the formula of the PageRank class comment, as a test oracle. */
final class DenseRank {
  private DenseRank() {}

  /**
   * @param n        vertices 0..n-1
   * @param edges    {src, dst, weight}; endpoints outside 0..n-1 are ignored
   * @param teleport per-vertex flag, null = all
   */
  static double[] pagerank(int n, double[][] edges, double d, int iterations, boolean[] teleport) {
    double[] out = new double[n];
    for (double[] e : edges) {
      if (e[0] < n && e[1] < n) {
        out[(int) e[0]] += e[2];
      }
    }
    int t = 0;
    for (int i = 0; i < n; i++) {
      t += teleport == null || teleport[i] ? 1 : 0;
    }
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = teleport == null || teleport[i] ? 1.0 / t : 0.0;
    }
    double[] pr = p.clone();
    for (int it = 0; it < iterations; it++) {
      double sink = 0;
      for (int i = 0; i < n; i++) {
        sink += out[i] == 0 ? pr[i] : 0;
      }
      double[] next = new double[n];
      for (int i = 0; i < n; i++) {
        next[i] = p[i] * ((1 - d) + d * sink);
      }
      for (double[] e : edges) {
        if (e[0] < n && e[1] < n && e[2] > 0) {
          next[(int) e[1]] += d * pr[(int) e[0]] * e[2] / out[(int) e[0]];
        }
      }
      pr = next;
    }
    return pr;
  }
}
