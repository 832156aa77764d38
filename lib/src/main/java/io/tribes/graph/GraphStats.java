package io.tribes.graph;

import java.util.Map;

/**
 * Counts from the graph build.
 *
 * @param rowsRead interaction rows read
 * @param rejected rows dropped before aggregation, by reason (null_or_blank_id, null_ts,
 *     invalid_weight, self_loop, outside_window, unknown_type)
 * @param interactionsInWindow rows kept
 * @param excludedOptedOut opted-out members seen in the window, excluded everywhere
 * @param excludedFlagged brand or bot accounts seen in the window, excluded
 * @param excludedHubs members above graph.max-degree distinct partners, excluded
 * @param weakTiesDropped undirected ties below graph.min-tie-strength
 * @param members members in the graph
 * @param edges directed edges in the graph
 */
public record GraphStats(
    long rowsRead,
    Map<String, Long> rejected,
    long interactionsInWindow,
    long excludedOptedOut,
    long excludedFlagged,
    long excludedHubs,
    long weakTiesDropped,
    long members,
    long edges) {}
