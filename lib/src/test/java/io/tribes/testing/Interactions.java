package io.tribes.testing;

import io.tribes.input.Inputs;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-made interaction tables in the contract shape, for stage tests. */
public final class Interactions {
  public static final StructType SCHEMA = new StructType()
      .add("src", DataTypes.StringType).add("dst", DataTypes.StringType)
      .add("type", DataTypes.StringType).add("ts", DataTypes.TimestampType)
      .add("weight", DataTypes.DoubleType).add("topic", DataTypes.StringType);
  public static final StructType MEMBERS = new StructType()
      .add("member_id", DataTypes.StringType).add("opted_out", DataTypes.BooleanType)
      .add("is_brand", DataTypes.BooleanType).add("is_bot", DataTypes.BooleanType);
  /** Run date of the hand-made tables: every row defaults to the day before. */
  public static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 1);

  private final List<Row> rows = new ArrayList<>();
  private final List<Row> members = new ArrayList<>();

  public static Timestamp daysBefore(int days) {
    return Timestamp.from(RUN_DATE.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600));
  }

  public Interactions add(String src, String dst, String type, int times) {
    for (int i = 0; i < times; i++) rows.add(RowFactory.create(src, dst, type, daysBefore(1), null, "topic-" + src.charAt(0)));
    return this;
  }

  public Interactions row(String src, String dst, String type, Timestamp ts, Double weight, String topic) {
    rows.add(RowFactory.create(src, dst, type, ts, weight, topic));
    return this;
  }

  /** Every pair of the given members talks both ways {@code times} times with replies. */
  public Interactions clique(int times, String... ids) {
    for (String a : ids) for (String b : ids) if (!a.equals(b)) add(a, b, "reply", times);
    return this;
  }

  public Interactions member(String id, boolean optedOut, boolean brand, boolean bot) {
    members.add(RowFactory.create(id, optedOut, brand, bot));
    return this;
  }

  /** The same rows, every timestamp moved {@code days} days later (for the next night's input). */
  public Interactions shiftedDays(int days) {
    Interactions out = new Interactions();
    for (Row r : rows) {
      Timestamp ts = new Timestamp(r.getTimestamp(3).getTime() + days * 86_400_000L);
      out.rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), ts, r.get(4), r.get(5)));
    }
    out.members.addAll(members);
    return out;
  }

  public Dataset<Row> table() {
    return TestSpark.session().createDataFrame(rows, SCHEMA);
  }

  public Inputs inputs() {
    Dataset<Row> m = members.isEmpty() ? null : TestSpark.session().createDataFrame(members, MEMBERS);
    return new Inputs(table(), "test-interactions", m, m == null ? null : "test-members");
  }
}
