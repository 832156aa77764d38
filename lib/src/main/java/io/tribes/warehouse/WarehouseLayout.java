package io.tribes.warehouse;

import java.time.LocalDate;
import java.util.UUID;
import org.apache.hadoop.fs.Path;

/**
 * Where everything of one warehouse lives (the layout is drawn in {@link Warehouse}'s comment): paths only,
 * no I/O, so that the writer, the lock, forgetting and the readers name every location the same way.
 */
public final class WarehouseLayout {
  private static final String LATEST = "_latest";
  private static final String STAGING = "_staging";
  private static final String TRASH = "_trash";
  private static final String LOCK = "_lock";
  static final String RUN_ID_PREFIX = "run_id=";

  private final Path root;

  WarehouseLayout(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** {@code <root>/<table>/run_date=<date>}: the date's directory, holding one {@code run_id=} directory per run. */
  public Path partition(String table, LocalDate date) {
    return new Path(new Path(root, table), "run_date=" + date);
  }

  /** {@code <root>/<table>/run_date=<date>/run_id=<runId>}: where the run writes the table. */
  public Path tableDir(String table, LocalDate date, String runId) {
    if (runId == null || runId.isBlank() || runId.contains("/")) {
      throw new IllegalArgumentException("runId must be a non-empty name without '/', got '" + runId + "'");
    }
    return new Path(partition(table, date), RUN_ID_PREFIX + runId);
  }

  /** {@code <root>/runs}: one directory per committed date, holding its manifest. */
  Path runs() {
    return new Path(root, "runs");
  }

  /** {@code <root>/runs/<date>/manifest.json}: the date's commit. */
  Path manifestPath(LocalDate date) {
    return new Path(new Path(runs(), date.toString()), "manifest.json");
  }

  /** {@code <root>/_latest}: the pointer to the newest run, written last. */
  Path latest() {
    return new Path(root, LATEST);
  }

  /** {@code <root>/_lock}: the writer lock's lease. */
  Path lock() {
    return new Path(root, LOCK);
  }

  Path staging() {
    return new Path(root, STAGING);
  }

  Path trash() {
    return new Path(root, TRASH);
  }

  /** A fresh directory under {@code _staging} for one attempt of a run of {@code date}. */
  Path newStagingDir(LocalDate date) {
    return new Path(staging(), date + "_" + UUID.randomUUID());
  }
}
