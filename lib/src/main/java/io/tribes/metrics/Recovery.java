package io.tribes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How well a run recovered a planted truth: normalized mutual information of the partitions and
 * ambassador recall and precision.
 *
 * @param members members compared (in both the truth, with a planted community, and the output)
 * @param nmi NMI with arithmetic-mean normalisation, 2 I(X;Y) / (H(X) + H(Y)); unassigned members
 *     count as singletons, so leaving planted members out costs NMI
 * @param ambassadorRecall planted ambassadors found as {@code ambassador} / planted ambassadors compared
 * @param ambassadorPrecision found ambassadors that are planted ambassadors / found ambassadors compared
 */
public record Recovery(long members, double nmi, double ambassadorRecall, double ambassadorPrecision) {

  /**
   * @param truth member_id, community (STRING, null = none), is_ambassador
   * @param segments member_id, community_id (nullable), role
   */
  public static Recovery of(Dataset<Row> truth, Dataset<Row> segments) {
    Dataset<Row> joined = truth.filter(col("community").isNotNull())
        .join(segments, "member_id")
        .select(col("community").as("x"),
            coalesce(col("community_id"), concat(lit("unassigned:"), col("member_id"))).as("y"),
            col("is_ambassador"), col("role").equalTo("ambassador").as("found"))
        .persist();
    List<Row> cells = joined.groupBy("x", "y").count().collectAsList();
    Row amb = joined.selectExpr(
        "sum(case when is_ambassador and found then 1 else 0 end)",
        "sum(case when is_ambassador then 1 else 0 end)",
        "sum(case when found then 1 else 0 end)").first();
    joined.unpersist();
    long tp = amb.isNullAt(0) ? 0 : amb.getLong(0);
    long planted = amb.isNullAt(1) ? 0 : amb.getLong(1);
    long found = amb.isNullAt(2) ? 0 : amb.getLong(2);
    return new Recovery(total(cells), nmi(cells), planted == 0 ? 0 : (double) tp / planted,
        found == 0 ? 0 : (double) tp / found);
  }

  private static long total(List<Row> cells) {
    return cells.stream().mapToLong(r -> r.getLong(2)).sum();
  }

  /** NMI from contingency cells (x, y, count). */
  static double nmi(List<Row> cells) {
    double[] h = Quality.entropies(cells);
    return h[0] + h[1] == 0 ? 1.0 : 2 * h[2] / (h[0] + h[1]);
  }
}
