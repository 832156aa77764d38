package io.tribes.stages;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Member centrality.
 *
 * @param ranks id LONG, influence DOUBLE (global PageRank), community_score DOUBLE (PageRank within
 *     the member's community; null when unassigned)
 */
public record Ranking(Dataset<Row> ranks, int pagerankIterations, double pagerankResidual,
    int communityPagerankIterations, double communityPagerankResidual) {}
