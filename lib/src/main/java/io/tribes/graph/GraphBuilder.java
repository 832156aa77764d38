package io.tribes.graph;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tribes.TribesException;
import io.tribes.config.TribesConfig;
import io.tribes.io.Inputs;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Builds the weighted interaction graph of one run from validated inputs.
 *
 * <p>Rules, in order: rows with a null/blank id, null timestamp or invalid weight are dropped and
 * counted; self-loops dropped; rows outside the look-back window {@code [runDate - lookback,
 * runDate)} dropped; types without a configured weight ignored (counted) or rejected per config.
 * Each interaction weighs {@code typeWeight * rowWeight * 0.5^(age / halfLife)}; duplicates are summed
 * per directed pair. Opted-out members, brand/bot accounts and hubs (more distinct partners than
 * {@code max-degree}) are removed; ties whose two directions sum below {@code min-tie-strength} are
 * dropped. Member ids become dense longs in member_id order, so ids do not depend on partitioning.
 */
public final class GraphBuilder {
  private static final StructType ID_SCHEMA = new StructType()
      .add("member_id", DataTypes.StringType, false)
      .add("id", DataTypes.LongType, false);

  private final TribesConfig.Window window;
  private final TribesConfig.Graph graph;

  public GraphBuilder(TribesConfig.Window window, TribesConfig.Graph graph) {
    this.window = window;
    this.graph = graph;
  }

