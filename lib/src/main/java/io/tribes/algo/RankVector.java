package io.tribes.algo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The "rank vector" execution of {@link PageRank} (package-private): the ranks live in one dense
 * {@code double[]} on the driver, the transition matrix in cached blocks on the executors.
 *
 * <p>Setup: the vertex ids are collected and sorted (index = position in ascending id order), the edges are
 * mapped to indices (edges with an unknown endpoint dropped) and converted once, in two shuffles of a few large
 * array records each: by source-index range, where each source's edges are sorted by (dst, weight), parallel
 * edges summed, weight-0 sums dropped and the out-weight W(u) summed in dst order, giving the transition
 * probability w/W(u) of every edge; then by destination-index range into one CSR block per range (per
 * destination its in-edges in ascending source order). The blocks are cached.
 *
 * <p>Each iteration is one Spark job: the rank vector is broadcast, every block computes its destinations'
 * sums &Sigma; PR(u) w(u,v)/W(u) (in ascending source order) and returns only its slice, and the driver applies
 * damping, teleport and sink mass and computes the L1 change. Every sum is taken in an order that depends only
 * on the vertex ids, so the ranks are bit-identical whatever the partitioning. No checkpoints are needed: the
 * iterations do not grow any lineage.
 *
 * <p>Memory: 8 bytes x V for the vector on the driver and per executor (broadcast), plus the id array
 * (8 x V) on both, plus the cached blocks (about 12 bytes per distinct edge).
 */
final class RankVector {
  private final double d;
  private final int maxIterations;
  private final double tolerance;

  RankVector(double d, int maxIterations, double tolerance) {
    this.d = d;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
  }

  /**
   * @param ids      the vertex ids, sorted ascending, distinct
   * @param teleport teleport probability by vertex index (sums to 1)
   * @param edges    (src LONG, dst LONG, w DOUBLE), weights finite and &gt;= 0
   * @param blocks   number of edge blocks (tasks per iteration), &gt;= 1
   */
  PageRank.Result run(SparkSession spark, long[] ids, double[] teleport, Dataset<Row> edges, int blocks) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = ids.length;
    int b = Math.max(1, Math.min(blocks, n));
    Broadcast<long[]> idsBc = jsc.broadcast(ids);

    JavaRDD<Block> matrix = transitions(edges, idsBc, n, b).persist(StorageLevel.MEMORY_AND_DISK());
    // one job: builds and caches the blocks, and tells which vertices have out-edges (the others are sinks)
    long[] withOut = new long[(n + 63) >>> 6];
    for (long[] bits : matrix.map(Block::sources).collect()) {
      for (int i = 0; i < bits.length; i++) {
        withOut[i] |= bits[i];
      }
    }
    boolean[] hasOut = new boolean[n];
    for (int i = 0; i < n; i++) {
      hasOut[i] = (withOut[i >>> 6] & (1L << i)) != 0;
    }

    double[] pr = teleport.clone();
    int iteration = 0;
    double residual = Double.NaN;
    while (iteration < maxIterations) {
      iteration++;
      double sink = 0;
      for (int v = 0; v < n; v++) {
        if (!hasOut[v]) {
          sink += pr[v];
        }
      }
      double k = (1 - d) + d * sink;
      Broadcast<double[]> prBc = jsc.broadcast(pr);
      List<double[]> slices = matrix.map(block -> block.multiply(prBc.value())).collect();
      prBc.destroy(false);
      double[] next = new double[n];
      int at = 0;
      for (double[] s : slices) {
        System.arraycopy(s, 0, next, at, s.length);
        at += s.length;
      }
      if (at != n) {
        throw new IllegalStateException("rank blocks returned " + at + " ranks for " + n + " vertices");
      }
      residual = 0;
      for (int v = 0; v < n; v++) {
        next[v] = teleport[v] * k + d * next[v];
        residual += Math.abs(next[v] - pr[v]);
      }
      pr = next;
      if (tolerance > 0 && residual < tolerance) {
        break;
      }
    }
    matrix.unpersist(false);

