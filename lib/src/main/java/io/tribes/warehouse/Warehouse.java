package io.tribes.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tribes.TribesException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse layout and its reader API. Readers only ever see committed runs:
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
 */
public final class Warehouse {
  public static final String MEMBER_SEGMENTS = "member_segments";
  public static final String COMMUNITIES = "communities";
  public static final String COMMUNITY_EVENTS = "community_events";
  public static final List<String> TABLES = List.of(MEMBER_SEGMENTS, COMMUNITIES, COMMUNITY_EVENTS);
  static final String LATEST = "_latest";
  static final String STAGING = "_staging";
  static final String TRASH = "_trash";
  static final String RUN_ID_PREFIX = "run_id=";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final Path root;

  public Warehouse(SparkSession spark, String root) {
    if (root == null || root.isBlank()) throw new IllegalArgumentException("root must be a non-empty path");
    this.spark = spark;
    this.root = new Path(root);
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
      FileSystem fs = fs();
      Path p = tableDir(name, date, manifest.runId());
      if (!fs.exists(p)) p = partition(name, date); // the layout before run ids
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
      FileSystem fs = fs();
      Path runs = new Path(root, "runs");
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
    Optional<byte[]> bytes = readIfExists(new Path(root, LATEST));
    if (bytes.isEmpty()) return Optional.empty();
    try {
      return Optional.of(JSON.readTree(bytes.get()).get("run_date").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<RunManifest> manifest(LocalDate date) {
    return readIfExists(manifestPath(date)).map(b -> {
      try {
        return JSON.readValue(b, RunManifest.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
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

  Path manifestPath(LocalDate date) {
    return new Path(new Path(new Path(root, "runs"), date.toString()), "manifest.json");
  }

  Path newStagingDir(LocalDate date) {
    return new Path(new Path(root, STAGING), date + "_" + UUID.randomUUID());
  }

  FileSystem fs() throws IOException {
    return root.getFileSystem(conf());
  }

  Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private Optional<byte[]> readIfExists(Path p) {
    try {
      FileSystem fs = fs();
      if (!fs.exists(p)) return Optional.empty();
      try (InputStream in = fs.open(p)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return Optional.of(out.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a small file so that readers see the old or the new content, never a partial one or none. */
  void writeAtomically(Path target, byte[] content) throws IOException {
    FileSystem fs = fs();
    fs.mkdirs(target.getParent());
    String scheme = fs.getUri().getScheme();
    if (scheme != null && scheme.startsWith("s3")) {
      // S3: one PUT replaces an object atomically (readers see the old or the new object, never none),
      // and S3A writes the object only on close; a rename would be a copy and a delete.
      try (OutputStream out = fs.create(target, true)) {
        out.write(content);
      }
      return;
    }
    Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(content);
    }
    try {
      FileContext.getFileContext(target.toUri(), conf()).rename(tmp, target, Options.Rename.OVERWRITE);
    } catch (UnsupportedOperationException e) {
      // a file system without an overwriting rename: a short window in which the file is absent
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  static byte[] toJson(Object value) {
    try {
      return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> pointer(LocalDate date, String runId) {
    return Map.of("run_date", date.toString(), "run_id", runId);
  }

  /** Fails early, before any work, when the warehouse root cannot be written. */
  public void checkWritable() {
    try {
      FileSystem fs = fs();
      Path probe = new Path(new Path(root, STAGING), ".probe-" + UUID.randomUUID());
      fs.mkdirs(probe.getParent());
      try (OutputStream out = fs.create(probe, false)) {
        out.write(1);
      }
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new TribesException("warehouse " + root + ": not writable (" + TribesException.rootMessage(e) + ")", e);
    }
  }
}