  public InteractionGraph build(Inputs inputs, LocalDate runDate) {
    Dataset<Row> in = inputs.interactions();
    SparkSession spark = in.sparkSession();
    Timestamp windowEnd = Timestamp.from(runDate.atStartOfDay(ZoneOffset.UTC).toInstant());
    Timestamp windowStart = Timestamp.from(runDate.minusDays(window.lookbackDays()).atStartOfDay(ZoneOffset.UTC).toInstant());

    List<Column> kv = new ArrayList<>();
    new TreeMap<>(graph.typeWeights()).forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    Column typeWeight = element_at(map(kv.toArray(new Column[0])), col("type"));
    Column reason = when(col("src").isNull().or(length(trim(col("src"))).equalTo(0))
            .or(col("dst").isNull()).or(length(trim(col("dst"))).equalTo(0)), lit("null_or_blank_id"))
        .when(col("ts").isNull(), lit("null_ts"))
        .when(col("weight").isNotNull().and(isnan(col("weight")).or(col("weight").lt(0))), lit("invalid_weight"))
        .when(col("weight").equalTo(Double.POSITIVE_INFINITY), lit("infinite_weight"))
        .when(col("src").equalTo(col("dst")), lit("self_loop"))
        .when(col("ts").lt(lit(windowStart)).or(col("ts").geq(lit(windowEnd))), lit("outside_window"))
        .when(col("type").isNull().or(typeWeight.isNull()), lit("unknown_type"));

    Dataset<Row> tagged = in.withColumn("reason", reason).withColumn("tw", typeWeight)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> rejected = new TreeMap<>();
    long rowsRead = 0;
    for (Row r : tagged.groupBy("reason").count().collectAsList()) {
      rowsRead += r.getLong(1);
      if (!r.isNullAt(0)) rejected.put(r.getString(0), r.getLong(1));
    }
    String where = "interactions (" + inputs.interactionsPath() + ")";
    if (rowsRead == 0) {
      throw new TribesException(where + ": no rows (expected interactions in the look-back window)");
    }
    if (rejected.getOrDefault("infinite_weight", 0L) > 0) {
      throw new TribesException(where + ": column 'weight' has " + rejected.get("infinite_weight")
          + " infinite values (expected a finite number >= 0, or null for 1)");
    }
    long invalidIds = rejected.getOrDefault("null_or_blank_id", 0L);
    if ((double) invalidIds / rowsRead > graph.maxInvalidIdShare()) {
      throw new TribesException(String.format("%s: %d of %d rows (%.1f%%) have a null or blank src/dst, above "
          + "graph.max-invalid-id-share %.1f%%", where, invalidIds, rowsRead, 100.0 * invalidIds / rowsRead,
          100.0 * graph.maxInvalidIdShare()));
    }
    if (rejected.getOrDefault("unknown_type", 0L) > 0 && graph.unknownTypes() == TribesConfig.UnknownTypes.ERROR) {
      List<String> types = tagged.filter(col("reason").equalTo("unknown_type")).select(coalesce(col("type"), lit("<null>")))
          .distinct().orderBy(col("type")).limit(5).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      throw new TribesException(where + ": column 'type' has values without a weight in graph.type-weights "
          + types + " (expected one of " + new TreeMap<>(graph.typeWeights()).keySet()
          + "; set graph.unknown-types: ignore to drop them)");
    }
    long kept = rowsRead - rejected.values().stream().mapToLong(Long::longValue).sum();
    if (kept == 0) {
      throw new TribesException(where + ": no usable interactions in the look-back window [" + runDate.minusDays(window.lookbackDays())
          + ", " + runDate + ") (rejected: " + rejected + ")");
    }

    Column weight = col("tw").multiply(coalesce(col("weight"), lit(1.0)));
    if (window.decayHalfLifeDays() > 0) {
      Column ageDays = lit(windowEnd.getTime() / 1000.0).minus(col("ts").cast(DataTypes.DoubleType)).divide(86400.0);
      weight = weight.multiply(pow(lit(0.5), ageDays.divide(window.decayHalfLifeDays())));
    }
    Dataset<Row> clean = tagged.filter(col("reason").isNull())
        .select(col("src"), col("dst"), weight.as("w"), col("topic"));

    // Excluded members: opted out (never in any output) and flagged accounts.
    Dataset<Row> optedOut = inputs.hasMembers()
        ? inputs.members().filter(col("opted_out")).select(col("member_id")).distinct() : emptyIds(spark);
    Dataset<Row> flagged = inputs.hasMembers()
        ? inputs.members().filter(col("is_brand").or(col("is_bot")).and(col("opted_out").unary_$bang()))
            .select(col("member_id")).distinct() : emptyIds(spark);
    Dataset<Row> excluded = optedOut.union(flagged).distinct().persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> pairs = clean.groupBy("src", "dst")
        .agg(sum("w").as("weight"), count(lit(1)).as("interactions"));
    pairs = withoutMembers(pairs, excluded).persist(StorageLevel.MEMORY_AND_DISK());

    // Hubs: more distinct partners (either direction) than the cap, counted before weak ties go.
    Dataset<Row> undirected = pairs.select(least(col("src"), col("dst")).as("a"), greatest(col("src"), col("dst")).as("b"))
        .distinct();
    Dataset<Row> hubs = undirected.select(col("a").as("member_id")).union(undirected.select(col("b").as("member_id")))
        .groupBy("member_id").count().filter(col("count").gt(graph.maxDegree())).select("member_id")
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> kept2 = withoutMembers(pairs, hubs);

    Dataset<Row> ties = kept2.groupBy(least(col("src"), col("dst")).as("a"), greatest(col("src"), col("dst")).as("b"))
        .agg(sum("weight").as("strength"))
        .withColumn("strong", col("strength").geq(graph.minTieStrength()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> strongTies = ties.filter(col("strong")).select("a", "b");
    Dataset<Row> strongEdges = kept2.join(strongTies,
            least(col("src"), col("dst")).equalTo(col("a")).and(greatest(col("src"), col("dst")).equalTo(col("b"))),
            "left_semi");

    // Members: everyone active in the window who is not excluded, including members left without ties.
    Dataset<Row> sent = clean.groupBy(col("src").as("member_id")).agg(count(lit(1)).as("sent"));
    Dataset<Row> received = clean.groupBy(col("dst").as("member_id")).agg(count(lit(1)).as("received"));
    Dataset<Row> everyone = sent.join(received, new String[] {"member_id"}, "full_outer")
        .select(col("member_id"), coalesce(col("sent"), lit(0L)).as("sent"), coalesce(col("received"), lit(0L)).as("received"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> activity = everyone.join(excluded.union(hubs), new String[] {"member_id"}, "left_anti");
    Dataset<Row> ids = denseIds(activity.select("member_id"));
    Dataset<Row> members = ids.join(activity, "member_id")
        .select("id", "member_id", "sent", "received")
        .persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> edges = toDense(strongEdges, ids).select("src", "dst", "weight", "interactions")
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> topicCounts = clean.filter(col("topic").isNotNull())
        .groupBy("src", "dst", "topic").agg(count(lit(1)).as("interactions"));
    Dataset<Row> topics = toDense(topicCounts, ids)
        .join(edges.select("src", "dst"), new String[] {"src", "dst"}, "left_semi")
        .select("src", "dst", "topic", "interactions");

    long nOptedOut = everyone.join(optedOut, new String[] {"member_id"}, "left_semi").count();
    long nFlagged = everyone.join(flagged, new String[] {"member_id"}, "left_semi").count();
    Row tieCounts = ties.agg(count(lit(1)), sum(when(col("strong"), 0L).otherwise(1L))).first();
    GraphStats stats = new GraphStats(rowsRead, rejected, kept, nOptedOut, nFlagged, hubs.count(),
        tieCounts.isNullAt(1) ? 0 : tieCounts.getLong(1), members.count(), edges.count());
    InteractionGraph graph = new InteractionGraph(truncate(members), truncate(edges), truncate(topics), stats);
    tagged.unpersist();
    pairs.unpersist();
    members.unpersist();
    edges.unpersist();
    excluded.unpersist();
    hubs.unpersist();
    ids.unpersist();
    ties.unpersist();
    everyone.unpersist();
    return graph;
  }

  /**
   * Materialises a graph table and cuts its lineage, so that the iterative stages downstream plan
   * against a small leaf instead of the whole build (whose plan would otherwise be re-analysed at
   * every iteration). Reliable when the SparkContext has a checkpoint directory, else local.
   */
  private static Dataset<Row> truncate(Dataset<Row> df) {
    boolean reliable = df.sparkSession().sparkContext().getCheckpointDir().isDefined();
    return reliable ? df.checkpoint(true) : df.localCheckpoint(true);
  }

  private static Dataset<Row> emptyIds(SparkSession spark) {
    return spark.createDataFrame(List.of(), new StructType().add("member_id", DataTypes.StringType));
  }

  private static Dataset<Row> withoutMembers(Dataset<Row> edges, Dataset<Row> memberIds) {
    Dataset<Row> ids = broadcast(memberIds.select(col("member_id").as("x")));
    return edges.join(ids, col("src").equalTo(col("x")), "left_anti")
        .join(ids, col("dst").equalTo(col("x")), "left_anti");
  }

  /** member_id STRING, id LONG: 0..n-1 in member_id order, independent of partitioning. */
  static Dataset<Row> denseIds(Dataset<Row> memberIds) {
    JavaRDD<Row> rows = memberIds.distinct().orderBy("member_id").javaRDD()
        .zipWithIndex()
        .map((Tuple2<Row, Long> t) -> RowFactory.create(t._1().getString(0), t._2()));
    return memberIds.sparkSession().createDataFrame(rows, ID_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK());
  }

  private static Dataset<Row> toDense(Dataset<Row> stringEdges, Dataset<Row> ids) {
    Dataset<Row> s = ids.select(col("member_id").as("s_member"), col("id").as("s_id"));
    Dataset<Row> d = ids.select(col("member_id").as("d_member"), col("id").as("d_id"));
    Dataset<Row> joined = stringEdges.join(s, col("src").equalTo(col("s_member")))
        .join(d, col("dst").equalTo(col("d_member")))
        .drop("src", "dst", "s_member", "d_member")
        .withColumnRenamed("s_id", "src").withColumnRenamed("d_id", "dst");
    return joined;
  }
}
