package io.tribes.algo;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Input checks and normalisation shared by the algorithms (package-private).
 *
 * <p>GraphFrames conventions: vertices have {@code id}, edges {@code src}, {@code dst} (integral, read as
 * LONG) and optionally a numeric weight column (read as DOUBLE).
 */
final class GraphInput {
  static final String ID = "id";
  static final String SRC = "src";
  static final String DST = "dst";
  static final String DEFAULT_WEIGHT = "weight";

  private GraphInput() {}

  static SparkSession session(Dataset<Row> vertices) {
    return vertices.sparkSession();
  }

  static int shufflePartitions(SparkSession spark) {
    return Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }

  static boolean hasColumn(Dataset<Row> df, String name) {
    return Arrays.asList(df.columns()).contains(name);
  }

  /** The field {@code name} of {@code df}, or an IllegalArgumentException naming the column and the frame. */
  static StructField field(Dataset<Row> df, String what, String name) {
    if (!hasColumn(df, name)) {
      throw new IllegalArgumentException(what + " has no column '" + name + "' (columns: "
          + String.join(", ", df.columns()) + ")");
    }
    return df.schema().apply(name);
  }

  /** Column {@code name} read as LONG; it must be an integral type. */
  static Column integral(Dataset<Row> df, String what, String name) {
    DataType t = field(df, what, name).dataType();
    if (!(t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType)
        || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType))) {
      throw new IllegalArgumentException(what + " column '" + name + "' must be LONG (or a narrower integer type), got "
          + t.simpleString());
    }
    return df.col(name).cast(DataTypes.LongType);
  }

  /** Column {@code name} read as DOUBLE; it must be numeric. */
  static Column numeric(Dataset<Row> df, String what, String name) {
    DataType t = field(df, what, name).dataType();
    if (!(t instanceof NumericType)) {
      throw new IllegalArgumentException(what + " column '" + name + "' must be numeric, got " + t.simpleString());
    }
    return df.col(name).cast(DataTypes.DoubleType);
  }

  /** Column {@code name} read as BOOLEAN; null reads as false. */
  static Column bool(Dataset<Row> df, String what, String name) {
    DataType t = field(df, what, name).dataType();
    if (!t.equals(DataTypes.BooleanType)) {
      throw new IllegalArgumentException(what + " column '" + name + "' must be BOOLEAN, got " + t.simpleString());
    }
    return org.apache.spark.sql.functions.coalesce(df.col(name), org.apache.spark.sql.functions.lit(false));
  }

  /**
   * The weight column to use: {@code requested} if non-null (it must exist), else {@link #DEFAULT_WEIGHT} when
   * {@code useDefault} and the edges have it, else null (every edge weighs 1.0).
   */
  static String resolveWeight(Dataset<Row> edges, String requested, boolean useDefault) {
    if (requested != null) {
      field(edges, "edges", requested);
      return requested;
    }
    return useDefault && hasColumn(edges, DEFAULT_WEIGHT) ? DEFAULT_WEIGHT : null;
  }

  /**
   * Counts the vertices and checks that ids are non-null and unique (one job over the vertex ids).
   *
   * @throws IllegalArgumentException on a null or duplicate id
   */
  static long countVertices(Dataset<Row> ids) {
    Row r = ids.agg(
        org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
        org.apache.spark.sql.functions.count(col(ID)),
        org.apache.spark.sql.functions.count_distinct(col(ID))).first();
    long rows = r.getLong(0);
    long nonNull = r.getLong(1);
    long distinct = r.getLong(2);
    if (nonNull != rows) {
      throw new IllegalArgumentException("vertices column 'id' has " + (rows - nonNull) + " null value(s)");
    }
    if (distinct != rows) {
      throw new IllegalArgumentException("vertices column 'id' has duplicates: " + rows + " rows but " + distinct
          + " distinct ids");
    }
    return rows;
  }

  /**
   * Fails when the weight column holds a null, NaN, infinite or negative value (one job over the edges).
   */
  static void checkWeights(Dataset<Row> edges, String weightColumn, Column w) {
    Column bad = w.isNull().or(org.apache.spark.sql.functions.isnan(w)).or(w.lt(0))
        .or(w.equalTo(Double.POSITIVE_INFINITY));
    long n = edges.filter(bad).limit(1).count();
    if (n > 0) {
      Row example = edges.filter(bad).select(col(SRC), col(DST), col(weightColumn)).first();
      throw new IllegalArgumentException("edges column '" + weightColumn
          + "' must hold finite values >= 0, found " + example.get(2) + " on edge " + example.get(0) + " -> "
          + example.get(1));
    }
  }

  /** Keeps the edges whose src and dst are both in {@code ids} (a one-column frame {@code id}). */
  static Dataset<Row> withinVertices(Dataset<Row> edges, Dataset<Row> ids, boolean broadcastIds) {
    Dataset<Row> v = broadcastIds ? broadcast(ids) : ids;
    Dataset<Row> e = edges.join(v, edges.col(SRC).equalTo(v.col(ID)), "left_semi");
    return e.join(v, e.col(DST).equalTo(v.col(ID)), "left_semi");
  }

  static <T> T requireNonNull(T value, String name) {
    return Objects.requireNonNull(value, name + " must not be null");
  }
}
