package io.tribes.stages;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
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
 * Shape stage: turns assignments, ranks and community ids into the segment tables.
 *
 * <p>Members are ranked within their community by community_score (descending, compared at 1e-12 so
 * float summation order cannot reorder them), then interactions (descending), then member_id. Roles
 * by rank r in a community of n: {@code ambassador} for r <= a = min(ambassador-max, max(1,
 * ceil(ambassador-fraction * n))); {@code core} for r <= a + ceil(core-fraction * n); else
 * {@code member}. Members outside any community get role {@code unassigned}. Doubles are rounded
 * (scores to 15 decimals, weights and ratios to 9) so that tables are identical whatever the
 * summation order. Metric definitions are in README ("Segment tables").
 */
public final class SegmentShaper {
  public static final String AMBASSADOR = "ambassador";
  public static final String CORE = "core";
  public static final String MEMBER = "member";
  public static final String UNASSIGNED = "unassigned";

  private final TribesConfig.Community config;

  public SegmentShaper(TribesConfig.Community config) {
    this.config = config;
  }

  /**
   * @param assignments id, community LONG (nullable), oversized
   * @param ranks id, influence, community_score
   * @param matching community LONG -> community_id, and the events table
   */
  public SegmentTables shape(InteractionGraph graph, Dataset<Row> assignments, Dataset<Row> ranks,
      CommunityMatcher.Matching matching, LocalDate runDate) {
    Column date = lit(Date.valueOf(runDate)).as("run_date");
    Dataset<Row> cOf = assignments.select("id", "community");

    // Edges with both ends' communities; per member, over its ends of the edges (one row per edge end):
    // distinct partners inside and outside its community, and its internal activity and tie weight. Each
    // internal edge has both ends in the community, so a community's sums over its members count it
    // twice (the community table halves them); a crossing edge counts once at each assigned end.
    Dataset<Row> e = withCommunities(graph.edges(), cOf)
        .withColumn("internal", col("cs").isNotNull().and(col("cs").equalTo(col("cd"))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> ends = e.select(explode(array(
            struct(col("src").as("id"), col("dst").as("partner"), col("internal"), col("weight"), col("interactions")),
            struct(col("dst").as("id"), col("src").as("partner"), col("internal"), col("weight"), col("interactions"))))
        .as("x"))
        .select("x.*");
    // Distinct partners as set sizes: one aggregation, where countDistinct would expand every row per
    // distinct column and aggregate twice.
    Dataset<Row> perMember = ends.groupBy("id").agg(
        size(collect_set(when(col("internal"), col("partner")))).cast(DataTypes.LongType).as("partners_inside"),
        size(collect_set(when(col("internal").unary_$bang(), col("partner")))).cast(DataTypes.LongType)
            .as("partners_outside"),
        sum(when(col("internal"), col("interactions")).otherwise(0L)).as("internal_interactions"),
        sum(when(col("internal"), col("weight")).otherwise(0.0)).as("internal_weight"),
        sum(when(col("internal").unary_$bang(), col("weight")).otherwise(0.0)).as("external_weight"));

    Dataset<Row> members = graph.members()
        .join(assignments, "id")
        .join(ranks, "id")
        .join(perMember, new String[] {"id"}, "left_outer")
        .join(matching.ids(), new String[] {"community"}, "left_outer")
        .withColumn("interactions", col("sent").plus(col("received")))
        .withColumn("size", when(col("community").isNotNull(), count(lit(1)).over(Window.partitionBy("community"))))
        .withColumn("community_internal", sum(coalesce(col("internal_interactions"), lit(0L))).over(Window.partitionBy("community")));

    WindowSpec byRank = Window.partitionBy("community")
        .orderBy(desc("score_key"), desc("interactions"), col("member_id"));
    Column nAmb = least(lit(config.ambassadorMax()),
        greatest(lit(1), ceil(col("size").multiply(config.ambassadorFraction())).cast(DataTypes.IntegerType)));
    Column nCore = ceil(col("size").multiply(config.coreFraction())).cast(DataTypes.IntegerType);
    Dataset<Row> ranked = members
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
        expr("round(influence, 15)").as("influence"), col("interactions"),
        col("sent").as("interactions_sent"), col("received").as("interactions_received"),
        coalesce(col("partners_inside"), lit(0L)).as("partners_inside"),
        coalesce(col("partners_outside"), lit(0L)).as("partners_outside"),
        when(col("community").isNull(), lit(null).cast(DataTypes.DoubleType))
            .when(col("community_internal").gt(0),
                expr("round(coalesce(internal_interactions, 0) / community_internal, 9)"))
            .otherwise(lit(0.0)).as("internal_activity_share"));

    // The graph-wide sums, in one pass over e: coverage, and the rates of the community table.
    Row g = e.agg(sum(when(col("internal"), col("weight")).otherwise(0.0)), sum("weight"), sum("interactions")).first();
    double coverage = g.isNullAt(1) || g.getDouble(1) == 0 ? 0.0 : g.getDouble(0) / g.getDouble(1);
    // Materialised once: the job counts it, collects its sizes and writes it.
    Dataset<Row> communities = communityTable(graph, cOf, ranked, date, g).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> pairs = graph.edges();
    double q = Modularity.of(pairs, cOf);
    return new SegmentTables(memberSegments, communities, matching.events(), q, coverage);
  }

  /**
   * @param cOf id, community of every member of the graph
   * @param g sum of internal weight, of weight, of interactions over {@code e}
   */
  private Dataset<Row> communityTable(InteractionGraph graph, Dataset<Row> cOf, Dataset<Row> ranked, Column date,
      Row g) {
    // The tie statistics from the members' sums (see perMember): an internal tie or edge is counted at
    // both its ends, so halved (exact: the sums of counts are even, and halving a double is exact). The
    // graph has no self-loops, so a community's internal ties are half its members' inside partners.
    Dataset<Row> perCommunity = ranked.filter(col("community").isNotNull()).groupBy("community").agg(
        first("community_id").as("community_id"),
        count(lit(1)).as("size"),
        first("oversized").as("oversized"),
        sum("interactions").as("activity"),
        array_sort(collect_list(when(col("role").equalTo(AMBASSADOR), struct(col("rank_in_community"), col("member_id")))))
            .as("amb"),
        sum("internal_weight").divide(2).as("internal_weight"),
        expr("sum(internal_interactions) div 2").as("internal_interactions"),
        expr("sum(partners_inside) div 2").as("internal_ties"),
        sum("external_weight").as("external_weight"));

    WindowSpec byCount = Window.partitionBy("community").orderBy(desc("n"), col("topic"));
    // The communities from the assignments (as for the edges: broadcast), not from ranked, whose size the
    // planner cannot bound (it would sort and shuffle both sides of both joins).
    // Internal ties only: both ends in a community (one filter on both joins' side) and the same one, as a
    // predicate the optimizer leaves in the join (as a key, the second join's broadcast would differ).
    Dataset<Row> topics = withCommunities(graph.topics(), cOf.filter(col("community").isNotNull()))
        .filter(coalesce(col("cs").equalTo(col("cd")), lit(false)))
        .groupBy(col("cs").as("community"), col("topic")).agg(sum("interactions").as("n"))
        .withColumn("total", sum("n").over(Window.partitionBy("community")))
        .withColumn("r", row_number().over(byCount))
        .filter(col("r").leq(config.topTopics()))
        .groupBy("community")
        .agg(array_sort(collect_list(struct(col("r"), col("topic"), col("n"), col("total")))).as("t"))
        .select(col("community"), expr("transform(t, x -> x.topic)").as("top_topics"),
            expr("transform(t, x -> round(x.n / x.total, 9))").as("topic_shares"));

    // Graph-wide rates for engagement lift and the modularity terms.
    long members = graph.stats().members();
    double totalInteractions = g.isNullAt(2) ? 0 : g.getLong(2);
    double totalWeight = g.isNullAt(1) ? 0 : g.getDouble(1);
    double graphRate = members > 1 ? totalInteractions / ((double) members * (members - 1)) : 0;

    Column size = col("size");
    Column in = coalesce(col("internal_weight"), lit(0.0));
    Column out = coalesce(col("external_weight"), lit(0.0));
    Column volume = in.multiply(2).plus(out);
    Column internalRate = coalesce(col("internal_interactions"), lit(0L)).divide(size.multiply(size.minus(1)));
    return perCommunity
        .join(topics, new String[] {"community"}, "left_outer")
        .select(date, col("community_id"), size.cast(DataTypes.IntegerType).as("size"),
            expr("transform(filter(amb, a -> a is not null), a -> a.member_id)").as("ambassadors"),
            expr("round(coalesce(internal_weight, 0.0), 9)").as("internal_weight"),
            expr("round(coalesce(external_weight, 0.0), 9)").as("external_weight"),
            round9(when(size.gt(1), coalesce(col("internal_ties"), lit(0L)).multiply(2.0).divide(size.multiply(size.minus(1))))
                .otherwise(lit(0.0))).as("density"),
            round9(when(volume.gt(0), out.divide(volume)).otherwise(lit(0.0))).as("conductance"),
            round9(totalWeight == 0 ? lit(0.0)
                : in.divide(totalWeight).minus(volume.divide(2 * totalWeight).multiply(volume.divide(2 * totalWeight))))
                .as("modularity_contribution"),
            round9(col("activity").divide(size)).as("activity_per_member"),
            round9(graphRate == 0 ? lit(0.0) : when(size.gt(1), internalRate.divide(graphRate)).otherwise(lit(0.0)))
                .as("engagement_lift"),
            coalesce(col("top_topics"), expr("array()").cast("array<string>")).as("top_topics"),
            coalesce(col("topic_shares"), expr("array()").cast("array<double>")).as("topic_shares"),
            col("oversized"));
  }

  /**
   * {@code ties} (src, dst, ...) with the communities of both ends, cs and cd (inner joins: ends without
   * a row in {@code cOf} are dropped). Both joins look up the same, unrenamed {@code cOf}, so when it is
   * broadcast, one broadcast serves both.
   */
  private static Dataset<Row> withCommunities(Dataset<Row> ties, Dataset<Row> cOf) {
    Column[] cols = new Column[ties.columns().length + 2];
    for (int i = 0; i < cols.length - 2; i++) cols[i] = col("t." + ties.columns()[i]);
    cols[cols.length - 2] = col("s.community").as("cs");
    cols[cols.length - 1] = col("d.community").as("cd");
    return ties.as("t")
        .join(cOf.as("s"), col("t.src").equalTo(col("s.id")))
        .join(cOf.as("d"), col("t.dst").equalTo(col("d.id")))
        .select(cols);
  }

  private static Column round9(Column c) {
    return org.apache.spark.sql.functions.round(c, 9);
  }
}
