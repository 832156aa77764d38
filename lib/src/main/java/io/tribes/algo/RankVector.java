package io.tribes.algo;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
  private static final StructType RANKS =
      new StructType().add("id", DataTypes.LongType, false).add("pagerank", DataTypes.DoubleType, false);

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
    VectorDriver driver = new VectorDriver(spark, ids, blocks);
    int n = driver.n;
    JavaRDD<Csr> matrix = VectorDriver.cache(transitions(driver, edges));
    // one job: builds and caches the blocks, and tells which vertices have out-edges (the others are sinks)
    long[] withOut = new long[(n + 63) >>> 6];
    for (long[] bits : matrix.map(block -> sources(block, n)).collect()) {
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
      // per destination: sum of pr(u) p(u, v), sources ascending
      double[] next = driver.step(matrix, pr, (block, x) -> block.multiply(x, 0.0));
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
    Dataset<Row> ranks = driver.rows(pr, RANKS, (id, rank, i) -> RowFactory.create(id[i], rank[i]));
    return new PageRank.Result(ranks, iteration, residual);
  }

  /**
   * The CSR blocks of transition probabilities by destination (partition i holding destination block i), in
   * two shuffles: by source block, where {@link Csr#transitions} merges each source's edges and divides by its
   * out-weight; then by destination block, where the chunks, taken in source-block order, are counted into
   * in-edge rows with the sources ascending.
   */
  private static JavaRDD<Csr> transitions(VectorDriver driver, Dataset<Row> edges) {
    int n = driver.n;
    int b = driver.b;
    JavaPairRDD<Integer, Csr.Edges> bySource =
        driver.scatter(edges, true, (chunks, s, t, w) -> chunks[VectorDriver.blockOf(s, n, b)].add(s, t, w));
    JavaPairRDD<Integer, Csr.Edges> byDestination = JavaPairRDD.fromJavaRDD(bySource.mapPartitionsWithIndex(
        (p, it) -> {
          int lo = VectorDriver.bound(p, n, b);
          Csr out = Csr.build(lo, VectorDriver.bound(p + 1, n, b) - lo, VectorDriver.chunks(it), false, true)
              .transitions();
          Csr.Edges[] chunks = new Csr.Edges[b];
          for (int i = 0; i < b; i++) {
            chunks[i] = new Csr.Edges(0);
            chunks[i].from = p;
          }
          for (int u = 0; u < out.width(); u++) {
            for (int j = out.off[u]; j < out.off[u + 1]; j++) {
              chunks[VectorDriver.blockOf(out.col[j], n, b)].add(lo + u, out.col[j], out.val[j]);
            }
          }
          List<Tuple2<Integer, Csr.Edges>> routed = VectorDriver.nonEmpty(chunks, true);
          return routed.iterator();
        }, false)).partitionBy(driver.byBlock());
    return byDestination.mapPartitionsWithIndex((p, it) -> {
      List<Csr.Edges> in = new ArrayList<>(VectorDriver.chunks(it));
      // chunks in source-block order, each sorted by source: the stable counting sort by destination keeps the
      // sources ascending within every destination
      in.sort((x, y) -> Integer.compare(x.from, y.from));
      int lo = VectorDriver.bound(p, n, b);
      return List.of(Csr.build(lo, VectorDriver.bound(p + 1, n, b) - lo, in, true, true)).iterator();
    }, true);
  }

  /** Bitset (n bits) of the sources of a block's edges. */
  private static long[] sources(Csr block, int n) {
    long[] bits = new long[(n + 63) >>> 6];
    for (int s : block.col) {
      bits[s >>> 6] |= 1L << s;
    }
    return bits;
  }
}
