package io.tribes.graph;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The interaction graph of one run, with member ids mapped to dense longs.
 *
 * @param members one row per member kept in the graph: id LONG (dense, 0..n-1 in member_id order),
 *     member_id STRING, sent LONG, received LONG (interactions in the window, all partners)
 * @param edges directed ties: src LONG, dst LONG, weight DOUBLE (summed, weighted, decayed),
 *     interactions LONG; only ties at or above the minimum strength between kept members
 * @param topics src LONG, dst LONG, topic STRING, interactions LONG for the kept edges
 * @param stats what the build kept and dropped, for the manifest
 */
public record InteractionGraph(Dataset<Row> members, Dataset<Row> edges, Dataset<Row> topics, GraphStats stats) {}
