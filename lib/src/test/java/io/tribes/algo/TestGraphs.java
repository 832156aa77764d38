package io.tribes.algo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import io.tribes.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small hand-made graphs and result helpers for the algorithm tests. */
final class TestGraphs {
  private TestGraphs() {}

  static SparkSession spark() {
    return TestSpark.session();
  }

  static Dataset<Row> vertices(long... ids) {
    List<Row> rows = new ArrayList<>();
    for (long id : ids) {
      rows.add(RowFactory.create(id));
    }
    return spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType, false));
  }

  static Dataset<Row> range(long from, long toInclusive) {
    long[] ids = new long[(int) (toInclusive - from + 1)];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = from + i;
    }
    return vertices(ids);
  }

  /** Edges from {src, dst} pairs, no weight column. */
  static Dataset<Row> edges(long[]... pairs) {
    List<Row> rows = new ArrayList<>();
    for (long[] p : pairs) {
      rows.add(RowFactory.create(p[0], p[1]));
    }
    return spark().createDataFrame(rows, new StructType()
        .add("src", DataTypes.LongType, false).add("dst", DataTypes.LongType, false));
  }

  /** Edges from {src, dst, weight} triples. */
  static Dataset<Row> weightedEdges(double[]... triples) {
    List<Row> rows = new ArrayList<>();
    for (double[] t : triples) {
      rows.add(RowFactory.create((long) t[0], (long) t[1], t[2]));
    }
    return spark().createDataFrame(rows, new StructType()
        .add("src", DataTypes.LongType, false).add("dst", DataTypes.LongType, false)
        .add("weight", DataTypes.DoubleType, true));
  }

  /** All pairs {a, b}, a < b, of the given ids. */
  static List<long[]> clique(long... ids) {
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      for (int j = i + 1; j < ids.length; j++) {
        out.add(new long[] {ids[i], ids[j]});
      }
    }
    return out;
  }

  static Dataset<Row> edges(List<long[]> pairs) {
    return edges(pairs.toArray(new long[0][]));
  }

  /** Collects (id LONG, value) rows into a sorted map. */
  static <V> TreeMap<Long, V> toMap(Dataset<Row> df, String valueColumn) {
    TreeMap<Long, V> m = new TreeMap<>();
    for (Row r : df.select("id", valueColumn).collectAsList()) {
      @SuppressWarnings("unchecked")
      V v = (V) r.get(1);
      if (m.put(r.getLong(0), v) != null) {
        throw new AssertionError("duplicate id " + r.getLong(0));
      }
    }
    return m;
  }

  static Map<Long, Long> labels(LabelPropagation.Result r) {
    return toMap(r.labels(), "label");
  }

  /** Runs body with a SQL conf value set, restoring the previous value afterwards. */
  static <T> T withConf(String key, String value, Supplier<T> body) {
    String old = spark().conf().get(key);
    spark().conf().set(key, value);
    try {
      return body.get();
    } finally {
      spark().conf().set(key, old);
    }
  }
}
