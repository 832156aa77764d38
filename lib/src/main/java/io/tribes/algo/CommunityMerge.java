package io.tribes.algo;

import static org.apache.spark.sql.functions.bitwise_not;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Merges whole communities whose ties to each other are dense enough, after label propagation: the step that
 * puts back together a group that propagation left in pieces (a planted community found as two halves, a
 * member stranded alone), which propagation cannot do because it moves one member at a time.
 *
 * <p>The objective is label propagation's own (the constant Potts model, see {@link LabelPropagation}
 * "Resolution") at the merge resolution {@code r}: merging communities c and d gains
 * {@code W(c,d) - r x (A(c) x n(d) + A(d) x n(c)) / 2}, where W is the fixed-point weight of the ties between
 * them, n a community's members and A the sum of its members' mean tie weights (each the LONG
 * {@code strength / degree}, rounded down), so the merge needs ties to more than a fraction r of the
 * member pairs, weighted relative to the members' own ties. Each round, every community picks the
 * neighbouring community of best positive gain whose union stays within {@code maxSize} (ties to the
 * smaller label), and only pairs that picked each other merge, into the smaller label: no community takes part
 * in two merges in a round, so nothing snowballs. At most {@code rounds} rounds; it stops at the first round
 * without a merge. Gains are doubles computed from exact LONGs in one fixed order, so the result does not
 * depend on partitioning, and it is the same as {@link Subgraph#mergeCommunities} in memory.
 */
public final class CommunityMerge {
  private CommunityMerge() {}

  /** A member's mean tie weight in the fixed-point unit, rounded down. */
  static long unit(long strength, long degree) {
    return Math.floorDiv(strength, degree);
  }

  /** The merge gain of communities c and d (see the class comment). */
  static double gain(long between, long nc, long ac, long nd, long ad, double resolution) {
    return (double) between - resolution * ((double) ac * (double) nd + (double) ad * (double) nc) / 2.0;
  }

  /**
   * @param labels id LONG, label LONG: every vertex once
   * @param edges  src LONG, dst LONG, weight DOUBLE (finite, &gt;= 0); edges to unknown vertices are ignored
   * @return id, label: the merged labels
   */
  public static Dataset<Row> run(Dataset<Row> labels, Dataset<Row> edges, double resolution, long maxSize,
      int rounds, int partitions) {
    Dataset<Row> ties = LabelEngine.ties(edges.select(col("src"), col("dst"), col("weight").as("w")))
        .select(col("dst").as("v"), col("src").as("u"), col("w"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> units = ties.groupBy("v").agg(sum("w").as("s"), count(lit(1)).as("d"))
        .select(col("v").as("id"), org.apache.spark.sql.functions.expr("s div d").as("unit")); // = floorDiv: s, d > 0
    Dataset<Row> state = labels.select("id", "label").join(units, new String[] {"id"}, "left_outer")
        .select(col("id"), col("label"), org.apache.spark.sql.functions.coalesce(col("unit"), lit(0L)).as("unit"))
        .repartition(partitions, col("id"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    state.count();
    for (int round = 0; round < rounds; round++) {
      Dataset<Row> sizes = state.groupBy("label").agg(count(lit(1)).as("n"), sum("unit").as("a"));
      Dataset<Row> vl = state.select(col("id").as("v"), col("label").as("c"));
      Dataset<Row> ul = state.select(col("id").as("u"), col("label").as("d"));
      Dataset<Row> between = ties.join(vl, "v").join(ul, "u").filter(col("c").notEqual(col("d")))
          .groupBy("c", "d").agg(sum("w").as("w"));
      Dataset<Row> sc = sizes.select(col("label").as("c"), col("n").as("nc"), col("a").as("ac"));
      Dataset<Row> sd = sizes.select(col("label").as("d"), col("n").as("nd"), col("a").as("ad"));
      Column gain = col("w").cast(DataTypes.DoubleType).minus(lit(resolution).multiply(
          col("ac").cast(DataTypes.DoubleType).multiply(col("nd").cast(DataTypes.DoubleType))
              .plus(col("ad").cast(DataTypes.DoubleType).multiply(col("nc").cast(DataTypes.DoubleType))))
          .divide(lit(2.0)));
      Dataset<Row> candidates = between.join(sc, "c").join(sd, "d")
          .filter(col("nc").plus(col("nd")).leq(maxSize))
          .select(col("c"), col("d"), gain.as("gain"))
          .filter(col("gain").gt(0));
      Dataset<Row> best = candidates.groupBy("c")
          .agg(max(struct(col("gain").as("g"), bitwise_not(col("d")).as("l"))).as("b"))
          .select(col("c"), bitwise_not(col("b.l")).as("d"));
      Dataset<Row> back = best.select(col("c").as("d2"), col("d").as("c2"));
      Dataset<Row> into = best.join(back, col("c").equalTo(col("c2")).and(col("d").equalTo(col("d2"))))
          .filter(col("d").lt(col("c")))
          .select(col("c").as("label"), col("d").as("into"))
          .persist(StorageLevel.MEMORY_AND_DISK());
      long merges = into.count();
      if (merges == 0) {
        into.unpersist();
        break;
      }
      Dataset<Row> next = state.join(org.apache.spark.sql.functions.broadcast(into), new String[] {"label"},
              "left_outer")
          .select(col("id"), when(col("into").isNotNull(), col("into")).otherwise(col("label")).as("label"),
              col("unit"))
          .localCheckpoint();
      state.unpersist();
      into.unpersist();
      state = next;
    }
    ties.unpersist();
    return state.select("id", "label");
  }
}
