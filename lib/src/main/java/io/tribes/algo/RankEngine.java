package io.tribes.algo;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataTypes;

/**
 * PageRank power iteration shared by {@link PageRank} and {@link CommunityPageRank} (package-private).
 *
 * <p>Input: vertices {@code (id, grp, p)} where {@code p} is the vertex's teleport probability (summing to 1
 * within each group) and edges {@code (src, dst, w)} with finite weights &gt;= 0, all endpoints being vertices of
 * the same group. Per group g with sink mass S<sub>g</sub> (the rank held by vertices without positive
 * out-weight): PR<sub>0</sub>(v) = p(v) and
 * PR<sub>i</sub>(v) = p(v) ((1 - d) + d S<sub>g</sub>) + d &Sigma;<sub>u&rarr;v</sub> PR<sub>i-1</sub>(u) w(u,v) / W(u).
 *
 * <p>The adjacency has one row per (dst, src) with the transition probability {@code wn} pre-computed, plus
 * one self row per vertex carrying {@code p(v)}, so one join with the ranks and one aggregation per receiver
 * give every vertex its new rank, old rank and sink flag. With one group the per-group factor
 * (1 - d) + d S is a literal computed on the driver; with many groups it travels with the ranks.
 */
final class RankEngine {
  private final double d;
  private final int maxIterations;
  private final double tolerance;
  private final Lineage lineage;
  private final long broadcastVertexLimit;
  private final boolean grouped;

  RankEngine(SparkSession spark, double d, int maxIterations, double tolerance, int checkpointInterval,
      boolean reliableCheckpoint, long broadcastVertexLimit, boolean grouped) {
    this.d = d;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.lineage = new Lineage(spark, checkpointInterval, reliableCheckpoint);
    this.broadcastVertexLimit = broadcastVertexLimit;
    this.grouped = grouped;
  }

  /** Ranks {@code (id, grp, rank)} (persisted), iterations run and the last residual. */
  record Ranks(Dataset<Row> ranks, int iterations, double residual) {}

  /**
   * @param vertices (id, grp, p); ids unique and non-null (checked by the caller), n rows
   * @param edges    (src, dst, w); endpoints not necessarily vertices
   */
  Ranks run(Dataset<Row> vertices, Dataset<Row> edges, long n) {
    SparkSession spark = vertices.sparkSession();
    int partitions = GraphInput.shufflePartitions(spark);
    boolean bc = n <= broadcastVertexLimit;
    Dataset<Row> v = bc ? broadcast(vertices) : vertices;

    // Edges within one group, parallel edges summed, weight-0 edges dropped.
    Dataset<Row> e = edges.join(v.select(col("id").as("src"), col("grp").as("sg")), "src")
        .join(v.select(col("id").as("dst"), col("grp").as("dg")), "dst")
        .filter(col("sg").equalTo(col("dg")))
        .repartition(partitions, col("src"))
        .groupBy("src", "dst").agg(sum("w").as("w"))
        .filter(col("w").gt(0.0));
    Dataset<Row> out = e.groupBy("src").agg(sum("w").as("ow"));
    Dataset<Row> transitions = e.join(out, "src")
        .select(col("dst"), col("src"), col("w").divide(col("ow")).as("wn"), lit(0.0).as("p"));
    Dataset<Row> self = vertices.select(col("id").as("dst"), col("id").as("src"), lit(0.0).as("wn"), col("p"));
    Dataset<Row> adj = Lineage.persist(transitions.union(self)
        .repartition(partitions, col(bc ? "dst" : "src"))
        .groupBy("dst", "src").agg(sum("wn").as("wn"), sum("p").as("p")));
    adj.count();

    Dataset<Row> state = vertices.join(out.select(col("src").as("id"), lit(false).as("sink")), "id", "left")
        .select(col("id"), col("grp"), col("p").as("rank"), col("sink").isNull().as("sink"));
    state = Lineage.persist(withFactor(state.repartition(partitions, col("id"))));
    double factor = singleFactor(state); // materialises the state; grouped runs use the per-group k instead

    int iteration = 0;
    double residual = Double.NaN;
    while (iteration < maxIterations) {
      iteration++;
      Dataset<Row> next = grouped ? Lineage.persist(step(adj, state, bc, factor))
          : lineage.hold(step(adj, state, bc, factor), iteration);
      Dataset<Row> withFactor = next;
      if (grouped) {
        withFactor = lineage.hold(withFactor(next), iteration);
        residual = withFactor.agg(max("l1")).first().getDouble(0);
        next.unpersist(false);
      } else {
        Row r = next.agg(sum(abs(col("rank").minus(col("old")))), sum(when(col("sink"), col("rank")))).first();
        residual = r.getDouble(0);
        factor = (1 - d) + d * (r.isNullAt(1) ? 0.0 : r.getDouble(1));
      }
      state = lineage.advance(state, withFactor, iteration);
      if (tolerance > 0 && residual < tolerance) {
        break;
      }
    }
    adj.unpersist(false);
    return new Ranks(state.select(col("id"), col("grp"), col("rank")), iteration, residual);
  }

