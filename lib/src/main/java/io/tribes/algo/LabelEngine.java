package io.tribes.algo;

import static org.apache.spark.sql.functions.bitwise_not;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The DataFrame execution of {@link LabelPropagation} (package-private): every mode, for graphs beyond what the
 * label vector holds (and WEIGHTED mode or seeds at any size); its contract is the facade's class comment.
 *
 * <p>The adjacency (one row per receiving vertex and neighbour, parallel edges pre-summed, plus one self row per
 * vertex that carries its current label into the vote) is built and cached once; each iteration is one join of
 * it with the labels (broadcast when small) and one aggregation per receiver.
 */
final class LabelEngine {
  private final Lineage lineage;
  private final boolean weighted;
  private final boolean directed;
  private final int maxIterations;
  private final double convergenceThreshold;
  private final long broadcastVertexLimit;
  private final long maxCommunitySize;
  private final double resolution;

  LabelEngine(Lineage lineage, LabelPropagation.Mode mode, boolean directed, int maxIterations,
      double convergenceThreshold, long broadcastVertexLimit, long maxCommunitySize, double resolution) {
    this.lineage = lineage;
    this.weighted = mode == LabelPropagation.Mode.WEIGHTED;
    this.directed = directed;
    this.maxIterations = maxIterations;
    this.convergenceThreshold = convergenceThreshold;
    this.broadcastVertexLimit = broadcastVertexLimit;
    this.maxCommunitySize = maxCommunitySize;
    this.resolution = resolution;
  }

  /**
   * @param e     (src, dst, w DOUBLE)
   * @param ids   (id), checked, n &gt; 0 rows
   * @param state (id, label): the initial labels
   */
  LabelPropagation.Result run(Dataset<Row> e, Dataset<Row> ids, Dataset<Row> state, long n, int partitions) {
    boolean capped = weighted && maxCommunitySize > 0;
    boolean resolved = weighted && resolution > 0;
    boolean bc = n <= broadcastVertexLimit;

    Dataset<Row> adj = Lineage.persist(adjacency(e, ids, bc, weighted, resolved, partitions, bc ? "dst" : "src"));
    adj.count();

    if (!bc) {
      state = state.repartition(partitions, col("id"));
    }
    Dataset<Row> materialised = null;
    int iteration = 0;
    boolean converged = false;
    long previousChanged = 0;
    while (iteration < maxIterations) {
      iteration++;
      Dataset<Row> stepped = step(adj, state, bc, capped, resolved, weighted, iteration);
      if (!weighted && iteration < maxIterations && !lineage.checkpointAt(iteration)) {
        // GRAPHALYTICS needs no per-iteration result: chain the iteration lazily up to the next checkpoint.
        state = stepped;
        continue;
      }
      Dataset<Row> next = lineage.hold(stepped, iteration);
      long changed = next.filter(col("changed")).count();
      state = lineage.advance(materialised, next, iteration);
      materialised = state;
      converged = weighted
          ? LabelPropagation.converged(resolved, changed, previousChanged, iteration, convergenceThreshold, n)
          : changed == 0;
      if (weighted && converged) {
        break;
      }
      previousChanged = changed;
    }
    adj.unpersist(false);
    return new LabelPropagation.Result(state.select(col("id"), col("label")), iteration, converged);
  }


  /**
   * One row per (receiver {@code dst}, neighbour {@code src}) with the summed LONG vote weight {@code w}, plus
   * one self row (dst = src = v) per vertex: weight 0 in GRAPHALYTICS mode (plus real self-loops), the weight
   * of v's strongest tie in WEIGHTED mode (0 with a resolution, where every row also carries the receiver's
   * penalty {@code p}); hash-partitioned by {@code key}.
   */
  private Dataset<Row> adjacency(Dataset<Row> e, Dataset<Row> ids, boolean bc, boolean weighted, boolean resolved,
      int partitions, String key) {
    Dataset<Row> within = GraphInput.withinVertices(e, ids, bc);
    Dataset<Row> forward = within.select(col("dst"), col("src"), col("w"));
    Dataset<Row> backward = within.select(col("src").as("dst"), col("dst").as("src"), col("w"));
    Dataset<Row> self = ids.select(col("id").as("dst"), col("id").as("src"), lit(0L).as("w"));
    if (!weighted) {
      if (!directed) {
        backward = backward.filter(col("dst").notEqual(col("src")));
      }
      Dataset<Row> votes = forward.union(backward).select(col("dst"), col("src"), lit(1L).as("w"));
      // partitioned first, so that summing parallel edges needs no second shuffle
      return votes.union(self).repartition(partitions, col(key)).groupBy("dst", "src").agg(sum("w").as("w"));
    }
    Dataset<Row> ties = ties(within);
    if (resolved) {
      Column p = floor(lit(resolution).multiply(col("strength").cast(DataTypes.DoubleType)
          .divide(col("degree").cast(DataTypes.DoubleType))));
      Dataset<Row> penalty = ties.groupBy("dst").agg(sum("w").as("strength"), count(lit(1)).as("degree"))
          .select(col("dst"), p.as("p"));
      Dataset<Row> receivers = self.join(penalty, new String[] {"dst"}, "left_outer")
          .select(col("dst"), col("src"), col("w"), coalesce(col("p"), lit(0L)).as("p"));
      Dataset<Row> tiesPenalised = ties.join(penalty, "dst").select("dst", "src", "w", "p");
      return tiesPenalised.union(receivers).repartition(partitions, col(key));
    }
    Dataset<Row> strongest = ties.groupBy("dst").agg(max("w").as("sw"));
    Dataset<Row> selfWeighted = self.join(strongest, "dst")
        .select(col("dst"), col("src"), col("sw").as("w"));
    Dataset<Row> isolated = self.join(strongest, self.col("dst").equalTo(strongest.col("dst")), "left_anti");
    return ties.union(selfWeighted).union(isolated).repartition(partitions, col(key));
  }

