package io.tribes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

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
    Dataset<Row> degreeByCommunity = ends.select(col("ca").as("c"), col("w"))
        .union(ends.select(col("cb").as("c"), col("w")))
        .groupBy("c").agg(sum("w").as("tot"));
    // One job for the three sums, as the rows of a union (each the same sum, in the same order, as a pass of
    // its own): 0, sum of w, sum of internal w; 1, sum of squared community degrees.
    List<Row> sums = ends.agg(sum("w").as("m"), sum(when(col("ca").equalTo(col("cb")), col("w"))).as("in"))
        .select(lit(0).as("row"), col("m"), col("in"))
        .union(degreeByCommunity.agg(sum(col("tot").multiply(col("tot"))).as("sq"))
            .select(lit(1).as("row"), col("sq"), lit(null).cast(DataTypes.DoubleType)))
        .collectAsList();
    ends.unpersist();
    Row totals = sums.get(0).getInt(0) == 0 ? sums.get(0) : sums.get(1);
    Row sq = sums.get(0).getInt(0) == 1 ? sums.get(0) : sums.get(1);
    if (totals.isNullAt(1) || totals.getDouble(1) == 0) return 0.0;
    double m = totals.getDouble(1);
    double internal = totals.isNullAt(2) ? 0.0 : totals.getDouble(2);
    double sumTotSq = sq.getDouble(1);
    return internal / m - sumTotSq / (4 * m * m);
  }
}
