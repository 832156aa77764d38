package io.tribes.algo;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The DataFrame execution of {@link PageRank} (package-private), for graphs beyond what {@link RankVector} holds.
 *
 * <p>Input: vertices {@code (id, grp, p)} where {@code p} is the vertex's teleport probability (summing to 1
 * within each group) and edges {@code (src, dst, w)} with finite weights &gt;= 0; edges whose endpoints are not
 * vertices of one group are ignored. Per group g with sink mass S<sub>g</sub> (the rank held by vertices
 * without positive out-weight): PR<sub>0</sub>(v) = p(v) and
 * PR<sub>i</sub>(v) = p(v) K<sub>g,i-1</sub> + d &Sigma;<sub>u&rarr;v</sub> PR<sub>i-1</sub>(u) w(u,v) / W(u),
 * with K<sub>g,i-1</sub> = (1 - d) + d S<sub>g,i-1</sub>.
 *
 * <p>The per-group factor K is computed by the iteration itself: every group has a <em>virtual vertex</em>
 * (an id below the smallest real id) that receives a copy of every row into the group's sinks, so that its
 * sum is S<sub>g,i</sub> in the same iteration that computes the sinks' ranks; its rank is K = (1 - d) + d S,
 * which it sends to the group's teleport vertices in the next iteration. So the adjacency holds, per receiver
 * {@code dst}: its in-edges {@code (src, wn = w/W(src))}, a teleport row {@code (virtual, p/d)} and a self row
 * {@code (dst, 0)} that carries the old rank; each virtual vertex receives the rows into its group's sinks and a
 * self row. One iteration is then one join with the ranks (broadcast when small) and one sum per receiver, with
 * no global aggregate and no driver round trip: iterations that need no residual (tolerance 0) are chained into
 * one plan between checkpoints.
 */
final class RankEngine {
  private final double d;
  private final int maxIterations;
  private final double tolerance;
  private final Lineage lineage;
  private final long broadcastVertexLimit;

  RankEngine(SparkSession spark, double d, int maxIterations, double tolerance, int checkpointInterval,
      boolean reliableCheckpoint, long broadcastVertexLimit) {
    this.d = d;
    this.maxIterations = maxIterations;
    this.tolerance = tolerance;
    this.lineage = new Lineage(spark, checkpointInterval, reliableCheckpoint);
    this.broadcastVertexLimit = broadcastVertexLimit;
  }

  /** Ranks {@code (id, grp, rank)} (materialised), iterations run and the last residual. */
  record Ranks(Dataset<Row> ranks, int iterations, double residual) {}

