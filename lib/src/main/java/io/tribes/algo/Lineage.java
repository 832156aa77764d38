package io.tribes.algo;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Keeps an iterative computation's state materialised and its lineage short (package-private).
 *
 * <p>Each iteration's state is materialised by the caller's one action: on every {@code interval}-th
 * iteration (0 = never) as a checkpoint, which cuts the logical plan, otherwise as a persisted Dataset whose plan
 * keeps growing. A local checkpoint ({@link Dataset#localCheckpoint}) is taken lazily and filled by that same
 * action, so it costs no more than persisting; a reliable one ({@link Dataset#checkpoint}, into the SparkContext
 * checkpoint directory) is written from the persisted state after the action. Checkpoints keep the state's
 * partitioning, so the next iteration's join does not reshuffle. A long plan is not only deep to analyse: with
 * adaptive execution Spark renders it on every stage update, which costs seconds per iteration after a few
 * dozen un-cut iterations.
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

  boolean checkpointAt(int iteration) {
    return interval > 0 && iteration % interval == 0;
  }

  /** Marks {@code next}, the state of {@code iteration}, for materialisation by the caller's next action. */
  Dataset<Row> hold(Dataset<Row> next, int iteration) {
    return checkpointAt(iteration) && !reliable ? next.localCheckpoint(false) : persist(next);
  }

  /**
   * Called once {@code held} (from {@link #hold}) has been materialised by an action: releases
   * {@code previous} and writes a reliable checkpoint when one is due.
   *
   * @return the state to continue from
   */
  Dataset<Row> advance(Dataset<Row> previous, Dataset<Row> held, int iteration) {
    Dataset<Row> state = held;
    if (checkpointAt(iteration) && reliable) {
      state = held.checkpoint(true);
      held.unpersist(false);
    }
    if (previous != null) {
      previous.unpersist(false); // no-op for a local checkpoint: Spark's cleaner drops it once unreferenced
    }
    return state;
  }
}