  /**
   * The WEIGHTED ties of edges (src, dst, w DOUBLE): one row per (receiver {@code dst}, neighbour {@code src})
   * for both directions, weights in fixed point per edge and summed as LONG {@code w}, self-loops and weights
   * of 0 dropped. Label propagation votes with them and {@link CommunityMerge} sums them between communities.
   */
  static Dataset<Row> ties(Dataset<Row> edges) {
    Column fixed = round(col("w").multiply(LabelPropagation.WEIGHT_SCALE)).cast(DataTypes.LongType);
    return edges.select(col("dst"), col("src"), col("w"))
        .union(edges.select(col("src").as("dst"), col("dst").as("src"), col("w")))
        .filter(col("dst").notEqual(col("src")))
        .select(col("dst"), col("src"), fixed.as("w"))
        .filter(col("w").gt(0))
        .groupBy("dst", "src").agg(sum("w").as("w"));
  }

  /**
   * One synchronous iteration: columns id, label, changed. Every vertex has a self row in the adjacency, so
   * every vertex gets exactly one row, and its current label is a candidate.
   */
  private Dataset<Row> step(Dataset<Row> adj, Dataset<Row> state, boolean bc, boolean capped, boolean resolved,
      boolean weighted, int iteration) {
    // Fresh names for the sender side: adjacency and labels share lineage, so Dataset-bound columns would be
    // ambiguous after the join.
    Dataset<Row> labels = state.select(col("id").as("s_id"), col("label").as("s_label"));
    if (capped || resolved) {
      Dataset<Row> sizes = labels.groupBy("s_label").agg(count(lit(1)).as("s_size"));
      labels = labels.join(sizes, "s_label").select(col("s_id"), col("s_label"), col("s_size"));
    }
    Dataset<Row> sent = bc ? broadcast(labels) : labels;
    Dataset<Row> votes = adj.join(sent, col("src").equalTo(col("s_id")))
        .groupBy(col("dst"), col("s_label").as("label"))
        .agg(sum(col("w")).as("score"),
            max(col("src").equalTo(col("dst"))).as("current"),
            capped || resolved ? max(col("s_size")).as("size") : lit(0L).as("size"),
            resolved ? max(col("p")).as("p") : lit(0L).as("p"));
    // Best candidate: highest score, ties to the smallest label (bitwise_not reverses LONG order without
    // overflow). With a size cap, labels at the cap are not eligible unless current.
    Column eligible = capped ? col("current").or(col("size").lt(maxCommunitySize)) : lit(true);
    Column score = col("score");
    if (resolved) { // exactly resolvedScore: ties - penalty x others, in doubles from exact LONGs
      Column others = col("size").minus(when(col("current"), lit(1L)).otherwise(lit(0L)));
      score = col("score").cast(DataTypes.DoubleType)
          .minus(col("p").cast(DataTypes.DoubleType).multiply(others.cast(DataTypes.DoubleType)));
    }
    Column rank = weighted ? struct(eligible.as("e"), score.as("s"), bitwise_not(col("label")).as("l"))
        : struct(score.as("s"), bitwise_not(col("label")).as("l"));
    Dataset<Row> best = votes.groupBy(col("dst"))
        .agg(max(rank).as("best"), max(when(col("current"), col("label"))).as("old"));
    Column label = bitwise_not(col("best.l"));
    if (resolved) { // semi-synchronous: the other half keeps its label (see updates)
      Column updates = xxhash64(col("dst"), lit(iteration)).bitwiseAND(lit(1L)).equalTo(lit(0L));
      label = when(updates, label).otherwise(col("old"));
    }
    return best.select(col("dst").as("id"), label.as("label"), label.notEqual(col("old")).as("changed"));
  }
}
