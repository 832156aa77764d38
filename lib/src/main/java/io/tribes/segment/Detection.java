package io.tribes.segment;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Communities found by label propagation.
 *
 * @param assignments id LONG, community LONG (the label; null when its group is below min-size)
 * @param iterations label propagation iterations run
 * @param converged whether it converged before the iteration cap
 */
public record Detection(Dataset<Row> assignments, int iterations, boolean converged) {}