    Broadcast<double[]> finalBc = jsc.broadcast(pr);
    int parts = b;
    JavaRDD<Row> rows = jsc.parallelize(rangeList(parts), parts).flatMap(p -> {
      long[] id = idsBc.value();
      double[] rank = finalBc.value();
      int lo = bound(p, id.length, parts);
      int hi = bound(p + 1, id.length, parts);
      List<Row> out = new ArrayList<>(hi - lo);
      for (int i = lo; i < hi; i++) {
        out.add(RowFactory.create(id[i], rank[i]));
      }
      return out.iterator();
    });
    Dataset<Row> ranks = Lineage.persist(spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.LongType, false).add("pagerank", DataTypes.DoubleType, false)));
    ranks.count();
    return new PageRank.Result(ranks, iteration, residual);
  }

  /** 0 .. n-1, one element per block: the partitions of the result tables. */
  static List<Integer> rangeList(int n) {
    List<Integer> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  /** First index of block {@code block} of {@code blocks} over n indices. */
  static int bound(int block, int n, int blocks) {
    return (int) ((long) block * n / blocks);
  }

  /** The block holding index i (inverse of {@link #bound}). */
  static int blockOf(int i, int n, int blocks) {
    int blk = (int) ((long) i * blocks / n);
    // correct the rounding of the division: bound(blk) <= i < bound(blk + 1)
    while (blk + 1 < blocks && bound(blk + 1, n, blocks) <= i) {
      blk++;
    }
    while (blk > 0 && bound(blk, n, blocks) > i) {
      blk--;
    }
    return blk;
  }

  /** Index of each id in the sorted ids, or -1. */
  static int indexOf(long[] ids, long id) {
    int n = ids.length;
    if (n == 0) {
      return -1;
    }
    if (ids[n - 1] - ids[0] == n - 1) { // contiguous ids (ids are distinct and sorted)
      long i = id - ids[0];
      return i >= 0 && i < n ? (int) i : -1;
    }
    int i = Arrays.binarySearch(ids, id);
    return i >= 0 ? i : -1;
  }

  /** The cached CSR blocks, partition i holding destination block i. */
  private static JavaRDD<Block> transitions(Dataset<Row> edges, Broadcast<long[]> idsBc, int n, int b) {
    HashPartitioner byBlock = new HashPartitioner(b); // Integer keys 0..b-1 land in partition key
    // 1. edges -> per source block one chunk per input partition
    JavaPairRDD<Integer, Chunk> bySource = edges.queryExecution().toRdd().toJavaRDD().mapPartitionsToPair(it -> {
      long[] ids = idsBc.value();
      Chunk[] chunks = new Chunk[b];
      for (int i = 0; i < b; i++) {
        chunks[i] = new Chunk(0);
      }
      while (it.hasNext()) {
        InternalRow r = it.next();
        if (r.isNullAt(0) || r.isNullAt(1)) {
          continue;
        }
        int s = indexOf(ids, r.getLong(0));
        int t = indexOf(ids, r.getLong(1));
        if (s < 0 || t < 0) {
          continue;
        }
        chunks[blockOf(s, n, b)].add(s, t, r.getDouble(2));
      }
      List<Tuple2<Integer, Chunk>> out = new ArrayList<>();
      for (int i = 0; i < b; i++) {
        if (chunks[i].size > 0) {
          out.add(new Tuple2<>(i, chunks[i].trim()));
        }
      }
      return out.iterator();
    }).partitionBy(byBlock);

    // 2. per source block: merge parallel edges, out-weights, transition probabilities -> destination blocks
    JavaPairRDD<Integer, Chunk> byDestination = JavaPairRDD.fromJavaRDD(bySource.mapPartitionsWithIndex((p, it) -> {
      List<Tuple2<Integer, Chunk>> out = new ArrayList<>();
      for (Chunk c : normalise(p, n, b, it)) {
        out.add(new Tuple2<>(c.origin, c));
      }
      return out.iterator();
    }, false)).partitionBy(byBlock);

    // 3. per destination block: CSR over the block's destinations, sources ascending
    return byDestination.mapPartitionsWithIndex((p, it) -> List.of(Block.build(p, n, b, it)).iterator(), true);
  }

  /**
   * The source block {@code p}'s edges: returns one chunk per destination block ({@code origin} = destination
   * block, {@code from} = p) with edges (s, t, w/W(s)) sorted by s then t.
   */
  private static List<Chunk> normalise(int p, int n, int b, Iterator<Tuple2<Integer, Chunk>> it) {
    int lo = bound(p, n, b);
    int hi = bound(p + 1, n, b);
    int width = hi - lo;
    List<Chunk> in = new ArrayList<>();
    int m = 0;
    while (it.hasNext()) {
      Chunk c = it.next()._2();
      in.add(c);
      m += c.size;
    }
    // counting sort by source (input order inside a source does not matter: ties are sorted below)
    int[] start = new int[width + 1];
    for (Chunk c : in) {
      for (int i = 0; i < c.size; i++) {
        start[c.s[i] - lo + 1]++;
      }
    }
    for (int i = 0; i < width; i++) {
      start[i + 1] += start[i];
    }
    int[] fill = Arrays.copyOf(start, width);
    int[] t = new int[m];
    double[] w = new double[m];
    for (Chunk c : in) {
      for (int i = 0; i < c.size; i++) {
        int k = fill[c.s[i] - lo]++;
        t[k] = c.t[i];
        w[k] = c.w[i];
      }
    }
    in = null;
    Chunk[] out = new Chunk[b];
    for (int i = 0; i < b; i++) {
      out[i] = new Chunk(0);
      out[i].origin = i;
      out[i].from = p;
    }
    long[] order = new long[0];
    int[] mt = new int[0];
    double[] mw = new double[0];
    double[] run = new double[0];
    for (int u = 0; u < width; u++) {
      int a = start[u];
      int deg = start[u + 1] - a;
      if (deg == 0) {
        continue;
      }
      if (order.length < deg) {
        order = new long[deg];
        mt = new int[deg];
        mw = new double[deg];
        run = new double[deg];
      }
      for (int j = 0; j < deg; j++) {
        order[j] = ((long) t[a + j] << 32) | j;
      }
      Arrays.sort(order, 0, deg);
      int k = 0;
      for (int j = 0; j < deg; ) {
        int dst = (int) (order[j] >>> 32);
        int e = j;
        while (e < deg && (int) (order[e] >>> 32) == dst) {
          run[e - j] = w[a + (int) order[e]];
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
          mt[k] = dst;
          mw[k++] = sum;
        }
        j = e;
      }
      double total = 0;
      for (int j = 0; j < k; j++) {
        total += mw[j];
      }
      for (int j = 0; j < k; j++) {
        out[blockOf(mt[j], n, b)].add(lo + u, mt[j], mw[j] / total);
      }
    }
    List<Chunk> list = new ArrayList<>();
    for (Chunk c : out) {
      if (c.size > 0) {
        list.add(c.trim());
      }
    }
    return list;
  }

  /** Edges (s, t, w) in growable arrays; {@code origin}/{@code from} are block numbers. */
  static final class Chunk implements Serializable {
    private static final long serialVersionUID = 1L;
    int size;
    int[] s;
    int[] t;
    double[] w;
    int origin;
    int from;

    Chunk(int capacity) {
      s = new int[Math.max(capacity, 16)];
      t = new int[s.length];
      w = new double[s.length];
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

    Chunk trim() {
      s = Arrays.copyOf(s, size);
      t = Arrays.copyOf(t, size);
      w = Arrays.copyOf(w, size);
      return this;
    }

  }

  /**
   * The transitions into the destinations lo..hi-1: for destination v, sources {@code src[off[v-lo]..]}
   * ascending with probabilities {@code p}; {@code n} is the vertex count.
   */
  static final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    final int n;
    final int lo;
    final int[] off;
    final int[] src;
    final double[] p;

    Block(int n, int lo, int[] off, int[] src, double[] p) {
      this.n = n;
      this.lo = lo;
      this.off = off;
      this.src = src;
      this.p = p;
    }

    static Block build(int block, int n, int b, Iterator<Tuple2<Integer, Chunk>> it) {
      int lo = bound(block, n, b);
      int hi = bound(block + 1, n, b);
      List<Chunk> in = new ArrayList<>();
      int m = 0;
      while (it.hasNext()) {
        Chunk c = it.next()._2();
        in.add(c);
        m += c.size;
      }
      // chunks in source-block order, each sorted by source: a stable counting sort by destination keeps the
      // sources ascending within every destination
      in.sort((x, y) -> Integer.compare(x.from, y.from));
      int[] off = new int[hi - lo + 1];
      for (Chunk c : in) {
        for (int i = 0; i < c.size; i++) {
          off[c.t[i] - lo + 1]++;
        }
      }
      for (int i = 0; i < hi - lo; i++) {
        off[i + 1] += off[i];
      }
      int[] fill = Arrays.copyOf(off, hi - lo);
      int[] src = new int[m];
      double[] p = new double[m];
      for (Chunk c : in) {
        for (int i = 0; i < c.size; i++) {
          int k = fill[c.t[i] - lo]++;
          src[k] = c.s[i];
          p[k] = c.w[i];
        }
      }
      return new Block(n, lo, off, src, p);
    }

    /** Bitset (n bits) of the sources of this block's edges. */
    long[] sources() {
      long[] bits = new long[(n + 63) >>> 6];
      for (int s : src) {
        bits[s >>> 6] |= 1L << s;
      }
      return bits;
    }

    /** Per destination lo..hi-1: &Sigma; pr(u) p(u, v), sources ascending. */
    double[] multiply(double[] pr) {
      int width = off.length - 1;
      double[] out = new double[width];
      for (int v = 0; v < width; v++) {
        double sum = 0;
        for (int j = off[v]; j < off[v + 1]; j++) {
          sum += pr[src[j]] * p[j];
        }
        out[v] = sum;
      }
      return out;
    }
  }
}
