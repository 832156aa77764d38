package io.tribes.stages;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The published tables of one run (schemas in README, "Segment tables") and graph-level quality.
 *
 * @param memberSegments one row per member in the graph
 * @param communities one row per community
 * @param events one row per community event (see {@link CommunityMatcher})
 * @param modularity weighted modularity of the partition (unassigned members as singletons)
 * @param coverage share of the graph's tie weight that falls inside communities
 */
public record SegmentTables(Dataset<Row> memberSegments, Dataset<Row> communities, Dataset<Row> events,
    double modularity, double coverage) {}
