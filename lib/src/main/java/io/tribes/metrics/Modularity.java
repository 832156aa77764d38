package io.tribes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Newman's weighted modularity of a partition, treating the graph as undirected (a pair's weight is
 * the sum of both directions): {@code Q = sum_c [ in_c / m - (tot_c / 2m)^2 ]}. Vertices with a null
 * community count as singletons.
 */
public final class Modularity {
  private Modularity() {}

  /**
   * @param edges src LONG, dst LONG, weight DOUBLE
   * @param partition id LONG, community LONG (nullable)
   */
  public static double of(Dataset<Row> edges, Dataset<Row> partition) {
    Dataset<Row> pairs = edges.groupBy(least(col("src"), col("dst")).as("a"), greatest(col("src"), col("dst")).as("b"))
        .agg(sum("weight").as("w"));
    // Singletons get a unique negative key so they never merge with a community.
    Dataset<Row> p = partition.select(col("id"),
        org.apache.spark.sql.functions.coalesce(col("community"), col("id").plus(1).multiply(-1)).as("c"));
    Dataset<Row> ends = pairs.join(p.withColumnRenamed("id", "a").withColumnRenamed("c", "ca"), "a")
        .join(p.withColumnRenamed("id", "b").withColumnRenamed("c", "cb"), "b")
        .persist();
    // One pass for both sums (each the same sum, in the same order, as a pass of its own).
    Row totals = ends.agg(sum("w"), sum(when(col("ca").equalTo(col("cb")), col("w")))).first();
    if (totals.isNullAt(0) || totals.getDouble(0) == 0) {
      ends.unpersist();
      return 0.0;
    }
    double m = totals.getDouble(0);
    double internal = totals.isNullAt(1) ? 0.0 : totals.getDouble(1);
    Dataset<Row> degreeByCommunity = ends.select(col("ca").as("c"), col("w"))
        .union(ends.select(col("cb").as("c"), col("w")))
        .groupBy("c").agg(sum("w").as("tot"));
    Row sq = degreeByCommunity.agg(sum(col("tot").multiply(col("tot")))).first();
    ends.unpersist();
    double sumTotSq = sq.getDouble(0);
    return internal / m - sumTotSq / (4 * m * m);
  }
}