  /** Grouped: adds per-group {@code k = (1 - d) + d S_g} and the group's L1 change {@code l1} to each vertex. */
  private Dataset<Row> withFactor(Dataset<Row> state) {
    if (!grouped) {
      return state;
    }
    Column change = hasOld(state) ? abs(col("rank").minus(col("old"))) : lit(0.0);
    Dataset<Row> perGroup = state.groupBy("grp").agg(
        lit(1 - d).plus(lit(d).multiply(sum(when(col("sink"), col("rank")).otherwise(0.0)))).as("k"),
        sum(change).as("l1"));
    return state.join(perGroup, "grp").select(col("id"), col("grp"), col("rank"), col("sink"), col("k"),
        col("l1"));
  }

  private static boolean hasOld(Dataset<Row> state) {
    return GraphInput.hasColumn(state, "old");
  }

  /** Ungrouped: (1 - d) + d S from the initial ranks (one job, which also materialises the state). */
  private double singleFactor(Dataset<Row> state) {
    Row r = state.agg(sum(when(col("sink"), col("rank"))), count(lit(1))).first();
    return (1 - d) + d * (r.isNullAt(0) ? 0.0 : r.getDouble(0));
  }

  /** One power iteration: columns id, grp, rank, old, sink. */
  private Dataset<Row> step(Dataset<Row> adj, Dataset<Row> state, boolean bc, double factor) {
    // Fresh names for the sender side: adjacency and state share lineage, so Dataset-bound columns would be
    // ambiguous after the join. The ungrouped factor changes every iteration: passed as a literal it would be
    // compiled into the generated code, and every iteration would pay for a new compilation.
    Dataset<Row> ranks = grouped
        ? state.select(col("id").as("s_id"), col("grp").as("s_grp"), col("rank").as("s_rank"),
            col("sink").as("s_sink"), col("k").as("s_k"))
        : state.select(col("id").as("s_id"), col("rank").as("s_rank"), col("sink").as("s_sink"),
            constant(factor).as("s_k"));
    Dataset<Row> sent = bc ? broadcast(ranks) : ranks;
    Column isSelf = col("src").equalTo(col("dst"));
    Column contribution = lit(d).multiply(col("s_rank")).multiply(col("wn")).plus(col("p").multiply(col("s_k")));
    return adj.join(sent, col("src").equalTo(col("s_id")))
        .groupBy(col("dst"))
        .agg(sum(contribution).as("rank"),
            max(when(isSelf, col("s_rank"))).as("old"),
            max(when(isSelf, col("s_sink"))).as("sink"),
            grouped ? max(when(isSelf, col("s_grp"))).as("grp") : lit(0L).as("grp"))
        .select(col("dst").as("id"), col("grp"), col("rank"), col("old"), col("sink"));
  }

  /** A DOUBLE constant that is not compiled into generated code (a UDF returning it). */
  private static Column constant(double value) {
    return udf((UDF0<Double>) () -> value, DataTypes.DoubleType).asNondeterministic().apply();
  }
}
