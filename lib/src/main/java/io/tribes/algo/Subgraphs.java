package io.tribes.algo;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs an in-memory computation on every group's {@link Subgraph}, all groups in one pass: one shuffle
 * by group, then each task walks its groups in sorted order and hands each one whole to the function.
 *
 * <p>The price is that a group must fit in one task's memory (a few bytes per member and 30 per edge:
 * a group of a million members with ten million edges needs about half a GiB). Groups are communities,
 * bounded by design; a giant one is skew that shows as one long task, not a failure.
 */
public final class Subgraphs {
  private Subgraphs() {}

  /** What to compute for one group: rows of the output schema. */
  @FunctionalInterface
  public interface GroupFunction extends Serializable {
    List<Row> apply(long group, Subgraph subgraph);
  }

  /**
   * @param vertices   (group LONG, id LONG, optionally seed LONG): every vertex of every group, once; a
   *                   seed (null = the vertex's id) becomes the vertex's {@link Subgraph#seeds()} entry
   * @param edges      (group LONG, src LONG, dst LONG, w DOUBLE): the edges inside each group
   * @param partitions number of tasks
   * @param schema     the function's output schema
   */
  public static Dataset<Row> map(Dataset<Row> vertices, Dataset<Row> edges, int partitions, StructType schema,
      GroupFunction function) {
    Column seed = GraphInput.hasColumn(vertices, "seed") ? col("seed").cast(DataTypes.LongType) : col("id");
    Dataset<Row> rows = vertices.select(col("group"), lit(0).as("kind"), col("id").as("a"),
            coalesce(seed, col("id")).as("b"), lit(0.0).as("w"))
        .union(edges.select(col("group"), lit(1).as("kind"), col("src").as("a"), col("dst").as("b"),
            col("w").cast(DataTypes.DoubleType).as("w")))
        .repartition(partitions, col("group"))
        .sortWithinPartitions("group", "kind", "a", "b", "w");
    return rows.mapPartitions(new PerGroup(function), Encoders.row(schema));
  }

  /**
   * {@link #map} over the whole graph as one group, in one task: for graphs that fit in one task's memory.
   *
   * @param vertices id LONG, optional seed LONG
   * @param edges    src LONG, dst LONG, weight (numeric)
   */
  public static Dataset<Row> whole(Dataset<Row> vertices, Dataset<Row> edges, StructType schema,
      GroupFunction function) {
    return map(vertices.withColumn("group", lit(0L)),
        edges.select(lit(0L).as("group"), col("src"), col("dst"), col("weight").as("w")), 1, schema, function);
  }

  private static final class PerGroup implements MapPartitionsFunction<Row, Row> {
    private final GroupFunction function;

    PerGroup(GroupFunction function) {
      this.function = function;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      return new Iterator<>() {
        private Row pending = input.hasNext() ? input.next() : null;
        private Iterator<Row> out = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!out.hasNext() && pending != null) {
            out = nextGroup().iterator();
          }
          return out.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new NoSuchElementException();
          return out.next();
        }

        private List<Row> nextGroup() {
          long group = pending.getLong(0);
          LongList vertices = new LongList();
          LongList seeds = new LongList();
          LongList src = new LongList();
          LongList dst = new LongList();
          LongList w = new LongList(); // weights as their bits: no boxing
          while (pending != null && pending.getLong(0) == group) {
            if (pending.getInt(1) == 0) {
              vertices.add(pending.getLong(2));
              seeds.add(pending.getLong(3));
            } else {
              src.add(pending.getLong(2));
              dst.add(pending.getLong(3));
              w.add(Double.doubleToRawLongBits(pending.getDouble(4)));
            }
            pending = input.hasNext() ? input.next() : null;
          }
          long[] bits = w.toArray();
          double[] weights = new double[bits.length];
          for (int i = 0; i < weights.length; i++) weights[i] = Double.longBitsToDouble(bits[i]);
          return function.apply(group,
              Subgraph.of(vertices.toArray(), seeds.toArray(), src.toArray(), dst.toArray(), weights));
        }
      };
    }
  }

  private static final class LongList {
    private long[] a = new long[16];
    private int n;

    void add(long x) {
      if (n == a.length) a = Arrays.copyOf(a, 2 * n);
      a[n++] = x;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
