package io.tribes.algo;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.HashPartitioner;
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
 * The "label vector" execution of {@link LabelPropagation} in GRAPHALYTICS mode without seeds
 * (package-private): the labels live in one dense {@code int[]} on the driver, the neighbour lists in cached
 * blocks on the executors.
 *
 * <p>Every label is a vertex id, so it is held as the index of that id in the sorted ids: a smaller index is a
 * smaller label, and "ties to the smallest label" compares indices. Setup is one shuffle: each edge u-&gt;v
 * gives v the neighbour u and u the neighbour v (an undirected self-loop only once), sent to the block of
 * destination-index ranges that holds the receiver; each block is a CSR of its receivers' neighbours. Each
 * iteration is one Spark job: the label vector is broadcast, every block computes the most frequent
 * neighbour label of each of its receivers (ties to the smallest; no neighbours keeps the label) and returns its
 * slice. Counting does not depend on order, so the labels are identical whatever the partitioning; the
 * iterations grow no lineage, so nothing is checkpointed.
 *
 * <p>Memory: 4 bytes x V for the vector and 8 bytes x V for the ids on the driver and per executor, plus the
 * cached blocks (8 bytes per edge and 4 per vertex).
 */
final class LabelVector {
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
   */
  LabelPropagation.Result run(SparkSession spark, long[] ids, Dataset<Row> edges, int blocks) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = ids.length;
    int b = Math.max(1, Math.min(blocks, n));
    Broadcast<long[]> idsBc = jsc.broadcast(ids);
    boolean dir = directed;
    JavaRDD<Neighbours> adjacency = edges.queryExecution().toRdd().toJavaRDD().mapPartitionsToPair(it -> {
      long[] id = idsBc.value();
      RankVector.Chunk[] chunks = new RankVector.Chunk[b];
      for (int i = 0; i < b; i++) {
        chunks[i] = new RankVector.Chunk(0);
      }
      while (it.hasNext()) {
        InternalRow r = it.next();
        if (r.isNullAt(0) || r.isNullAt(1)) {
          continue;
        }
        int s = RankVector.indexOf(id, r.getLong(0));
        int t = RankVector.indexOf(id, r.getLong(1));
        if (s < 0 || t < 0) {
          continue;
        }
        chunks[RankVector.blockOf(t, n, b)].add(t, s, 0); // t hears s
        if (dir || s != t) {
          chunks[RankVector.blockOf(s, n, b)].add(s, t, 0); // s hears t
        }
      }
      List<Tuple2<Integer, RankVector.Chunk>> out = new ArrayList<>();
      for (int i = 0; i < b; i++) {
        if (chunks[i].size > 0) {
          RankVector.Chunk c = chunks[i];
          c.w = new double[0]; // no weights travel
          c.s = Arrays.copyOf(c.s, c.size);
          c.t = Arrays.copyOf(c.t, c.size);
          out.add(new Tuple2<>(i, c));
        }
      }
      return out.iterator();
    }).partitionBy(new HashPartitioner(b))
        .mapPartitionsWithIndex((p, it) -> List.of(Neighbours.build(p, n, b, it)).iterator(), true)
        .persist(StorageLevel.MEMORY_AND_DISK());

    int[] label = new int[n];
    for (int i = 0; i < n; i++) {
      label[i] = i;
    }
    long changed = -1;
    for (int iteration = 1; iteration <= iterations; iteration++) {
      Broadcast<int[]> labelBc = jsc.broadcast(label);
      List<int[]> slices = adjacency.map(block -> block.step(labelBc.value())).collect();
      labelBc.destroy(false);
      int[] next = new int[n];
      int at = 0;
      for (int[] s : slices) {
        System.arraycopy(s, 0, next, at, s.length);
        at += s.length;
      }
      if (at != n) {
        throw new IllegalStateException("label blocks returned " + at + " labels for " + n + " vertices");
      }
      changed = 0;
      for (int v = 0; v < n; v++) {
        if (next[v] != label[v]) {
          changed++;
        }
      }
      label = next;
    }
    adjacency.unpersist(false);

    Broadcast<int[]> finalBc = jsc.broadcast(label);
    JavaRDD<Row> rows = jsc.parallelize(RankVector.rangeList(b), b).flatMap(p -> {
      long[] id = idsBc.value();
      int[] l = finalBc.value();
      int lo = RankVector.bound(p, id.length, b);
      int hi = RankVector.bound(p + 1, id.length, b);
      List<Row> out = new ArrayList<>(hi - lo);
      for (int i = lo; i < hi; i++) {
        out.add(RowFactory.create(id[i], id[l[i]]));
      }
      return out.iterator();
    });
    Dataset<Row> labels = Lineage.persist(spark.createDataFrame(rows,
        new StructType().add("id", DataTypes.LongType, false).add("label", DataTypes.LongType, false)));
    labels.count();
    return new LabelPropagation.Result(labels, iterations, changed == 0);
  }

  /** The neighbours of the receivers lo..hi-1: receiver v hears {@code nbr[off[v-lo] .. off[v-lo+1])}. */
  static final class Neighbours implements Serializable {
    private static final long serialVersionUID = 1L;
    final int lo;
    final int[] off;
    final int[] nbr;

    Neighbours(int lo, int[] off, int[] nbr) {
      this.lo = lo;
      this.off = off;
      this.nbr = nbr;
    }

    static Neighbours build(int block, int n, int b, java.util.Iterator<Tuple2<Integer, RankVector.Chunk>> it) {
      int lo = RankVector.bound(block, n, b);
      int hi = RankVector.bound(block + 1, n, b);
      List<RankVector.Chunk> in = new ArrayList<>();
      while (it.hasNext()) {
        in.add(it.next()._2());
      }
      int[] off = new int[hi - lo + 1];
      for (RankVector.Chunk c : in) {
        for (int i = 0; i < c.size; i++) {
          off[c.s[i] - lo + 1]++;
        }
      }
      for (int i = 0; i < hi - lo; i++) {
        off[i + 1] += off[i];
      }
      int[] fill = Arrays.copyOf(off, hi - lo);
      int[] nbr = new int[off[hi - lo]];
      for (RankVector.Chunk c : in) {
        for (int i = 0; i < c.size; i++) {
          nbr[fill[c.s[i] - lo]++] = c.t[i];
        }
      }
      return new Neighbours(lo, off, nbr);
    }

    /** Per receiver: the most frequent neighbour label, ties to the smallest; no neighbours keeps the label. */
    int[] step(int[] label) {
      int width = off.length - 1;
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
          scratch[j] = label[nbr[a + j]];
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
  }
}
