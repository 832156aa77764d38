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
 * <p>Each iteration is one Spark job (or, when the blocks hold at most {@link Execution#inMemory} edges, one task
 * runs them all: {@link VectorDriver#iterate}): the rank vector is broadcast, every block computes its destinations'
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
   * @param ids         the vertex ids, sorted ascending, distinct
   * @param teleport    teleport probability by vertex index (sums to 1)
   * @param edges       (src LONG, dst LONG, w DOUBLE), weights finite and &gt;= 0
   * @param blocks      number of edge blocks (tasks per iteration), &gt;= 1
   * @param oneTaskEdges run every iteration in one task when the blocks hold at most this many edges
   *                    ({@link Execution#inMemory}); 0 = one job per iteration
   */
  PageRank.Result run(SparkSession spark, long[] ids, double[] teleport, Dataset<Row> edges, int blocks,
      long oneTaskEdges) {
    VectorDriver driver = new VectorDriver(spark, ids, blocks);
    int n = driver.n;
    JavaRDD<Csr> matrix = VectorDriver.cache(transitions(driver, edges));
    // one job: builds and caches the blocks, counts their edges and tells which vertices have out-edges (the
    // others are sinks)
    long[] withOut = new long[(n + 63) >>> 6];
    long held = 0;
    for (Tuple2<long[], Integer> block : matrix.map(block -> new Tuple2<>(sources(block, n), block.col.length))
        .collect()) {
      long[] bits = block._1();
      for (int i = 0; i < bits.length; i++) {
        withOut[i] |= bits[i];
      }
      held += block._2();
    }
    boolean[] hasOut = new boolean[n];
    for (int i = 0; i < n; i++) {
      hasOut[i] = (withOut[i >>> 6] & (1L << i)) != 0;
    }
    // per destination: sum of pr(u) p(u, v), sources ascending
    VectorDriver.Outcome<double[], Power> end = driver.iterate(matrix, teleport.clone(),
        (block, x) -> block.multiply(x, 0.0), new Power(d, maxIterations, tolerance, teleport, hasOut),
        held <= oneTaskEdges);
    matrix.unpersist(false);
    Dataset<Row> ranks = driver.rows(end.x(), RANKS, (id, rank, i) -> RowFactory.create(id[i], rank[i]));
    return new PageRank.Result(ranks, end.loop().iteration, end.loop().residual);
  }

  /**
   * One PageRank iteration on top of the blocks' sums: damping, teleport and sink mass, and the L1 change (see
   * {@link PageRank}'s contract).
   */
  private static final class Power implements VectorDriver.Loop<double[]> {
    private static final long serialVersionUID = 1L;
    private final double d;
    private final int maxIterations;
    private final double tolerance;
    private final double[] teleport;
    private final boolean[] hasOut;
    int iteration;
    double residual = Double.NaN;

    Power(double d, int maxIterations, double tolerance, double[] teleport, boolean[] hasOut) {
      this.d = d;
      this.maxIterations = maxIterations;
      this.tolerance = tolerance;
      this.teleport = teleport;
      this.hasOut = hasOut;
    }

    @Override
    public double[] next(double[] pr, double[] sums) {
      iteration++;
      int n = pr.length;
      double sink = 0;
      for (int v = 0; v < n; v++) {
        if (!hasOut[v]) {
          sink += pr[v];
        }
      }
      double k = (1 - d) + d * sink;
      residual = 0;
      for (int v = 0; v < n; v++) {
        sums[v] = teleport[v] * k + d * sums[v];
        residual += Math.abs(sums[v] - pr[v]);
      }
      return sums;
    }

    @Override
    public boolean finished() {
      return iteration >= maxIterations || (tolerance > 0 && residual < tolerance);
    }
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
