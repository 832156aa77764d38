package io.tribes.algo;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Compressed sparse rows: the one adjacency layout the array kernels run on, and their kernels (package-private).
 * Both drivers use it: {@link Subgraph} (a whole graph in one task) and {@link VectorDriver} (one block of
 * vertex-index ranges per task).
 *
 * <p>Row r (0 .. width-1) stands for vertex index {@code lo + r}; its entries are {@code off[r] .. off[r+1]-1},
 * holding the other end's vertex index in {@code col} and, when weighted, a value in {@code val}. The builder is
 * one stable counting sort: within a row the entries keep the order in which they were fed. Callers feed edges
 * in an order fixed by the vertex ids, so every sum of a kernel runs in a fixed order and the results are
 * bit-identical whatever the partitioning.
 */
final class Csr implements Serializable {
  private static final long serialVersionUID = 1L;
  final int lo;
  final int[] off;
  final int[] col;
  final double[] val;

  private Csr(int lo, int[] off, int[] col, double[] val) {
    this.lo = lo;
    this.off = off;
    this.col = col;
    this.val = val;
  }

  /**
   * The edges of {@code in}, list order then edge order kept within each row.
   *
   * @param byTarget row = t, col = s (in-edges); else row = s, col = t (out-edges)
   * @param weighted keep the weights in {@code val}; else {@code val} is empty
   */
  static Csr build(int lo, int width, List<Edges> in, boolean byTarget, boolean weighted) {
    int[] off = new int[width + 1];
    int m = 0;
    for (Edges c : in) {
      int[] row = byTarget ? c.t : c.s;
      for (int i = 0; i < c.size; i++) {
        off[row[i] - lo + 1]++;
      }
      m += c.size;
    }
    for (int i = 0; i < width; i++) {
      off[i + 1] += off[i];
    }
    int[] fill = Arrays.copyOf(off, width);
    int[] col = new int[m];
    double[] val = new double[weighted ? m : 0];
    for (Edges c : in) {
      int[] row = byTarget ? c.t : c.s;
      int[] other = byTarget ? c.s : c.t;
      for (int i = 0; i < c.size; i++) {
        int k = fill[row[i] - lo]++;
        col[k] = other[i];
        if (weighted) {
          val[k] = c.w[i];
        }
      }
    }
    return new Csr(lo, off, col, val);
  }

  int width() {
    return off.length - 1;
  }

  /** The entries as edges (row vertex, col vertex, val), in row order. */
  Edges edges() {
    Edges e = new Edges(col.length);
    for (int r = 0; r < width(); r++) {
      for (int j = off[r]; j < off[r + 1]; j++) {
        e.add(lo + r, col[j], val[j]);
      }
    }
    return e;
  }

  /**
   * PageRank's transition probabilities from out-edge rows of weights: per row the entries sorted by column,
   * parallel entries summed in ascending weight order, sums that are not &gt; 0 dropped, and each sum divided by
   * the row's total W(u) (summed in column order).
   */
  Csr transitions() {
    int width = width();
    int[] noff = new int[width + 1];
    int[] ncol = new int[col.length];
    double[] nval = new double[col.length];
    long[] order = new long[0];
    double[] run = new double[0];
    int k = 0;
    for (int u = 0; u < width; u++) {
      int a = off[u];
      int deg = off[u + 1] - a;
      int first = k;
      if (order.length < deg) {
        order = new long[deg];
        run = new double[deg];
      }
      for (int j = 0; j < deg; j++) {
        order[j] = ((long) col[a + j] << 32) | j;
      }
      Arrays.sort(order, 0, deg);
      for (int j = 0; j < deg; ) {
        int dst = (int) (order[j] >>> 32);
        int e = j;
        while (e < deg && (int) (order[e] >>> 32) == dst) {
          run[e - j] = val[a + (int) order[e]];
          e++;
        }
        double sum;
        if (e - j == 1) {
          sum = run[0];
        } else { // parallel edges: summed in ascending weight order
          Arrays.sort(run, 0, e - j);
          sum = 0;
          for (int x = 0; x < e - j; x++) {
            sum += run[x];
          }
        }
        if (sum > 0) {
          ncol[k] = dst;
          nval[k++] = sum;
        }
        j = e;
      }
      double total = 0;
      for (int j = first; j < k; j++) {
        total += nval[j];
      }
      for (int j = first; j < k; j++) {
        nval[j] /= total;
      }
      noff[u + 1] = k;
    }
    return new Csr(lo, noff, Arrays.copyOf(ncol, k), Arrays.copyOf(nval, k));
  }

  /**
   * PageRank's kernel: per row, {@code init} + &Sigma; x[col] val over the entries in row order (for in-edge rows
   * built from source-ordered edges: ascending source).
   */
  double[] multiply(double[] x, double init) {
    int width = width();
    double[] out = new double[width];
    for (int v = 0; v < width; v++) {
      double sum = init;
      for (int j = off[v]; j < off[v + 1]; j++) {
        sum += x[col[j]] * val[j];
      }
      out[v] = sum;
    }
    return out;
  }

  /**
   * Graphalytics label propagation's kernel: per row, the most frequent label among its entries' labels, ties to
   * the smallest; a row without entries keeps its own label. Counting does not depend on the entries' order.
   */
  int[] mostFrequent(int[] label) {
    int width = width();
    int[] out = new int[width];
    int[] scratch = new int[16];
    for (int v = 0; v < width; v++) {
      int a = off[v];
      int deg = off[v + 1] - a;
      if (deg == 0) {
        out[v] = label[lo + v];
        continue;
      }
      if (scratch.length < deg) {
        scratch = new int[Math.max(deg, scratch.length * 2)];
      }
      for (int j = 0; j < deg; j++) {
        scratch[j] = label[col[a + j]];
      }
      Arrays.sort(scratch, 0, deg);
      int best = scratch[0];
      int bestCount = 0;
      for (int j = 0; j < deg; ) {
        int e = j;
        while (e < deg && scratch[e] == scratch[j]) {
          e++;
        }
        if (e - j > bestCount) { // strictly more: ties keep the smaller label, met first
          bestCount = e - j;
          best = scratch[j];
        }
        j = e;
      }
      out[v] = best;
    }
    return out;
  }

  /** Edges (s, t, w) by vertex index in growable arrays: the builder's input and the blocks' shuffle record. */
  static final class Edges implements Serializable {
    private static final long serialVersionUID = 1L;
    int size;
    int[] s;
    int[] t;
    double[] w;
    /** The block the edges come from: {@link RankVector} counts the chunks in source-block order. */
    int from;

    Edges(int capacity) {
      s = new int[Math.max(capacity, 16)];
      t = new int[s.length];
      w = new double[s.length];
    }

    /** Wraps arrays of equal length (not copied). */
    Edges(int[] s, int[] t, double[] w) {
      this.size = s.length;
      this.s = s;
      this.t = t;
      this.w = w;
    }

    void add(int a, int c, double x) {
      if (size == s.length) {
        int cap = s.length * 2;
        s = Arrays.copyOf(s, cap);
        t = Arrays.copyOf(t, cap);
        w = Arrays.copyOf(w, cap);
      }
      s[size] = a;
      t[size] = c;
      w[size++] = x;
    }

    /** Trimmed to size; without the weights when not {@code weighted} (they do not travel). */
    Edges trim(boolean weighted) {
      s = Arrays.copyOf(s, size);
      t = Arrays.copyOf(t, size);
      w = weighted ? Arrays.copyOf(w, size) : new double[0];
      return this;
    }
  }
}
