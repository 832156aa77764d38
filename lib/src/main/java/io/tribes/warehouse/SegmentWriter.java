package io.tribes.warehouse;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.tribes.FaultPoint;
import io.tribes.TribesException;
import io.tribes.stages.SegmentTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run whole or not at all. The tables are written under {@code _staging/}; only when all
 * are complete are they moved into the run's own {@code run_date=<date>/run_id=<id>/} directories, then
 * {@code runs/<date>/manifest.json} is written (the commit: one atomic write that also replaces the
 * manifest of an earlier run of the same date), then {@code _latest}; only then are the superseded
 * directories of the date removed. A failure at any point before the manifest leaves every published
 * run, including an earlier run of the same date, as it was for readers, who go through the manifest
 * (see {@link Warehouse}).
 */
public final class SegmentWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentWriter.class);
  private final Warehouse warehouse;

  private final int retentionRuns;

  public SegmentWriter(Warehouse warehouse) {
    this(warehouse, Integer.MAX_VALUE);
  }

  /** @param retentionRuns committed runs (dates) kept after a successful publish, >= 1 */
  public SegmentWriter(Warehouse warehouse, int retentionRuns) {
    this(warehouse, retentionRuns, null);
  }

  /**
   * @param lock the writer lock this run holds (checked before each commit), or null when the caller
   *     guarantees it is the only writer
   */
  public SegmentWriter(Warehouse warehouse, int retentionRuns, WarehouseLock lock) {
    if (retentionRuns < 1) throw new IllegalArgumentException("retentionRuns must be >= 1");
    this.warehouse = warehouse;
    this.retentionRuns = retentionRuns;
    this.lock = lock;
  }

  private final WarehouseLock lock;

  /** The writer lock the run holds, or null. */
  public WarehouseLock lock() {
    return lock;
  }

  /** Before a commit: the run still holds the writer lock (a run that lost it never commits). */
  private void checkLock() {
    if (lock != null) lock.verify();
  }

  /**
   * The backfill rule: a run of {@code date} is refused, before any work, when at least
   * {@code retentionRuns} committed runs are newer, since retention would remove it right after it
   * published (a run must never report success and be gone). A {@link TribesException} (exit code 2)
   * names the date, the retention and what to change.
   */
  public void checkRetained(LocalDate date) {
    List<LocalDate> newer = warehouse.runDates().stream().filter(d -> d.isAfter(date)).toList();
    if (newer.size() >= retentionRuns) {
      throw new TribesException("run date " + date + ": " + newer.size() + " newer committed runs in warehouse "
          + warehouse.root() + " (" + newer.get(0) + " .. " + newer.get(newer.size() - 1)
          + ") and warehouse-retention-runs: " + retentionRuns + ", so retention would remove this run right after"
          + " publishing it; to backfill " + date + ", set warehouse-retention-runs to at least " + (newer.size() + 1)
          + " (nothing was run)");
    }
  }

  public RunManifest publish(SegmentTables tables, RunManifest draft) {
    LocalDate date = LocalDate.parse(draft.runDate());
    checkRetained(date);
    try {
      FileSystem fs = warehouse.files().fs();
      removeLeftovers(fs);
      Path staging = warehouse.layout().newStagingDir(date);
      Map<String, Dataset<Row>> byName = new LinkedHashMap<>();
      byName.put(Warehouse.MEMBER_SEGMENTS, tables.memberSegments().orderBy("community_id", "rank_in_community", "member_id"));
      byName.put(Warehouse.COMMUNITIES, tables.communities().orderBy("community_id"));
      byName.put(Warehouse.COMMUNITY_EVENTS, tables.events().orderBy("community_id", "event"));
      Map<String, RunManifest.OutputStats> outputs = new LinkedHashMap<>();
      for (var e : byName.entrySet()) {
        Path dir = new Path(staging, e.getKey());
        // the rows written, counted by the write itself (no second job reading the table back)
        Observation written = new Observation(e.getKey());
        e.getValue().observe(written, count(lit(1)).as("rows")).write().mode(SaveMode.ErrorIfExists)
            .parquet(dir.toString());
        long rows = observedRows(written);
        outputs.put(e.getKey(), new RunManifest.OutputStats(dir.toString(), rows));
        if (outputs.size() == 1) FaultPoint.reached("publish:staging");
      }
      FaultPoint.reached("publish:staged");

      // The run's own directories: an earlier run of the same date stays committed and untouched.
      String runId = draft.runId();
      for (String table : byName.keySet()) {
        Path target = warehouse.layout().tableDir(table, date, runId);
        fs.mkdirs(target.getParent());
        rename(fs, new Path(staging, table), target);
        outputs.put(table, new RunManifest.OutputStats(target.toString(), outputs.get(table).rows()));
      }
      FaultPoint.reached("publish:moved");
      RunManifest manifest = draft.withOutputs(outputs, Instant.now().toString());
      checkLock();
      warehouse.files().writeAtomically(warehouse.layout().manifestPath(date), ManifestJson.toJson(manifest));
      FaultPoint.reached("publish:manifest");
      if (latestAfter(date).equals(date)) {
        // otherwise _latest already names a later committed run (with its own run id) and stays
        warehouse.files().writeAtomically(warehouse.layout().latest(),
            ManifestJson.toJson(ManifestJson.pointer(date, manifest.runId())));
      }
      fs.delete(staging, true);
      removeSuperseded(fs, date, runId);
      LOG.info("published run {} to {}", date, warehouse.root());
      applyRetention(fs);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("publishing to " + warehouse.root() + " failed", e);
    }
  }

  /**
   * Removes what an interrupted earlier run left behind: its staging directory (and {@code _trash/}, which
   * versions before run ids used); the job holds the warehouse's writer lock ({@link WarehouseLock}),
   * so any other staging directory is a dead run's.
   */
  private void removeLeftovers(FileSystem fs) throws IOException {
    for (Path p : new Path[] {warehouse.layout().staging(), warehouse.layout().trash()}) {
      if (!fs.exists(p)) continue;
      for (FileStatus s : fs.listStatus(p)) {
        if (!s.getPath().getName().startsWith(".probe-")) fs.delete(s.getPath(), true);
      }
    }
  }

  /**
   * Removes what a committed run of {@code date} replaced: the other {@code run_id=} directories of
   * the date (an earlier run's, or an interrupted run's) and tables of the layout before run ids.
   */
  private void removeSuperseded(FileSystem fs, LocalDate date, String runId) throws IOException {
    for (String table : Warehouse.TABLES) {
      Path dir = warehouse.layout().partition(table, date);
      if (!fs.exists(dir)) continue;
      for (FileStatus s : fs.listStatus(dir)) {
        if (!s.getPath().getName().equals(WarehouseLayout.RUN_ID_PREFIX + runId)) {
          fs.delete(s.getPath(), true);
          LOG.info("removed {}: superseded by run {}", s.getPath(), runId);
        }
      }
    }
  }

  /**
   * After a successful commit: keeps the {@code retentionRuns} most recent committed runs (by date),
   * removing older ones manifest first (so they stop being committed runs at once), then their
   * directories; also removes directories that no manifest names (left by runs interrupted after
   * moving their tables). Never touches the run just published: {@link #checkRetained} refused it
   * before any work if it would not be among the kept runs.
   */
  private void applyRetention(FileSystem fs) throws IOException {
    List<LocalDate> committed = warehouse.runDates();
    List<LocalDate> expired = committed.subList(0, Math.max(0, committed.size() - retentionRuns));
    for (LocalDate d : List.copyOf(expired)) {
      fs.delete(warehouse.layout().manifestPath(d).getParent(), true);
      for (String table : Warehouse.TABLES) fs.delete(warehouse.layout().partition(table, d), true);
      LOG.info("retention: removed run {} (keeping the last {} runs)", d, retentionRuns);
    }
    Map<String, String> kept = new HashMap<>(); // run_date=<date> -> run id
    for (LocalDate d : committed.subList(committed.size() - Math.min(committed.size(), retentionRuns),
        committed.size())) {
      kept.put("run_date=" + d, warehouse.manifest(d).map(RunManifest::runId).orElse(null));
    }
    for (String table : Warehouse.TABLES) {
      Path dir = new Path(warehouse.root(), table);
      if (!fs.exists(dir)) continue;
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (!name.startsWith("run_date=")) continue;
        if (!kept.containsKey(name)) {
          fs.delete(s.getPath(), true);
          LOG.info("removed {}: no committed run", s.getPath());
        } else if (s.isDirectory()) {
          for (FileStatus r : fs.listStatus(s.getPath())) {
            String child = r.getPath().getName();
            // another run's directory of a committed date: an interrupted rerun's; legacy files stay
            if (child.startsWith(WarehouseLayout.RUN_ID_PREFIX)
                && !child.equals(WarehouseLayout.RUN_ID_PREFIX + kept.get(name))) {
              fs.delete(r.getPath(), true);
              LOG.info("removed {}: not the committed run of its date", r.getPath());
            }
          }
        }
      }
    }
  }

  /** Rerunning an older date must not move {@code _latest} backwards. */
  private LocalDate latestAfter(LocalDate date) {
    return warehouse.latestRunDate().map(LocalDate::parse)
        .filter(d -> d.isAfter(date) && warehouse.manifest(d).isPresent())
        .orElse(date);
  }

  private static long observedRows(Observation written) throws IOException {
    try {
      return ((Number) written.getAsJava().get("rows")).longValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while counting the rows written");
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
  }
}
