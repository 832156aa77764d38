package io.tribes.algo;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;


/**
 * The "label vector" execution of {@link LabelPropagation} in GRAPHALYTICS mode without seeds
 * (package-private): the labels live in one dense {@code int[]} on the driver, the neighbour lists in cached
 * blocks on the executors.
 *
 * <p>Every label is a vertex id, so it is held as the index of that id in the sorted ids: a smaller index is a
 * smaller label, and "ties to the smallest label" compares indices. Setup is one shuffle: each edge u-&gt;v
 * gives v the neighbour u and u the neighbour v (an undirected self-loop only once), sent to the block of
 * destination-index ranges that holds the receiver; each block is a CSR of its receivers' neighbours. Each
 * iteration is one Spark job (or one task runs them all, for a graph small enough: {@link VectorDriver#iterate}):
 * the label vector is broadcast, every block computes the most frequent
 * neighbour label of each of its receivers (ties to the smallest; no neighbours keeps the label) and returns its
 * slice. Counting does not depend on order, so the labels are identical whatever the partitioning; the
 * iterations grow no lineage, so nothing is checkpointed.
 *
 * <p>Memory: 4 bytes x V for the vector and 8 bytes x V for the ids on the driver and per executor, plus the
 * cached blocks (8 bytes per edge and 4 per vertex).
 *
 * <p>The driver loop and the edge routing are {@link VectorDriver}'s, the blocks and the step
 * ({@link Csr#mostFrequent}) {@link Csr}'s.
 */
final class LabelVector {
  private static final StructType LABELS =
      new StructType().add("id", DataTypes.LongType, false).add("label", DataTypes.LongType, false);

  private final int iterations;
  private final boolean directed;

  LabelVector(int iterations, boolean directed) {
    this.iterations = iterations;
    this.directed = directed;
  }

  /**
   * @param ids    the vertex ids, sorted ascending, distinct, at least one
   * @param edges  (src LONG, dst LONG); edges with an endpoint outside {@code ids} are ignored
   * @param blocks number of neighbour blocks (tasks per iteration), &gt;= 1
   * @param oneTaskEdges run every iteration in one task when the blocks hold at most this many neighbour
   *               entries (an undirected edge is two; {@link Execution#inMemory}); 0 = one job per iteration
   */
  LabelPropagation.Result run(SparkSession spark, long[] ids, Dataset<Row> edges, int blocks, long oneTaskEdges) {
    VectorDriver driver = new VectorDriver(spark, ids, blocks);
    int n = driver.n;
    int b = driver.b;
    boolean dir = directed;
    JavaRDD<Csr> adjacency = VectorDriver.cache(driver.scatter(edges, false, (chunks, s, t, w) -> {
      chunks[VectorDriver.blockOf(t, n, b)].add(t, s, 0); // t hears s
      if (dir || s != t) {
        chunks[VectorDriver.blockOf(s, n, b)].add(s, t, 0); // s hears t
      }
    }).mapPartitionsWithIndex((p, it) -> {
      int lo = VectorDriver.bound(p, n, b);
      return List.of(Csr.build(lo, VectorDriver.bound(p + 1, n, b) - lo, VectorDriver.chunks(it), false, false))
          .iterator();
    }, true));

    // one job builds and caches the blocks and counts the neighbour entries they hold
    long held = adjacency.map(block -> (long) block.col.length).reduce(Long::sum);
    int[] label = new int[n];
    for (int i = 0; i < n; i++) {
      label[i] = i;
    }
    VectorDriver.Outcome<int[], Relabel> end =
        driver.iterate(adjacency, label, Csr::mostFrequent, new Relabel(iterations), held <= oneTaskEdges);
    adjacency.unpersist(false);
    Dataset<Row> labels = driver.rows(end.x(), LABELS, (id, l, i) -> RowFactory.create(id[i], id[l[i]]));
    return new LabelPropagation.Result(labels, iterations, end.loop().changed == 0);
  }

  /** A fixed number of synchronous relabellings; counts the labels the last one changed. */
  private static final class Relabel implements VectorDriver.Loop<int[]> {
    private static final long serialVersionUID = 1L;
    private final int iterations;
    private int iteration;
    long changed = -1;

    Relabel(int iterations) {
      this.iterations = iterations;
    }

    @Override
    public int[] next(int[] label, int[] next) {
      iteration++;
      changed = 0;
      for (int v = 0; v < label.length; v++) {
        if (next[v] != label[v]) {
          changed++;
        }
      }
      return next;
    }

    @Override
    public boolean finished() {
      return iteration >= iterations;
    }
  }
}
