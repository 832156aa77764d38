package io.tribes.segment;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import io.tribes.metrics.Modularity;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Shape stage: turns assignments and ranks into the segment tables.
 *
 * <p>Community ids are {@code c} + 16 hex digits of SHA-256 over the community's sorted member ids:
 * a function of content only, so they do not depend on partitioning, labels or run order. Members
 * are ranked within their community by community_score (descending, compared at 1e-12 so float
 * summation order cannot reorder them), then interactions (descending), then member_id. Roles by rank
 * r in a community of n: {@code ambassador} for r <= a = min(ambassador-max, max(1,
 * ceil(ambassador-fraction * n))); {@code core} for r <= a + ceil(core-fraction * n); else
 * {@code member}. Members outside any community get role {@code unassigned}. Doubles are rounded
 * (scores to 15 decimals, weights to 9) so that tables are identical whatever the summation order.
 */
public final class Segmenter {
  public static final String AMBASSADOR = "ambassador";
  public static final String CORE = "core";
  public static final String MEMBER = "member";
  public static final String UNASSIGNED = "unassigned";

  private final TribesConfig.Community config;

  public Segmenter(TribesConfig.Community config) {
    this.config = config;
  }

  public SegmentTables shape(InteractionGraph graph, Dataset<Row> assignments, Dataset<Row> ranks, LocalDate runDate) {
    Column date = lit(Date.valueOf(runDate)).as("run_date");
    Dataset<Row> members = graph.members()
        .join(assignments, "id")
        .join(ranks, "id")
        .withColumn("interactions", col("sent").plus(col("received")));

    Dataset<Row> communityIds = members.filter(col("community").isNotNull())
        .groupBy("community")
        .agg(array_sort(collect_list("member_id")).as("ms"), count(lit(1)).as("size"))
        .select(col("community"), col("size"),
            concat(lit("c"), substring(sha2(concat_ws(",", col("ms")), 256), 1, 16)).as("community_id"));

    WindowSpec byRank = Window.partitionBy("community")
        .orderBy(desc("score_key"), desc("interactions"), col("member_id"));
    Column nAmb = least(lit(config.ambassadorMax()),
        greatest(lit(1), ceil(col("size").multiply(config.ambassadorFraction())).cast(DataTypes.IntegerType)));
    Column nCore = ceil(col("size").multiply(config.coreFraction())).cast(DataTypes.IntegerType);
    Dataset<Row> ranked = members.join(communityIds, new String[] {"community"}, "left_outer")
        .withColumn("score_key", expr("round(community_score, 12)"))
        .withColumn("rank_in_community",
            when(col("community").isNotNull(), row_number().over(byRank)).cast(DataTypes.IntegerType))
        .withColumn("role",
            when(col("community").isNull(), lit(UNASSIGNED))
                .when(col("rank_in_community").leq(nAmb), lit(AMBASSADOR))
                .when(col("rank_in_community").leq(nAmb.plus(nCore)), lit(CORE))
                .otherwise(lit(MEMBER)))
        .persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> memberSegments = ranked.select(date, col("member_id"), col("community_id"), col("role"),
        col("rank_in_community"), expr("round(community_score, 15)").as("community_score"),
        expr("round(influence, 15)").as("influence"), col("interactions"));

    Dataset<Row> communities = communityTable(graph, ranked, communityIds, date);
    double q = Modularity.of(graph.edges(), ranked.select("id", "community"));
    return new SegmentTables(memberSegments, communities, q);
  }

  private Dataset<Row> communityTable(InteractionGraph graph, Dataset<Row> ranked, Dataset<Row> communityIds, Column date) {
    Dataset<Row> cOf = ranked.select(col("id"), col("community"));
    Dataset<Row> e = graph.edges()
        .join(cOf.withColumnRenamed("id", "src").withColumnRenamed("community", "cs"), "src")
        .join(cOf.withColumnRenamed("id", "dst").withColumnRenamed("community", "cd"), "dst");
    Column internal = col("cs").isNotNull().and(col("cs").equalTo(col("cd")));
    Dataset<Row> internalStats = e.filter(internal)
        .groupBy(col("cs").as("community"))
        .agg(sum("weight").as("internal_weight"),
            countDistinct(least(col("src"), col("dst")), greatest(col("src"), col("dst"))).as("internal_ties"));
    Dataset<Row> crossing = e.filter(internal.unary_$bang());
    Dataset<Row> externalStats = crossing.filter(col("cs").isNotNull()).select(col("cs").as("community"), col("weight"))
        .union(crossing.filter(col("cd").isNotNull()).select(col("cd").as("community"), col("weight")))
        .groupBy("community").agg(sum("weight").as("external_weight"));

    Dataset<Row> ambassadors = ranked.filter(col("role").equalTo(AMBASSADOR))
        .groupBy("community")
        .agg(array_sort(collect_list(struct(col("rank_in_community"), col("member_id")))).as("amb"))
        .select(col("community"), expr("transform(amb, a -> a.member_id)").as("ambassadors"));

    WindowSpec byShare = Window.partitionBy("community").orderBy(desc("n"), col("topic"));
    Dataset<Row> topics = graph.topics()
        .join(cOf.withColumnRenamed("id", "src").withColumnRenamed("community", "cs"), "src")
        .join(cOf.withColumnRenamed("id", "dst").withColumnRenamed("community", "cd"), "dst")
        .filter(col("cs").isNotNull().and(col("cs").equalTo(col("cd"))))
        .groupBy(col("cs").as("community"), col("topic")).agg(sum("interactions").as("n"))
        .withColumn("r", row_number().over(byShare))
        .filter(col("r").leq(config.topTopics()))
        .groupBy("community")
        .agg(array_sort(collect_list(struct(col("r"), col("topic")))).as("t"))
        .select(col("community"), expr("transform(t, x -> x.topic)").as("top_topics"));

    Column size = col("size");
    return communityIds
        .join(internalStats, new String[] {"community"}, "left_outer")
        .join(externalStats, new String[] {"community"}, "left_outer")
        .join(ambassadors, new String[] {"community"}, "left_outer")
        .join(topics, new String[] {"community"}, "left_outer")
        .select(date, col("community_id"), size.cast(DataTypes.IntegerType).as("size"),
            coalesce(col("ambassadors"), expr("array()").cast("array<string>")).as("ambassadors"),
            expr("round(coalesce(internal_weight, 0.0), 9)").as("internal_weight"),
            expr("round(coalesce(external_weight, 0.0), 9)").as("external_weight"),
            when(size.gt(1), coalesce(col("internal_ties"), lit(0L)).multiply(2.0).divide(size.multiply(size.minus(1))))
                .otherwise(lit(0.0)).as("density"),
            coalesce(col("top_topics"), expr("array()").cast("array<string>")).as("top_topics"));
  }
}