  /**
   * @param vertices (id, grp, p); ids unique and non-null (checked by the caller), n &gt; 0 rows
   * @param edges    (src, dst, w); endpoints not necessarily vertices
   */
  Ranks run(Dataset<Row> vertices, Dataset<Row> edges, long n) {
    SparkSession spark = vertices.sparkSession();
    int partitions = GraphInput.shufflePartitions(spark);
    boolean bc = n <= broadcastVertexLimit;
    Dataset<Row> v = bc ? broadcast(vertices) : vertices;

    // Virtual vertex ids: lo .. lo + groups - 1, all below the smallest real id.
    Dataset<Row> groupIds = vertices.select(col("grp")).distinct();
    Row r = vertices.agg(min("id"), org.apache.spark.sql.functions.count_distinct(col("grp"))).first();
    long minId = r.getLong(0);
    long groups = r.getLong(1);
    if (minId < Long.MIN_VALUE + groups + 1) {
      throw new IllegalArgumentException("vertex ids must be > " + (Long.MIN_VALUE + groups) + " (PageRank "
          + "reserves the " + groups + " ids below the smallest one), got " + minId);
    }
    long lo = minId - groups;
    long hi = minId - 1;
    Dataset<Row> virtual = groupIds.select(col("grp"),
        lit(lo - 1).plus(row_number().over(Window.orderBy("grp"))).as("vid"));
    Dataset<Row> vg = vertices.join(broadcast(virtual), "grp").select(col("id"), col("grp"), col("p"), col("vid"));

    // Edges within one group, parallel edges summed, weight-0 edges dropped; transition probabilities.
    Dataset<Row> e = edges.join(v.select(col("id").as("src"), col("grp").as("sg")), "src")
        .join(v.select(col("id").as("dst"), col("grp").as("dg")), "dst")
        .filter(col("sg").equalTo(col("dg")))
        .repartition(partitions, col("src"))
        .groupBy("src", "dst").agg(sum("w").as("w"))
        .filter(col("w").gt(0.0));
    Dataset<Row> out = e.groupBy("src").agg(sum("w").as("ow"));
    Dataset<Row> transitions = e.join(bc ? broadcast(out) : out, "src")
        .select(col("dst"), col("src"), col("w").divide(col("ow")).as("wn"));
    Dataset<Row> sinks = vg.join(out, vg.col("id").equalTo(out.col("src")), "left_anti");
    Dataset<Row> in = transitions.union(vg.filter(col("p").gt(0.0))
        .select(col("id").as("dst"), col("vid").as("src"), col("p").divide(d).as("wn")));
    // The virtual vertex receives a copy of every row into a sink, so it sums the sinks' new ranks.
    Dataset<Row> intoSinks = in.join(broadcastIf(bc, sinks.select(col("id").as("dst"), col("vid"))), "dst")
        .groupBy("vid", "src").agg(sum("wn").as("wn"))
        .select(col("vid").as("dst"), col("src"), col("wn"));
    Dataset<Row> adj = Lineage.persist(in
        .union(vg.select(col("id").as("dst"), col("id").as("src"), lit(0.0).as("wn")))
        .union(intoSinks)
        .union(virtual.select(col("vid").as("dst"), col("vid").as("src"), lit(0.0).as("wn")))
        .repartition(partitions, col(bc ? "dst" : "src")));
    adj.count();

    // PR_0 = p; the virtual vertices start with K_0 = (1 - d) + d * (teleport mass on sinks).
    Dataset<Row> k0 = virtual.join(sinks.groupBy("vid").agg(sum("p").as("s")), "vid", "left")
        .select(col("vid").as("id"), lit(1 - d).plus(lit(d).multiply(coalesce(col("s"), lit(0.0)))).as("rank"));
    Dataset<Row> state = vg.select(col("id"), col("p").as("rank")).union(k0);
    if (!bc) {
      state = state.repartition(partitions, col("id"));
    }

    Column isVirtual = col("id").between(lo, hi);
    Dataset<Row> materialised = null;
    int iteration = 0;
    double residual = Double.NaN;
    while (iteration < maxIterations) {
      iteration++;
      if (tolerance == 0 && iteration < maxIterations && !lineage.checkpointAt(iteration)) {
        state = step(adj, state, bc, lo, hi, false); // no residual needed: chain lazily up to the next checkpoint
        continue;
      }
      Dataset<Row> stepped = step(adj, state, bc, lo, hi, true);
      Dataset<Row> next = lineage.hold(stepped, iteration);
      residual = residual(next.filter(not(isVirtual)));
      state = lineage.advance(materialised, next, iteration);
      materialised = state;
      if (tolerance > 0 && residual < tolerance) {
        break;
      }
    }
    adj.unpersist(false);
    Dataset<Row> real = state.filter(not(isVirtual));
    return new Ranks(real.select(col("id"), lit(0L).as("grp"), col("rank")), iteration, residual);
  }

  /** L1 change of the last iteration over all vertices (one job). */
  private static double residual(Dataset<Row> realState) {
    Row r = realState.agg(sum(abs(col("rank").minus(col("old"))))).first();
    return r.isNullAt(0) ? 0.0 : r.getDouble(0);
  }

  private static Dataset<Row> broadcastIf(boolean bc, Dataset<Row> df) {
    return bc ? broadcast(df) : df;
  }

  /**
   * One power iteration: columns id, rank and, when {@code withOld}, the previous rank old (virtual vertices
   * included; their rank is the next factor K).
   */
  private Dataset<Row> step(Dataset<Row> adj, Dataset<Row> state, boolean bc, long lo, long hi, boolean withOld) {
    // Fresh names for the sender side: adjacency and state share lineage, so Dataset-bound columns would be
    // ambiguous after the join.
    Dataset<Row> ranks = state.select(col("id").as("s_id"), col("rank").as("s_rank"));
    Dataset<Row> sent = bc ? broadcast(ranks) : ranks;
    Column sum = sum(lit(d).multiply(col("s_rank")).multiply(col("wn"))).as("sum");
    Column rank = when(col("dst").between(lo, hi), lit(1 - d).plus(lit(d).multiply(col("sum"))))
        .otherwise(col("sum")).as("rank");
    Dataset<Row> joined = adj.join(sent, col("src").equalTo(col("s_id")));
    if (!withOld) {
      return joined.groupBy(col("dst")).agg(sum).select(col("dst").as("id"), rank);
    }
    Column old = max(when(col("src").equalTo(col("dst")), col("s_rank"))).as("old");
    return joined.groupBy(col("dst")).agg(sum, old).select(col("dst").as("id"), rank, col("old"));
  }
}
