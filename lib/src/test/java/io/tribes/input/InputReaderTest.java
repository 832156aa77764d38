package io.tribes.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.graph.GraphBuilder;
import io.tribes.graph.InteractionGraph;
import io.tribes.testing.Interactions;
import io.tribes.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs the contract accepts in more than one shape: id types, timestamp types, extra columns. */
class InputReaderTest {
  static final LocalDate RUN = Interactions.RUN_DATE;
  @TempDir Path dir;
  private final TribesConfig config = new ConfigLoader().defaults();

  private InteractionGraph graph(Inputs in) {
    return new GraphBuilder(config.window(), config.graph()).build(in, RUN);
  }

  /**
   * BIGINT src/dst and STRING member_id: "007" in the members table is member 7 of the interactions
   * (digit strings lose leading zeros when some id column is BIGINT), so its opt-out holds.
   */
  @Test
  void bigintAndStringIdsMatchDespiteLeadingZeros() {
    SparkSession spark = TestSpark.session();
    StructType numeric = new StructType().add("src", DataTypes.LongType).add("dst", DataTypes.LongType)
        .add("type", DataTypes.StringType).add("ts", DataTypes.TimestampType);
    List<Row> rows = new ArrayList<>();
    long[][] pairs = {{7, 8}, {8, 7}, {8, 9}, {9, 8}, {7, 9}, {9, 7}, {1, 2}, {2, 1}};
    for (long[] p : pairs) for (int i = 0; i < 2; i++) rows.add(RowFactory.create(p[0], p[1], "reply", Interactions.daysBefore(1)));
    String interactions = dir.resolve("interactions").toString();
    spark.createDataFrame(rows, numeric).write().parquet(interactions);
    String members = dir.resolve("members").toString();
    spark.createDataFrame(List.of(RowFactory.create("007", true, false, false), RowFactory.create(" 08 ", false, false, false)),
        Interactions.MEMBERS).write().parquet(members);

    Inputs in = new InputReader(spark).read(interactions, members);
    assertEquals(List.of("7", "8"), in.members().select("member_id").orderBy("member_id").as(Encoders.STRING()).collectAsList());
    InteractionGraph g = graph(in);
    List<String> ids = g.members().select("member_id").as(Encoders.STRING()).collectAsList();
    assertFalse(ids.contains("7"), "member 7 opted out as \"007\": " + ids);
    assertTrue(ids.contains("8") && ids.contains("9"), ids.toString());
    assertEquals(1, g.stats().excludedOptedOut(), g.stats().toString());
  }

  /**
   * TIMESTAMP_NTZ (a UTC wall-clock time), INT96 and INT64 TIMESTAMP all give the same look-back
   * window, [run date - lookback, run date) in UTC, under a non-UTC session time zone too.
   */
  @Test
  void timestampTypesGiveTheSameWindowInAnySessionTimeZone() {
    SparkSession spark = TestSpark.session();
    LocalDateTime[] wallClockUtc = {
        RUN.minusDays(1).atTime(LocalTime.of(23, 30)),                       // inside, last half hour
        RUN.atTime(LocalTime.of(0, 30)),                                      // outside: the run date itself
        RUN.minusDays(config.window().lookbackDays()).atTime(LocalTime.of(0, 30)), // inside, first day
        RUN.minusDays(config.window().lookbackDays() + 1).atTime(LocalTime.of(23, 0))}; // outside: before
    List<Row> ntz = new ArrayList<>();
    List<Row> instants = new ArrayList<>();
    for (LocalDateTime t : wallClockUtc) {
      for (String[] p : new String[][] {{"a", "b"}, {"b", "a"}}) {
        ntz.add(RowFactory.create(p[0], p[1], "reply", t));
        instants.add(RowFactory.create(p[0], p[1], "reply", Timestamp.from(t.toInstant(ZoneOffset.UTC))));
      }
    }
    StructType base = new StructType().add("src", DataTypes.StringType).add("dst", DataTypes.StringType)
        .add("type", DataTypes.StringType);
    String ntzPath = dir.resolve("ntz").toString();
    String int96Path = dir.resolve("int96").toString();
    String int64Path = dir.resolve("int64").toString();
    spark.createDataFrame(ntz, base.add("ts", DataTypes.TimestampNTZType)).write().parquet(ntzPath);
    String outputType = spark.conf().get("spark.sql.parquet.outputTimestampType");
    try {
      spark.conf().set("spark.sql.parquet.outputTimestampType", "INT96");
      spark.createDataFrame(instants, base.add("ts", DataTypes.TimestampType)).write().parquet(int96Path);
      spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
      spark.createDataFrame(instants, base.add("ts", DataTypes.TimestampType)).write().parquet(int64Path);
    } finally {
      spark.conf().set("spark.sql.parquet.outputTimestampType", outputType);
    }
    List<java.time.Instant> expected = new ArrayList<>();
    for (LocalDateTime t : wallClockUtc) for (int i = 0; i < 2; i++) expected.add(t.toInstant(ZoneOffset.UTC));
    expected.sort(null);
    String zone = spark.conf().get("spark.sql.session.timeZone");
    try {
      for (String tz : List.of("America/Los_Angeles", "Asia/Kolkata")) {
        spark.conf().set("spark.sql.session.timeZone", tz);
        for (String p : List.of(ntzPath, int96Path, int64Path)) {
          List<java.time.Instant> read = new InputReader(spark).read(p, null).interactions().select("ts").collectAsList()
              .stream().map(r -> r.getTimestamp(0).toInstant()).sorted().toList();
          assertEquals(expected, read, p + " read in session time zone " + tz);
        }
      }
      // and the window built on them (one graph: the window compares these instants with UTC bounds)
      spark.conf().set("spark.sql.session.timeZone", "America/Los_Angeles");
      InteractionGraph g = graph(new InputReader(spark).read(ntzPath, null));
      assertEquals(4, g.stats().interactionsInWindow(), g.stats().toString());
      assertEquals(4L, g.stats().rejected().get("outside_window"), g.stats().toString());
    } finally {
      spark.conf().set("spark.sql.session.timeZone", zone);
    }
  }

  /** An interactions table with a column the contract does not name is read (the column is ignored). */
  @Test
  void extraColumnIsAccepted() {
    SparkSession spark = TestSpark.session();
    String p = dir.resolve("extra").toString();
    new Interactions().clique(2, "a", "b", "c").table().withColumn("client", org.apache.spark.sql.functions.lit("ios"))
        .write().parquet(p);
    Inputs in = new InputReader(spark).read(p, null);
    assertEquals(List.of("src", "dst", "type", "ts", "weight", "topic"), List.of(in.interactions().schema().fieldNames()));
    assertEquals(12, in.interactions().count());
  }
}
