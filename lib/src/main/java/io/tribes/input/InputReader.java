package io.tribes.input;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.convert_timezone;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tribes.RetryableException;
import io.tribes.TribesException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the interactions and members Parquet tables from any Hadoop path and checks them against the
 * input contract (README, "Input contract"). Every violation is a {@link TribesException} naming the
 * table, path and column and what was expected.
 */
public final class InputReader {
  private static final Set<DataType> ID_TYPES = Set.of(DataTypes.StringType, DataTypes.LongType, DataTypes.IntegerType);
  private static final Set<DataType> TS_TYPES = Set.of(DataTypes.TimestampType, DataTypes.TimestampNTZType);
  private static final Set<DataType> WEIGHT_TYPES = Set.of(DataTypes.DoubleType, DataTypes.FloatType);

  private final SparkSession spark;

  public InputReader(SparkSession spark) {
    this.spark = spark;
  }

  public Inputs read(String interactionsPath, String membersPath) {
    return read(interactionsPath, membersPath, null);
  }

  /**
   * @param forgetPath member ids to forget (column member_id), or null: each is treated as opted out
   *     (added to the members table as an opted-out row; a member may also have its own row)
   */
  public Inputs read(String interactionsPath, String membersPath, String forgetPath) {
    Dataset<Row> rawInteractions = readParquet("interactions", interactionsPath);
    Dataset<Row> rawMembers = membersPath == null ? null : readParquet("members", membersPath);
    Dataset<Row> forget = forgetPath == null ? null : readParquet("forget", forgetPath);
    // BIGINT ids in one table and STRING ids in another: digit strings are compared without leading
    // zeros ("007" is member 7), so the tables still match
    canonicalDigits = integral(rawInteractions, "src") || integral(rawInteractions, "dst")
        || integral(rawMembers, "member_id") || integral(forget, "member_id");
    Inputs in = readInputs(rawInteractions, interactionsPath, rawMembers, membersPath);
    if (forgetPath == null) return in;
    String fwhere = "forget (" + forgetPath + ")";
    require(forget.schema(), fwhere, "member_id", ID_TYPES, "STRING or BIGINT");
    Dataset<Row> asOptedOut = forget.select(id("member_id")).filter(col("member_id").isNotNull())
        .select(col("member_id"), lit(true).as("opted_out"), lit(false).as("is_brand"), lit(false).as("is_bot"));
    Dataset<Row> members = in.hasMembers() ? in.members().unionByName(asOptedOut) : asOptedOut;
    return new Inputs(in.interactions(), in.interactionsPath(), members,
        in.membersPath(), in.memberRows(), in.memberNulls());
  }

  private static boolean integral(Dataset<Row> table, String column) {
    if (table == null) return false;
    for (StructField f : table.schema().fields()) {
      if (f.name().equals(column)) return f.dataType().equals(DataTypes.LongType) || f.dataType().equals(DataTypes.IntegerType);
    }
    return false;
  }

  private Inputs readInputs(Dataset<Row> rawInteractions, String interactionsPath, Dataset<Row> rawMembers,
      String membersPath) {
    StructType schema = rawInteractions.schema();
    String where = "interactions (" + interactionsPath + ")";
    require(schema, where, "src", ID_TYPES, "STRING or BIGINT");
    require(schema, where, "dst", ID_TYPES, "STRING or BIGINT");
    require(schema, where, "type", Set.of(DataTypes.StringType), "STRING");
    require(schema, where, "ts", TS_TYPES, "TIMESTAMP");
    boolean hasWeight = optional(schema, where, "weight", WEIGHT_TYPES, "DOUBLE");
    boolean hasTopic = optional(schema, where, "topic", Set.of(DataTypes.StringType), "STRING");
    Dataset<Row> interactions = rawInteractions.select(
        id("src"), id("dst"),
        col("type"),
        timestamp(schema).as("ts"),
        (hasWeight ? col("weight").cast(DataTypes.DoubleType) : lit(null).cast(DataTypes.DoubleType)).as("weight"),
        (hasTopic ? col("topic") : lit(null).cast(DataTypes.StringType)).as("topic"));

    Dataset<Row> members = null;
    long memberRows = 0;
    Map<String, Long> memberNulls = Map.of();
    if (membersPath != null) {
      StructType ms = rawMembers.schema();
      String mwhere = "members (" + membersPath + ")";
      require(ms, mwhere, "member_id", ID_TYPES, "STRING or BIGINT");
      require(ms, mwhere, "opted_out", Set.of(DataTypes.BooleanType), "BOOLEAN");
      boolean hasBrand = optional(ms, mwhere, "is_brand", Set.of(DataTypes.BooleanType), "BOOLEAN");
      boolean hasBot = optional(ms, mwhere, "is_bot", Set.of(DataTypes.BooleanType), "BOOLEAN");
      // A missing value of a privacy or exclusion flag must not put a member in front of marketers: a
      // null opted_out counts as opted out, a null is_brand/is_bot as flagged (a column the table does
      // not have means no member is flagged). The nulls are counted for the manifest.
      members = rawMembers.select(
          id("member_id"),
          coalesce(col("opted_out"), lit(true)).as("opted_out"),
          (hasBrand ? coalesce(col("is_brand"), lit(true)) : lit(false)).as("is_brand"),
          (hasBot ? coalesce(col("is_bot"), lit(true)) : lit(false)).as("is_bot"));
      // One job for the uniqueness check and the manifest's figures: rows per id (they sum to the table's
      // rows, null ids included) and nulls per flag, both counted on the rows of each id.
      Row n = rawMembers.select(id("member_id"), isNull("opted_out", true), isNull("is_brand", hasBrand),
              isNull("is_bot", hasBot))
          .groupBy("member_id").agg(count(lit(1)).as("count"), sum("opted_out").as("opted_out"),
              sum("is_brand").as("is_brand"), sum("is_bot").as("is_bot"))
          .agg(sum("count"), max(when(col("member_id").isNotNull(), col("count"))), sum("opted_out"), sum("is_brand"),
              sum("is_bot"))
          .first();
      requireUniqueIds(members, mwhere, n.isNullAt(1) ? 0 : n.getLong(1));
      memberRows = longOrZero(n, 0);
      memberNulls = new LinkedHashMap<>();
      memberNulls.put("opted_out", longOrZero(n, 2));
      memberNulls.put("is_brand", longOrZero(n, 3));
      memberNulls.put("is_bot", longOrZero(n, 4));
    }
    return new Inputs(interactions, interactionsPath, members, membersPath, memberRows, memberNulls);
  }

