package io.tribes.sample;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Tribes input contract as written by the generator. Columns are declared nullable because
 * that is how Spark reads Parquet back; {@code weight} (mostly) and {@code truth.community} (hubs)
 * actually contain nulls.
 */
public final class SampleSchemas {
  private SampleSchemas() {}

  public static final StructType INTERACTIONS = new StructType(new StructField[] {
      DataTypes.createStructField("src", DataTypes.StringType, true),
      DataTypes.createStructField("dst", DataTypes.StringType, true),
      DataTypes.createStructField("type", DataTypes.StringType, true),
      DataTypes.createStructField("ts", DataTypes.TimestampType, true),
      DataTypes.createStructField("weight", DataTypes.DoubleType, true),
      DataTypes.createStructField("topic", DataTypes.StringType, true)});

  public static final StructType MEMBERS = new StructType(new StructField[] {
      DataTypes.createStructField("member_id", DataTypes.StringType, true),
      DataTypes.createStructField("opted_out", DataTypes.BooleanType, true),
      DataTypes.createStructField("is_brand", DataTypes.BooleanType, true),
      DataTypes.createStructField("is_bot", DataTypes.BooleanType, true)});

  public static final StructType TRUTH = new StructType(new StructField[] {
      DataTypes.createStructField("member_id", DataTypes.StringType, true),
      DataTypes.createStructField("community", DataTypes.StringType, true),
      DataTypes.createStructField("is_ambassador", DataTypes.BooleanType, true)});

  /** Events of a multi-day sample (see {@link SampleGenerator#generateDays}). */
  public static final StructType EVENTS = new StructType(new StructField[] {
      DataTypes.createStructField("day", DataTypes.DateType, true),
      DataTypes.createStructField("event", DataTypes.StringType, true),
      DataTypes.createStructField("community", DataTypes.StringType, true),
      DataTypes.createStructField("other_community", DataTypes.StringType, true),
      DataTypes.createStructField("members", DataTypes.IntegerType, true)});

  /** Interactions as generated, before {@code ts_us} becomes the {@code ts} timestamp. */
  static final StructType RAW_INTERACTIONS = new StructType(new StructField[] {
      DataTypes.createStructField("src", DataTypes.StringType, false),
      DataTypes.createStructField("dst", DataTypes.StringType, false),
      DataTypes.createStructField("type", DataTypes.StringType, false),
      DataTypes.createStructField("ts_us", DataTypes.LongType, false),
      DataTypes.createStructField("weight", DataTypes.DoubleType, true),
      DataTypes.createStructField("topic", DataTypes.StringType, false)});

  static final StructType RAW_MEMBERS = new StructType(new StructField[] {
      DataTypes.createStructField("member_id", DataTypes.StringType, false),
      DataTypes.createStructField("opted_out", DataTypes.BooleanType, false),
      DataTypes.createStructField("is_brand", DataTypes.BooleanType, false),
      DataTypes.createStructField("is_bot", DataTypes.BooleanType, false)});

  static final StructType RAW_TRUTH = new StructType(new StructField[] {
      DataTypes.createStructField("member_id", DataTypes.StringType, false),
      DataTypes.createStructField("community", DataTypes.StringType, true),
      DataTypes.createStructField("is_ambassador", DataTypes.BooleanType, false)});
}
