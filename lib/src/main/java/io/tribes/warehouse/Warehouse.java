package io.tribes.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A warehouse and its reader API. Readers only ever see committed runs:
 *
 * <pre>
 * &lt;root&gt;/member_segments/run_date=YYYY-MM-DD/run_id=ID/    Parquet
 * &lt;root&gt;/communities/run_date=YYYY-MM-DD/run_id=ID/        Parquet
 * &lt;root&gt;/community_events/run_date=YYYY-MM-DD/run_id=ID/   Parquet
 * &lt;root&gt;/runs/YYYY-MM-DD/manifest.json   the commit: names the date's run_id; written after the tables
 * &lt;root&gt;/_latest                         JSON {"run_date": ..., "run_id": ...}, written last
 * &lt;root&gt;/_staging/                       work in progress; never read
 * </pre>
 *
 * <p>Each run writes its own {@code run_id=} directory, so a rerun of a published date never touches
 * the tables the date's manifest names: the manifest is replaced in one atomic write, and the
 * superseded directory is removed only after that. A {@code run_id=} directory that its date's manifest
 * does not name is not committed. Warehouses written before run ids were in the layout (tables directly
 * under {@code run_date=}) are still read.
 *
 * <p>The parts, each a small type of this package: {@link WarehouseLayout} (paths), {@code WarehouseFiles} (file
 * I/O: atomic small writes), {@code ManifestJson} (the JSON documents), {@link SegmentWriter} (publishing: staging,
 * commit, retention), {@link WarehouseLock} (one writer at a time) and {@link Forgetting} (opt-outs in history).
 */
public final class Warehouse {
  public static final String MEMBER_SEGMENTS = "member_segments";
  public static final String COMMUNITIES = "communities";
  public static final String COMMUNITY_EVENTS = "community_events";
  public static final List<String> TABLES = List.of(MEMBER_SEGMENTS, COMMUNITIES, COMMUNITY_EVENTS);

  private final SparkSession spark;
  private final WarehouseLayout layout;
  private final WarehouseFiles files;

  public Warehouse(SparkSession spark, String root) {
    if (root == null || root.isBlank()) throw new IllegalArgumentException("root must be a non-empty path");
    this.spark = spark;
    this.layout = new WarehouseLayout(new Path(root));
    this.files = new WarehouseFiles(spark, layout.root());
  }

  /** A committed run: its manifest and tables. */
  public record PublishedRun(RunManifest manifest, Dataset<Row> memberSegments, Dataset<Row> communities,
      Dataset<Row> communityEvents) {}

  /**
   * The run {@code _latest} points to, or empty when nothing was ever published. When that run is
   * not committed (a rerun of its date was interrupted after withdrawing it), the newest committed run.
   */
  public Optional<PublishedRun> latest() {
    Optional<String> date = latestRunDate();
    if (date.isEmpty()) return Optional.empty();
    Optional<PublishedRun> run = run(LocalDate.parse(date.get()));
    if (run.isPresent()) return run;
    List<LocalDate> committed = runDates();
    return committed.isEmpty() ? Optional.empty() : run(committed.get(committed.size() - 1));
  }

  /** The committed run of {@code date}, or empty. */
  public Optional<PublishedRun> run(LocalDate date) {
    Optional<RunManifest> manifest = manifest(date);
    if (manifest.isEmpty()) return Optional.empty();
    RunManifest m = manifest.get();
    return Optional.of(new PublishedRun(m, table(MEMBER_SEGMENTS, m), table(COMMUNITIES, m),
        table(COMMUNITY_EVENTS, m)));
  }

  /** The latest committed run strictly before {@code date}: what a run of {@code date} continues from. */
  public Optional<PublishedRun> before(LocalDate date) {
    List<LocalDate> dates = runDates();
    for (int i = dates.size() - 1; i >= 0; i--) {
      if (dates.get(i).isBefore(date)) return run(dates.get(i));
    }
    return Optional.empty();
  }

  /** The directory holding table {@code name} of the committed run described by {@code manifest}. */
  private Dataset<Row> table(String name, RunManifest manifest) {
    LocalDate date = LocalDate.parse(manifest.runDate());
    try {
      FileSystem fs = files.fs();
      Path p = layout.tableDir(name, date, manifest.runId());
      if (!fs.exists(p)) p = layout.partition(name, date); // the layout before run ids
      if (name.equals(COMMUNITY_EVENTS) && !fs.exists(p)) {
        // runs published before community_events existed: no events, same schema
        return spark.createDataFrame(List.of(), io.tribes.stages.CommunityMatcher.EVENTS);
      }
      return spark.read().parquet(p.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Dates of all committed runs, oldest first. */
  public List<LocalDate> runDates() {
    List<LocalDate> dates = new ArrayList<>();
    try {
      FileSystem fs = files.fs();
      Path runs = layout.runs();
      if (!fs.exists(runs)) return dates;
      for (FileStatus s : fs.listStatus(runs)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), "manifest.json"))) {
          try {
            dates.add(LocalDate.parse(s.getPath().getName()));
          } catch (RuntimeException ignored) {
            // not a run directory
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dates.sort(null);
    return dates;
  }

  public Optional<String> latestRunDate() {
    return files.readIfExists(layout.latest()).map(ManifestJson::pointerDate);
  }

  public Optional<RunManifest> manifest(LocalDate date) {
    return files.readIfExists(layout.manifestPath(date)).map(ManifestJson::manifest);
  }

  public Path root() {
    return layout.root();
  }

  /** Where everything of this warehouse lives. */
  public WarehouseLayout layout() {
    return layout;
  }

  WarehouseFiles files() {
    return files;
  }

  /** Fails early, before any work, when the warehouse root cannot be written. */
  public void checkWritable() {
    files.checkWritable(layout.staging());
  }
}
