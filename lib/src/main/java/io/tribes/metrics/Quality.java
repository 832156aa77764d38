package io.tribes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * How close a run's communities are to a known partition, over every member of the truth: a member the run
 * left unassigned (or dropped from the graph) counts as its own singleton, so leaving members out costs.
 *
 * @param members       members of the truth
 * @param nmi           normalized mutual information, arithmetic normalisation 2 I / (H(truth) + H(found))
 * @param homogeneity   1 - H(truth | found) / H(truth): is each community one true group?
 * @param completeness  1 - H(found | truth) / H(found): is each true group one community?
 * @param inBounds      share of the members in a community of min-size..max-size members
 * @param communities   communities found
 * @param largest       members of the largest community
 * @param oversized     densities of the communities flagged oversized, ascending
 */
public record Quality(long members, double nmi, double homogeneity, double completeness, double inBounds,
    long communities, long largest, List<Double> oversized) {

  /**
   * @param truth       member_id, community (any type; null = none)
   * @param segments    member_id, community_id (nullable)
   * @param communities community_id, size, density, oversized
   */
  public static Quality of(Dataset<Row> truth, Dataset<Row> segments, Dataset<Row> communities, int minSize,
      int maxSize) {
    Dataset<Row> sized = segments.select("member_id", "community_id")
        .join(communities.select("community_id", "size"), "community_id");
    Dataset<Row> joined = truth.filter(col("community").isNotNull())
        .select(col("member_id").cast(DataTypes.StringType).as("member_id"),
            col("community").cast(DataTypes.StringType).as("x"))
        .join(sized.select(col("member_id").cast(DataTypes.StringType).as("member_id"), col("community_id"),
            col("size")), new String[] {"member_id"}, "left_outer")
        .select(col("x"), coalesce(col("community_id"), concat(lit("unassigned:"), col("member_id"))).as("y"),
            col("size").between(minSize, maxSize).and(col("size").isNotNull()).as("in_bounds"));
    List<Row> cells = joined.groupBy("x", "y").count().collectAsList();
    Row bounds = joined.selectExpr("sum(case when in_bounds then 1 else 0 end)", "count(1)").first();
    List<Double> oversized = new ArrayList<>();
    for (Row r : communities.filter(col("oversized")).orderBy("density").select("density").collectAsList()) {
      oversized.add(r.getDouble(0));
    }
    Row largest = communities.selectExpr("count(1)", "coalesce(max(size), 0)").first();
    long n = bounds.getLong(1);
    double[] h = entropies(cells);
    double hx = h[0];
    double hy = h[1];
    double mi = h[2];
    return new Quality(n, hx + hy == 0 ? 1.0 : 2 * mi / (hx + hy), hx == 0 ? 1.0 : mi / hx,
        hy == 0 ? 1.0 : mi / hy, n == 0 ? 0 : (bounds.isNullAt(0) ? 0 : bounds.getLong(0)) / (double) n,
        largest.getLong(0), ((Number) largest.get(1)).longValue(), oversized);
  }

  /** H(x), H(y) and I(x; y) from contingency cells (x, y, count). */
  static double[] entropies(List<Row> cells) {
    Map<String, Long> xs = new HashMap<>();
    Map<String, Long> ys = new HashMap<>();
    double n = 0;
    for (Row r : cells) {
      xs.merge(r.getString(0), r.getLong(2), Long::sum);
      ys.merge(r.getString(1), r.getLong(2), Long::sum);
      n += r.getLong(2);
    }
    if (n == 0) return new double[] {0, 0, 0};
    double mi = 0;
    for (Row r : cells) {
      double nxy = r.getLong(2);
      mi += nxy / n * Math.log(n * nxy / ((double) xs.get(r.getString(0)) * ys.get(r.getString(1))));
    }
    return new double[] {entropy(xs, n), entropy(ys, n), mi};
  }

  private static double entropy(Map<String, Long> counts, double n) {
    double h = 0;
    for (long c : counts.values()) h -= c / n * Math.log(c / n);
    return h;
  }
}
