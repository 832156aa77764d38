package io.tribes.graph;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tribes.TribesException;
import io.tribes.config.TribesConfig;
import io.tribes.input.Inputs;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.storage.StorageLevel;

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

  /** Member ids up to which the id table is broadcast to the interactions (about 10 MB). */
  private static final long BROADCAST_IDS = 200_000;

  private final TribesConfig.Window window;
  private final TribesConfig.Graph graph;

  public GraphBuilder(TribesConfig.Window window, TribesConfig.Graph graph) {
    this.window = window;
    this.graph = graph;
  }

  public InteractionGraph build(Inputs inputs, LocalDate runDate) {
    Dataset<Row> in = inputs.interactions();
    SparkSession spark = in.sparkSession();
    InteractionWeight rule = new InteractionWeight(runDate, window, graph.typeWeights());
    Timestamp windowEnd = rule.windowEnd();
    Timestamp windowStart = rule.windowStart();

    Column typeWeight = rule.typeWeight();
    Column reason = when(col("src").isNull().or(length(trim(col("src"))).equalTo(0))
            .or(col("dst").isNull()).or(length(trim(col("dst"))).equalTo(0)), lit("null_or_blank_id"))
        .when(col("ts").isNull(), lit("null_ts"))
        .when(col("weight").isNotNull().and(isnan(col("weight")).or(col("weight").lt(0))), lit("invalid_weight"))
        .when(col("weight").equalTo(Double.POSITIVE_INFINITY), lit("infinite_weight"))
        .when(col("src").equalTo(col("dst")), lit("self_loop"))
        .when(col("ts").lt(lit(windowStart)).or(col("ts").geq(lit(windowEnd))), lit("outside_window"))
        .when(col("type").isNull().or(typeWeight.isNull()), lit("unknown_type"));

    Dataset<Row> tagged = in.withColumn("reason", reason).withColumn("tw", typeWeight);
    // One pass over the rows gives both the rejection counts and the distinct member ids of the kept rows: a
    // kept row stands for its two ends (reason null), a rejected row for itself (member_id null). Cached: the
    // dense ids are numbered from it.
    Dataset<Row> census = tagged
        .select(col("reason"), explode(when(col("reason").isNull(), array(col("src"), col("dst")))
            .otherwise(array(lit(null).cast(DataTypes.StringType)))).as("member_id"))
        .groupBy("reason", "member_id").count()
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> rejected = new TreeMap<>();
    long rowsRead = 0;
    long distinctIds = 0;
    for (Row r : census.groupBy("reason").agg(sum("count"), count(col("member_id"))).collectAsList()) {
      if (r.isNullAt(0)) {
        rowsRead += r.getLong(1) / 2; // two ends per kept row
        distinctIds = r.getLong(2);
      } else {
        rowsRead += r.getLong(1);
        rejected.put(r.getString(0), r.getLong(1));
      }
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

    Column weight = rule.weight(col("tw"));
    Dataset<Row> clean = tagged.filter(col("reason").isNull())
        .select(col("src"), col("dst"), weight.as("w"), col("topic"));

    // Every member id seen in the window gets a provisional dense id (pid) in member_id order, once:
    // everything after this works on LONG keys. The graph's ids are the pids renumbered without the
    // removed members (excluded and hubs), which keeps them dense and in member_id order.
    DenseIds seen = denseIds(census.filter(col("reason").isNull()).select("member_id"), distinctIds, BROADCAST_IDS);
    // broadcast to the interactions when it is small (~50 bytes an id), whether or not AQE would see it
    Dataset<Row> pids = seen.count() <= BROADCAST_IDS ? broadcast(seen.ids()) : seen.ids();
    Dataset<Row> cleanIds = clean
        .join(pids.select(col("member_id").as("sm"), col("id").as("s")), col("src").equalTo(col("sm")))
        .join(pids.select(col("member_id").as("dm"), col("id").as("d")), col("dst").equalTo(col("dm")))
        .select("s", "d", "w", "topic")
        .persist(StorageLevel.MEMORY_AND_DISK());

    // Directed pairs over all interactions in the window, each summed once from the rows.
    Dataset<Row> pairs = cleanIds.groupBy("s", "d").agg(sum("w").as("weight"), count(lit(1)).as("interactions"))
        .persist(StorageLevel.MEMORY_AND_DISK());

    // Excluded members seen in the window: opted out (never in any output) and flagged accounts.
    long nOptedOut = 0;
    long nFlagged = 0;
    TreeSet<Long> excluded = new TreeSet<>();
    if (inputs.hasMembers()) {
      Dataset<Row> flags = inputs.members().filter(col("opted_out").or(col("is_brand")).or(col("is_bot")))
          .select(col("member_id"), col("opted_out"));
      for (Row r : pids.join(flags, "member_id").select("id", "opted_out").collectAsList()) {
        excluded.add(r.getLong(0));
        if (r.getBoolean(1)) nOptedOut++;
        else nFlagged++;
      }
    }
    Dataset<Row> pairsKept = withoutIds(pairs, excluded);

    // Ties: the undirected pairs, in one aggregation that gives the hub degrees, the strengths and each direction's
    // own figures. A strength sums at most two terms, the same double in either order; a direction's weight and
    // interactions are its single pair's (pairs are distinct by (s, d)), null when the direction is absent.
    Column forward = col("s").lt(col("d"));
    Dataset<Row> ties = pairsKept.groupBy(least(col("s"), col("d")).as("a"), greatest(col("s"), col("d")).as("b"))
        .agg(sum("weight").as("strength"), count(lit(1)).as("directions"),
            sum(when(forward, col("weight"))).as("w_ab"), sum(when(forward, col("interactions"))).as("n_ab"),
            sum(when(forward.unary_$bang(), col("weight"))).as("w_ba"),
            sum(when(forward.unary_$bang(), col("interactions"))).as("n_ba"))
        .persist(StorageLevel.MEMORY_AND_DISK());

    // Hubs: more distinct partners (either direction) than the cap, counted before weak ties go.
    TreeSet<Long> hubs = new TreeSet<>();
    for (Row r : ties.select(col("a").as("m")).union(ties.select(col("b").as("m")))
        .groupBy("m").count().filter(col("count").gt(graph.maxDegree())).select("m").collectAsList()) {
      hubs.add(r.getLong(0));
    }
    Dataset<Row> tiesKept = withoutIds(withoutIds(ties, "a", hubs), "b", hubs)
        .withColumn("strong", col("strength").geq(graph.minTieStrength()));
    Row tieCounts = tiesKept.agg(
        sum(when(col("strong"), col("directions")).otherwise(0L)),
        sum(when(col("strong").unary_$bang(), 1L).otherwise(0L))).first();
    long nEdges = tieCounts.isNullAt(0) ? 0 : tieCounts.getLong(0);
    long weakTies = tieCounts.isNullAt(1) ? 0 : tieCounts.getLong(1);

    TreeSet<Long> removedSet = new TreeSet<>(excluded);
    removedSet.addAll(hubs);
    long[] removed = removedSet.stream().mapToLong(Long::longValue).toArray();
    Broadcast<long[]> removedB = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(removed);
    UserDefinedFunction graphId = udf((UDF1<Long, Long>) pid -> {
      long[] r = removedB.value();
      int i = java.util.Arrays.binarySearch(r, pid);
      return pid - (i >= 0 ? i : -i - 1);
    }, DataTypes.LongType).asNonNullable();

    // Members: everyone active in the window who is not excluded, including members left without ties;
    // sent and received count all their interactions in the window (with any partner).
    Dataset<Row> activity = pairs.select(explode(array(
            struct(col("s").as("pid"), col("interactions").as("sent"), lit(0L).as("received")),
            struct(col("d").as("pid"), lit(0L).as("sent"), col("interactions").as("received")))).as("x"))
        .select("x.*")
        .groupBy("pid").agg(sum("sent").as("sent"), sum("received").as("received"));
    Dataset<Row> members = withoutIds(activity.join(pids.withColumnRenamed("id", "pid"), "pid"), "pid", removedSet)
        .select(graphId.apply(col("pid")).as("id"), col("member_id"), col("sent"), col("received"));

    // the strong ties' directed pairs, back from their tie's row (no join with the pairs)
    Dataset<Row> strong = tiesKept.filter(col("strong"))
        .select(explode(array(
            struct(col("a").as("s"), col("b").as("d"), col("w_ab").as("weight"), col("n_ab").as("interactions")),
            struct(col("b").as("s"), col("a").as("d"), col("w_ba").as("weight"), col("n_ba").as("interactions"))))
            .as("x"))
        .select("x.*")
        .filter(col("interactions").isNotNull());
    Dataset<Row> edges = strong.select(graphId.apply(col("s")).as("src"), graphId.apply(col("d")).as("dst"),
        col("weight"), col("interactions"));
    Dataset<Row> topics = cleanIds.filter(col("topic").isNotNull())
        .groupBy("s", "d", "topic").agg(count(lit(1)).as("interactions"))
        .join(strong.select("s", "d"), new String[] {"s", "d"}, "left_semi")
        .select(graphId.apply(col("s")).as("src"), graphId.apply(col("d")).as("dst"), col("topic"), col("interactions"));

    long nMembers = seen.count() - removed.length;
    GraphStats stats = new GraphStats(rowsRead, rejected, kept, nOptedOut, nFlagged, hubs.size(), weakTies, nMembers,
        nEdges);
    InteractionGraph graph = new InteractionGraph(truncate(members), truncate(edges), truncate(topics), stats);
    cleanIds.unpersist();
    pairs.unpersist();
    ties.unpersist();
    seen.ids().unpersist();
    census.unpersist();
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

  private static Dataset<Row> withoutIds(Dataset<Row> pairs, java.util.Set<Long> ids) {
    return withoutIds(withoutIds(pairs, "s", ids), "d", ids);
  }

  /** The rows whose {@code column} (a pid) is not in {@code ids}: a broadcast anti join, or nothing to do. */
  private static Dataset<Row> withoutIds(Dataset<Row> rows, String column, java.util.Set<Long> ids) {
    if (ids.isEmpty()) return rows;
    List<Row> list = ids.stream().map(i -> RowFactory.create(i)).toList();
    Dataset<Row> x = rows.sparkSession().createDataFrame(list, new StructType().add("x", DataTypes.LongType, false));
    return rows.join(broadcast(x), col(column).equalTo(col("x")), "left_anti");
  }

  /** member_id -> id, 0..n-1 in member_id order; and n. */
  record DenseIds(Dataset<Row> ids, long count) {}

  /**
   * member_id STRING, id LONG: 0..n-1 in member_id order (Spark's string order: by UTF-8 bytes), independent of
   * partitioning. Up to {@code driverLimit} ids (ids the interactions get broadcast anyway) are sorted on the
   * driver and handed back as a parallelized RDD, which saves the distributed sort's sampling job, its shuffle
   * and a cache. More
   * are sorted by Spark, then numbered from each partition's offset (what zipWithIndex does, keeping n).
   *
   * @param distinct the distinct member ids (cached by the caller: they are read twice)
   * @param n        their count
   */
  static DenseIds denseIds(Dataset<Row> distinct, long n, long driverLimit) {
    SparkSession spark = distinct.sparkSession();
    if (n <= driverLimit) {
      List<String> ids = distinct.as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      UTF8String[] sorted = ids.stream().map(UTF8String::fromString).sorted().toArray(UTF8String[]::new);
      List<Row> numbered = new ArrayList<>(sorted.length);
      for (int i = 0; i < sorted.length; i++) numbered.add(RowFactory.create(sorted[i].toString(), (long) i));
      // an RDD leaf, not a local table: a plan holding ~100k literal rows is slow to analyse and compare
      JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(numbered, Math.max(1, spark.sparkContext().defaultParallelism()));
      return new DenseIds(spark.createDataFrame(rows, ID_SCHEMA), n);
    }
    JavaRDD<Row> byId = distinct.orderBy("member_id").javaRDD();
    List<Long> sizes = byId.mapPartitions(it -> {
      long count = 0;
      for (; it.hasNext(); it.next()) count++;
      return List.of(count).iterator();
    }).collect();
    long[] offsets = new long[sizes.size()];
    long total = 0;
    for (int i = 0; i < sizes.size(); i++) {
      offsets[i] = total;
      total += sizes.get(i);
    }
    JavaRDD<Row> rows = byId.mapPartitionsWithIndex((index, it) -> {
      long next = offsets[index];
      List<Row> out = new ArrayList<>();
      while (it.hasNext()) out.add(RowFactory.create(it.next().getString(0), next++));
      return out.iterator();
    }, true);
    return new DenseIds(spark.createDataFrame(rows, ID_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK()), total);
  }
}
