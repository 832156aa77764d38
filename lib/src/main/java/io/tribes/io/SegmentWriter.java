package io.tribes.io;

import io.tribes.FaultPoint;
import io.tribes.segment.SegmentTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run whole or not at all. The tables are written under {@code _staging/}; only when
 * both are complete are they moved into their {@code run_date=} partitions (replacing a previous run
 * of the same date), then {@code runs/<date>/manifest.json} is written, then {@code _latest}. A
 * failure before the manifest leaves the previously published runs as they were for readers, who go
 * through the manifest (see {@link Warehouse}).
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
    if (retentionRuns < 1) throw new IllegalArgumentException("retentionRuns must be >= 1");
    this.warehouse = warehouse;
    this.retentionRuns = retentionRuns;
  }

  public RunManifest publish(SegmentTables tables, RunManifest draft) {
    LocalDate date = LocalDate.parse(draft.runDate());
    try {
      FileSystem fs = warehouse.fs();
      removeLeftovers(fs);
      Path staging = warehouse.newStagingDir(date);
      Map<String, Dataset<Row>> byName = new LinkedHashMap<>();
      byName.put(Warehouse.MEMBER_SEGMENTS, tables.memberSegments().orderBy("community_id", "rank_in_community", "member_id"));
      byName.put(Warehouse.COMMUNITIES, tables.communities().orderBy("community_id"));
      byName.put(Warehouse.COMMUNITY_EVENTS, tables.events().orderBy("community_id", "event"));
      Map<String, RunManifest.OutputStats> outputs = new LinkedHashMap<>();
      for (var e : byName.entrySet()) {
        Path dir = new Path(staging, e.getKey());
        e.getValue().write().mode(SaveMode.ErrorIfExists).parquet(dir.toString());
        long rows = e.getValue().sparkSession().read().parquet(dir.toString()).count();
        outputs.put(e.getKey(), new RunManifest.OutputStats(warehouse.partition(e.getKey(), date).toString(), rows));
        if (outputs.size() == 1) FaultPoint.reached("publish:staging");
      }
      FaultPoint.reached("publish:staged");

      // Commit: the date's previous manifest goes first, so no reader pairs it with new tables.
      Path manifestPath = warehouse.manifestPath(date);
      fs.delete(manifestPath, false);
      Path trash = new Path(new Path(warehouse.root(), Warehouse.TRASH), staging.getName());
      for (String table : byName.keySet()) {
        Path target = warehouse.partition(table, date);
        if (fs.exists(target)) {
          fs.mkdirs(trash);
          rename(fs, target, new Path(trash, table));
        }
        fs.mkdirs(target.getParent());
        rename(fs, new Path(staging, table), target);
      }
      FaultPoint.reached("publish:moved");
      RunManifest manifest = draft.withOutputs(outputs, Instant.now().toString());
      warehouse.writeAtomically(manifestPath, Warehouse.toJson(manifest));
      FaultPoint.reached("publish:manifest");
      if (latestAfter(date).equals(date)) {
        // otherwise _latest already names a later committed run (with its own run id) and stays
        warehouse.writeAtomically(new Path(warehouse.root(), Warehouse.LATEST),
            Warehouse.toJson(Warehouse.pointer(date, manifest.runId())));
      }
      fs.delete(trash, true);
      fs.delete(staging, true);
      LOG.info("published run {} to {}", date, warehouse.root());
      applyRetention(fs);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("publishing to " + warehouse.root() + " failed", e);
    }
  }

  /**
   * Removes what an interrupted earlier run left behind: its staging and trash directories (the
   * job is the warehouse's only writer, so any other staging directory is a dead run's).
   */
  private void removeLeftovers(FileSystem fs) throws IOException {
    for (String dir : new String[] {Warehouse.STAGING, Warehouse.TRASH}) {
      Path p = new Path(warehouse.root(), dir);
      if (!fs.exists(p)) continue;
      for (FileStatus s : fs.listStatus(p)) {
        if (!s.getPath().getName().startsWith(".probe-")) fs.delete(s.getPath(), true);
      }
    }
  }

  /**
   * After a successful commit: keeps the {@code retentionRuns} most recent committed runs (by date),
   * removing older ones manifest first (so they stop being committed runs at once), then their
   * partitions; also removes partitions that have no manifest (left by a run interrupted after
   * moving its tables). Never touches the run just published, which is committed and newest or kept.
   */
  private void applyRetention(FileSystem fs) throws IOException {
    List<LocalDate> committed = warehouse.runDates();
    List<LocalDate> expired = committed.subList(0, Math.max(0, committed.size() - retentionRuns));
    for (LocalDate d : List.copyOf(expired)) {
      fs.delete(warehouse.manifestPath(d).getParent(), true);
      for (String table : Warehouse.TABLES) fs.delete(warehouse.partition(table, d), true);
      LOG.info("retention: removed run {} (keeping the last {} runs)", d, retentionRuns);
    }
    Set<String> kept = new HashSet<>();
    committed.subList(committed.size() - Math.min(committed.size(), retentionRuns), committed.size())
        .forEach(d -> kept.add("run_date=" + d));
    for (String table : Warehouse.TABLES) {
      Path dir = new Path(warehouse.root(), table);
      if (!fs.exists(dir)) continue;
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (name.startsWith("run_date=") && !kept.contains(name)) {
          fs.delete(s.getPath(), true);
          LOG.info("removed {}: no committed run", s.getPath());
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

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
  }
}
