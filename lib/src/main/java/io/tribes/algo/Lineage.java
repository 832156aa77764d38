package io.tribes.algo;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Keeps an iterative computation's state materialised and its lineage short (package-private).
 *
 * <p>Each iteration's state is persisted, materialised by the caller's one action, and the previous state is
 * then released. Every {@code interval} iterations (0 = never) the state is checkpointed, locally
 * ({@link Dataset#localCheckpoint}) or reliably ({@link Dataset#checkpoint} into the SparkContext checkpoint
 * directory), which cuts the logical plan so that it does not grow with the number of iterations. Checkpoints
 * keep the state's partitioning, so the next iteration's join does not reshuffle.
 */
final class Lineage {
  private final int interval;
  private final boolean reliable;

  Lineage(SparkSession spark, int interval, boolean reliable) {
    this.interval = interval;
    this.reliable = reliable;
    if (reliable && interval > 0 && spark.sparkContext().getCheckpointDir().isEmpty()) {
      throw new IllegalStateException("reliableCheckpoint(true) needs a checkpoint directory: call "
          + "SparkContext.setCheckpointDir(...) first, or use reliableCheckpoint(false)");
    }
  }

  static Dataset<Row> persist(Dataset<Row> df) {
    return df.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Called once {@code next} (persisted with {@link #persist}) has been materialised by an action: releases
   * {@code previous} and, on every {@code interval}-th iteration, replaces {@code next} by a checkpoint.
   *
   * @return the state to continue from
   */
  Dataset<Row> advance(Dataset<Row> previous, Dataset<Row> next, int iteration) {
    Dataset<Row> state = next;
    if (interval > 0 && iteration % interval == 0) {
      state = reliable ? next.checkpoint(true) : next.localCheckpoint(true);
      next.unpersist(false);
    }
    if (previous != null) {
      previous.unpersist(false);
    }
    return state;
  }
}