  /** 1 where the column is null, else 0; 0 for a column the table does not have. */
  private static Column isNull(String column, boolean present) {
    return (present ? when(col(column).isNull(), 1L).otherwise(0L) : lit(0L)).as(column);
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }

  /**
   * One row per member: a duplicated id would make opt-outs and flags ambiguous.
   *
   * @param maxRows the most rows of one non-null id
   */
  private static void requireUniqueIds(Dataset<Row> members, String where, long maxRows) {
    if (maxRows <= 1) return;
    List<Row> dups = members.filter(col("member_id").isNotNull()).groupBy("member_id").count()
        .filter(col("count").gt(1)).orderBy("member_id").limit(3).collectAsList();
    if (!dups.isEmpty()) {
      throw new TribesException(where + ": column 'member_id' has duplicate values, e.g. "
          + dups.stream().map(r -> "'" + r.getString(0) + "' (" + r.getLong(1) + " rows)").toList()
          + " (expected one row per member)");
    }
  }

  private boolean canonicalDigits;

  /**
   * Ids are compared as trimmed strings whatever their stored type (BIGINT ids are accepted); when
   * some id column is BIGINT, digit strings lose their leading zeros, as the number's string has none.
   */
  private Column id(String name) {
    Column s = trim(col(name).cast(DataTypes.StringType));
    if (canonicalDigits) {
      s = when(s.rlike("^[0-9]+$"), regexp_replace(s, "^0+(?=[0-9])", "")).otherwise(s);
    }
    return s.as(name);
  }

  /**
   * {@code ts} as TIMESTAMP: a TIMESTAMP_NTZ value is a UTC wall-clock time (as the run date and the
   * window are UTC), whatever {@code spark.sql.session.timeZone} is; a TIMESTAMP (INT96 or INT64) is an
   * instant already.
   */
  private Column timestamp(StructType schema) {
    if (!schema.apply("ts").dataType().equals(DataTypes.TimestampNTZType)) {
      return col("ts").cast(DataTypes.TimestampType);
    }
    String sessionZone = spark.conf().get("spark.sql.session.timeZone");
    return convert_timezone(lit("UTC"), lit(sessionZone), col("ts")).cast(DataTypes.TimestampType);
  }

  private Dataset<Row> readParquet(String table, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new TribesException(table + " input " + path + ": path not found (expected a Parquet directory or file)");
      }
      FileStatus status = fs.getFileStatus(p);
      if (status.isDirectory() && !hasDataFiles(fs, p)) {
        throw new TribesException(table + " input " + path + ": empty (no Parquet data files in the directory)");
      }
    } catch (IOException e) {
      // not the data's fault (a timeout, a refused or throttled request, an access error): exit 1
      throw new RetryableException(table + " input " + path + ": cannot be accessed (" + TribesException.rootMessage(e)
          + "); not a data error", e);
    }
    try {
      Dataset<Row> df = spark.read().parquet(path);
      df.schema(); // forces footer reads: a corrupt file fails here, inside this try
      return df;
    } catch (TribesException e) {
      throw e;
    } catch (Exception e) {
      if (ReadFailures.isBadData(e)) {
        throw new TribesException(table + " input " + path + ": not readable as Parquet (" + TribesException.rootMessage(e) + ")", e);
      }
      throw new RetryableException(table + " input " + path + ": read failed (" + TribesException.rootMessage(e)
          + "); not a data error", e);
    }
  }

  private static boolean hasDataFiles(FileSystem fs, Path dir) throws IOException {
    for (FileStatus child : fs.listStatus(dir)) {
      String name = child.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) continue;
      if (child.isFile() && child.getLen() > 0) return true;
      if (child.isDirectory() && hasDataFiles(fs, child.getPath())) return true;
    }
    return false;
  }

  private static void require(StructType schema, String where, String column, Set<DataType> types, String expected) {
    if (!optional(schema, where, column, types, expected)) {
      throw new TribesException(where + ": missing column '" + column + "' (expected " + expected + "; found columns "
          + List.of(schema.fieldNames()) + ")");
    }
  }

  private static boolean optional(StructType schema, String where, String column, Set<DataType> types, String expected) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        if (!types.contains(f.dataType())) {
          throw new TribesException(where + ": column '" + column + "' has type " + f.dataType().sql()
              + ", expected " + expected);
        }
        return true;
      }
    }
    return false;
  }
}
