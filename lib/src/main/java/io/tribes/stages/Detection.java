package io.tribes.stages;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Communities found by label propagation and refined to the size bounds.
 *
 * @param assignments id LONG, community LONG (null when its group is below min-size), oversized BOOLEAN
 * @param iterations label propagation iterations run
 * @param converged whether it converged before the iteration cap
 * @param seeded whether it started from the previous run's communities
 * @param refineRounds rounds of re-splitting oversized communities
 */
public record Detection(Dataset<Row> assignments, int iterations, boolean converged, boolean seeded, int refineRounds) {}
