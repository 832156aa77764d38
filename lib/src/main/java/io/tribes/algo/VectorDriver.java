package io.tribes.algo;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The Spark "blocked vector" driver that {@link RankVector} and {@link LabelVector} share (package-private): one
 * dense vector by vertex index on the driver, the adjacency in cached {@link Csr} blocks on the executors.
 *
 * <p>Vertex index = position in ascending id order. Block i holds the vertex indexes {@link #bound}(i) ..
 * bound(i+1)-1. Setup routes every edge, by index, into per-block {@link Csr.Edges} chunks that one shuffle
 * brings to their block ({@link #scatter}). Each iteration is then one Spark job ({@link #step}): the vector is
 * broadcast, every block runs a kernel for its own rows and returns that slice, and the driver concatenates the
 * slices; or, for a graph small enough for one task, one task runs every iteration ({@link #iterate}). The
 * iterations grow no lineage, so nothing is checkpointed.
 */
final class VectorDriver {
  final SparkSession spark;
  final JavaSparkContext jsc;
  final Broadcast<long[]> ids;
  /** Vertices and blocks. */
  final int n;
  final int b;

  /** @param ids the vertex ids, sorted ascending, distinct, at least one */
  VectorDriver(SparkSession spark, long[] ids, int blocks) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.n = ids.length;
    this.b = Math.max(1, Math.min(blocks, n));
    this.ids = jsc.broadcast(ids);
  }

  /**
   * The blocks of a facade's run: the shuffle partitions, at most one per core (the default parallelism). An
   * iteration is one job of one task per block, so blocks beyond the cores add task overhead and no parallelism
   * (BENCHMARKS.md: PageRank at 1M edges on 2 cores, 1.14 s with 4 blocks, 0.89 s with 2). The results do not
   * depend on the blocks.
   */
  static int blocks(SparkSession spark) {
    return Math.max(1, Math.min(GraphInput.shufflePartitions(spark), spark.sparkContext().defaultParallelism()));
  }

  /** Where an edge (s, t, w), by vertex index, goes: adds it to {@code chunks[block]} for the blocks it reaches. */
  interface Route extends java.io.Serializable {
    void add(Csr.Edges[] chunks, int s, int t, double w);
  }

  /** A result row for vertex index i from the ids and the final vector. */
  interface Cell<V> extends java.io.Serializable {
    Row row(long[] ids, V x, int i);
  }

  /**
   * The edges {@code (src LONG, dst LONG[, w DOUBLE])} by vertex index, routed into chunks and shuffled to their
   * block (partition = block); edges with a null or unknown endpoint dropped.
   */
  JavaPairRDD<Integer, Csr.Edges> scatter(Dataset<Row> edges, boolean weighted, Route route) {
    Broadcast<long[]> idsBc = ids;
    int blocks = b;
    return edges.queryExecution().toRdd().toJavaRDD().mapPartitionsToPair(it -> {
      long[] id = idsBc.value();
      Csr.Edges[] chunks = new Csr.Edges[blocks];
      for (int i = 0; i < blocks; i++) {
        chunks[i] = new Csr.Edges(0);
      }
      while (it.hasNext()) {
        InternalRow r = it.next();
        if (r.isNullAt(0) || r.isNullAt(1)) {
          continue;
        }
        int s = indexOf(id, r.getLong(0));
        int t = indexOf(id, r.getLong(1));
        if (s >= 0 && t >= 0) {
          route.add(chunks, s, t, weighted ? r.getDouble(2) : 0);
        }
      }
      return nonEmpty(chunks, weighted).iterator();
    }).partitionBy(byBlock());
  }

  /** The non-empty chunks, trimmed, keyed by their index. */
  static List<Tuple2<Integer, Csr.Edges>> nonEmpty(Csr.Edges[] chunks, boolean weighted) {
    List<Tuple2<Integer, Csr.Edges>> out = new ArrayList<>();
    for (int i = 0; i < chunks.length; i++) {
      if (chunks[i].size > 0) {
        out.add(new Tuple2<>(i, chunks[i].trim(weighted)));
      }
    }
    return out;
  }

  /** Integer keys 0..b-1 land in partition key. */
  HashPartitioner byBlock() {
    return new HashPartitioner(b);
  }

  /** The chunks a block received. */
  static List<Csr.Edges> chunks(Iterator<Tuple2<Integer, Csr.Edges>> it) {
    List<Csr.Edges> in = new ArrayList<>();
    while (it.hasNext()) {
      in.add(it.next()._2());
    }
    return in;
  }

  /**
   * The rule one iteration applies on top of the blocks' kernel, written once and run by {@link #iterate} either on
   * the driver or inside one task: the next vector from the current one and the kernel's output, and when to stop.
   * It may keep counters (iterations, residual), so it must be a fresh object per run.
   */
  interface Loop<V> extends Serializable {
    /** The next vector; {@code out} is the kernel's output for {@code x} (a new array the loop may reuse). */
    V next(V x, V out);

    boolean finished();
  }

  /**
   * The final vector and the loop that produced it (with its counters). A class, not a record: the jobs'
   * serializer (Kryo) cannot write records, and one task returns this.
   */
  static final class Outcome<V, L> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final V x;
    private final L loop;

    Outcome(V x, L loop) {
      this.x = x;
      this.loop = loop;
    }

    V x() {
      return x;
    }

    L loop() {
      return loop;
    }
  }

  /**
   * Runs {@code loop} from {@code x0} to its end over the cached blocks. {@code oneTask} false: each iteration is
   * one Spark job ({@link #step}). {@code oneTask} true (a graph small enough for one task, see {@link
   * Execution#inMemory}): the blocks are read by a single task that runs every iteration itself, in block order,
   * so a run is one job instead of one per iteration. The kernel, the loop and the order of every sum are the same
   * either way, so is the result, bit for bit.
   */
  <B, V, L extends Loop<V>> Outcome<V, L> iterate(JavaRDD<B> blocks, V x0, Function2<B, V, V> kernel, L loop,
      boolean oneTask) {
    if (!oneTask) {
      return loop(x0, loop, x -> step(blocks, x, kernel));
    }
    int size = n;
    // x0 and the loop travel in the closure: each task gets its own copy, so the driver's objects stay untouched
    return blocks.mapPartitionsWithIndex((p, it) -> {
      List<Tuple2<Integer, B>> tagged = new ArrayList<>();
      it.forEachRemaining(block -> tagged.add(new Tuple2<>(p, block)));
      return tagged.iterator();
    }, true).coalesce(1, false).mapPartitions(it -> {
      List<Tuple2<Integer, B>> tagged = new ArrayList<>();
      it.forEachRemaining(tagged::add);
      tagged.sort((a, c) -> Integer.compare(a._1(), c._1()));
      return List.of(loop(x0, loop, x -> {
        List<V> slices = new ArrayList<>(tagged.size());
        for (Tuple2<Integer, B> block : tagged) {
          slices.add(kernel.call(block._2(), x));
        }
        return concat(slices, x, size);
      })).iterator();
    }).collect().get(0);
  }

  /**
   * What one iteration's blocks give for the vector x: the kernel's output, concatenated in block order. E: what the
   * kernel may throw (nothing checked on the driver, where {@link #step} runs it).
   */
  private interface Sweep<V, E extends Exception> {
    V of(V x) throws E;
  }

  /** The iteration loop itself, the same on the driver and in a task. */
  private static <V, L extends Loop<V>, E extends Exception> Outcome<V, L> loop(V x0, L loop, Sweep<V, E> sweep)
      throws E {
    V x = x0;
    while (!loop.finished()) {
      x = loop.next(x, sweep.of(x));
    }
    return new Outcome<>(x, loop);
  }

  /**
   * One iteration: broadcasts {@code x}, runs {@code kernel} on every block and returns the slices concatenated in
   * block order (a new array of n values).
   */
  <B, V> V step(JavaRDD<B> blocks, V x, Function2<B, V, V> kernel) {
    Broadcast<V> xBc = jsc.broadcast(x);
    List<V> slices = blocks.map(block -> kernel.call(block, xBc.value())).collect();
    xBc.destroy(false);
    return concat(slices, x, n);
  }

  /** The blocks' slices, in block order, as one new array of n values like {@code like}. */
  private static <V> V concat(List<V> slices, V like, int n) {
    @SuppressWarnings("unchecked")
    V next = (V) Array.newInstance(like.getClass().getComponentType(), n);
    int at = 0;
    for (V s : slices) {
      int len = Array.getLength(s);
      if (at + len > n) {
        at += len;
        break;
      }
      System.arraycopy(s, 0, next, at, len);
      at += len;
    }
    if (at != n) {
      throw new IllegalStateException("the blocks returned " + at + " values for " + n + " vertices");
    }
    return next;
  }

  /** The result table, one row per vertex in {@link #b} partitions (persisted and counted). */
  <V> Dataset<Row> rows(V x, StructType schema, Cell<V> cell) {
    Broadcast<long[]> idsBc = ids;
    Broadcast<V> finalBc = jsc.broadcast(x);
    int parts = b;
    List<Integer> range = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      range.add(i);
    }
    JavaRDD<Row> rows = jsc.parallelize(range, parts).flatMap(p -> {
      long[] id = idsBc.value();
      V value = finalBc.value();
      int lo = bound(p, id.length, parts);
      int hi = bound(p + 1, id.length, parts);
      List<Row> out = new ArrayList<>(hi - lo);
      for (int i = lo; i < hi; i++) {
        out.add(cell.row(id, value, i));
      }
      return out.iterator();
    });
    Dataset<Row> table = Lineage.persist(spark.createDataFrame(rows, schema));
    table.count();
    return table;
  }

  /** Blocks persisted in memory and on disk. */
  static <B> JavaRDD<B> cache(JavaRDD<B> blocks) {
    return blocks.persist(StorageLevel.MEMORY_AND_DISK());
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

  /** The collected vertex ids: all of them sorted ascending, and those flagged (any order). */
  record Ids(long[] sorted, long[] flagged) {}

  /**
   * Collects the vertex ids of {@code (id LONG[, flag BOOLEAN])} to the driver and checks them as
   * {@link GraphInput#countVertices} does (no null, no duplicate).
   *
   * @param rows    the rows counted before
   * @param flagged also collect the ids whose flag is true
   * @param who     the algorithm, for the message when the vertices change while they are read
   */
  static Ids collect(Dataset<Row> v, int rows, boolean flagged, String who) {
    List<long[][]> parts = v.queryExecution().toRdd().toJavaRDD().mapPartitions((Iterator<InternalRow> it) -> {
      long[] all = new long[64];
      long[] marked = new long[flagged ? 64 : 0];
      int a = 0;
      int f = 0;
      long nulls = 0;
      while (it.hasNext()) {
        InternalRow r = it.next();
        if (r.isNullAt(0)) {
          nulls++;
          continue;
        }
        long id = r.getLong(0);
        if (a == all.length) {
          all = Arrays.copyOf(all, a * 2);
        }
        all[a++] = id;
        if (flagged && r.getBoolean(1)) {
          if (f == marked.length) {
            marked = Arrays.copyOf(marked, f * 2);
          }
          marked[f++] = id;
        }
      }
      return Collections.singletonList(new long[][] {Arrays.copyOf(all, a), Arrays.copyOf(marked, f),
          {nulls}}).iterator();
    }).collect();
    long read = 0;
    long nulls = 0;
    int f = 0;
    for (long[][] p : parts) {
      read += p[0].length;
      nulls += p[2][0];
      f += p[1].length;
    }
    if (read + nulls != rows) {
      throw new IllegalStateException("the vertices changed while " + who + " read them (" + rows
          + " rows counted, " + (read + nulls) + " read)");
    }
    if (nulls > 0) {
      throw new IllegalArgumentException("vertices column 'id' has " + nulls + " null value(s)");
    }
    long[] ids = new long[rows];
    long[] marked = new long[f];
    int a = 0;
    int m = 0;
    for (long[][] p : parts) {
      System.arraycopy(p[0], 0, ids, a, p[0].length);
      a += p[0].length;
      System.arraycopy(p[1], 0, marked, m, p[1].length);
      m += p[1].length;
    }
    Arrays.sort(ids);
    int distinct = rows == 0 ? 0 : 1;
    for (int i = 1; i < rows; i++) {
      if (ids[i] != ids[i - 1]) {
        distinct++;
      }
    }
    if (distinct != rows) {
      throw new IllegalArgumentException("vertices column 'id' has duplicates: " + rows + " rows but " + distinct
          + " distinct ids");
    }
    return new Ids(ids, marked);
  }
}
