package io.tribes.io;

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
 * &lt;root&gt;/member_segments/run_date=YYYY-MM-DD/   Parquet
 * &lt;root&gt;/communities/run_date=YYYY-MM-DD/       Parquet
 * &lt;root&gt;/runs/YYYY-MM-DD/manifest.json          written after the tables: a run without it is not committed
 * &lt;root&gt;/_latest                                JSON {"run_date": ...}, written last
 * &lt;root&gt;/_staging/                              work in progress; never read
 * </pre>
 */
public final class Warehouse {
  public static final String MEMBER_SEGMENTS = "member_segments";
  public static final String COMMUNITIES = "communities";
  public static final String COMMUNITY_EVENTS = "community_events";
  public static final List<String> TABLES = List.of(MEMBER_SEGMENTS, COMMUNITIES, COMMUNITY_EVENTS);
  static final String LATEST = "_latest";
  static final String STAGING = "_staging";
  static final String TRASH = "_trash";
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
    return Optional.of(new PublishedRun(manifest.get(), table(MEMBER_SEGMENTS, date), table(COMMUNITIES, date),
        table(COMMUNITY_EVENTS, date)));
  }

  /** The latest committed run strictly before {@code date}: what a run of {@code date} continues from. */
  public Optional<PublishedRun> before(LocalDate date) {
    List<LocalDate> dates = runDates();
    for (int i = dates.size() - 1; i >= 0; i--) {
      if (dates.get(i).isBefore(date)) return run(dates.get(i));
    }
    return Optional.empty();
  }

  private Dataset<Row> table(String name, LocalDate date) {
    Path p = partition(name, date);
    if (name.equals(COMMUNITY_EVENTS)) {
      try {
        if (!fs().exists(p)) {
          // runs published before community_events existed: no events, same schema
          return spark.createDataFrame(List.of(), io.tribes.segment.CommunityMatcher.EVENTS);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return spark.read().parquet(p.toString());
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

  public Path partition(String table, LocalDate date) {
    return new Path(new Path(root, table), "run_date=" + date);
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

  /** Writes a small file so that readers see the old or the new content, never a partial one. */
  void writeAtomically(Path target, byte[] content) throws IOException {
    FileSystem fs = fs();
    fs.mkdirs(target.getParent());
    Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(content);
    }
    try {
      FileContext.getFileContext(target.toUri(), conf()).rename(tmp, target, Options.Rename.OVERWRITE);
    } catch (IOException | UnsupportedOperationException e) {
      // Object stores: a single PUT is atomic, so replace by delete + rename of the small object.
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
      throw new TribesException("warehouse " + root + ": not writable (" + InputReader.rootMessage(e) + ")", e);
    }
  }
}
