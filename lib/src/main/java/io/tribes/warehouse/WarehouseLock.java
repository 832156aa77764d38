package io.tribes.warehouse;

import io.tribes.TribesException;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tribes.RetryableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse's writer lock, {@code <root>/_lock}: a lease (JSON: owner, run date, run id, a random
 * token, acquired/expires times) that a run takes before any work and holds until it ends. It is
 * renewed every quarter of the lease while the run lives; a run that finds a lease not expired fails
 * with one line naming the holder (exit code 1: retry later); a lease past its expiry (its run died
 * without releasing it) is taken over. Before committing (the manifest write), a run checks that the
 * lock still names it, so a run that lost its lease never commits.
 *
 * <p>Taking the lock is one atomic create-if-absent: on local paths a hard link of a complete
 * temporary file (link(2) fails if the name exists); on HDFS and other Hadoop file systems a rename of
 * a complete temporary file, which fails if the target exists; on S3 a PUT with {@code If-None-Match: *}
 * when the store honours it (probed, see {@link S3ConditionalCreate}). On an S3 store without
 * conditional writes the lock is check-then-write followed by a read-back after a short pause: two runs
 * started within that window could both proceed (see README, "Publishing").
 */
public final class WarehouseLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseLock.class);

  /** The lock file's content. */
  public record Lease(
      @JsonProperty("owner") String owner,
      @JsonProperty("run_date") String runDate,
      @JsonProperty("run_id") String runId,
      @JsonProperty("token") String token,
      @JsonProperty("acquired_at") String acquiredAt,
      @JsonProperty("expires_at") String expiresAt) {
    boolean expired(Instant now) {
      return Instant.parse(expiresAt).isBefore(now);
    }

    String describe() {
      return owner + " (run date " + runDate + ", run id " + runId + ", since " + acquiredAt + ", lease until "
          + expiresAt + ")";
    }
  }

  private final Warehouse warehouse;
  private final Path path;
  private final Duration lease;
  private volatile Lease held;
  private volatile String lostTo;
  private final ScheduledExecutorService renewer;

  private WarehouseLock(Warehouse warehouse, Lease held, Duration lease) {
    this.warehouse = warehouse;
    this.path = lockPath(warehouse);
    this.lease = lease;
    this.held = held;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tribes-lock-renewal");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(250, lease.toMillis() / 4);
    renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  static Path lockPath(Warehouse warehouse) {
    return warehouse.layout().lock();
  }

  /** This process: user@host pid N. */
  public static String defaultOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = String.valueOf(System.getenv("HOSTNAME"));
    }
    return System.getProperty("user.name") + "@" + host + " pid " + ProcessHandle.current().pid();
  }

  /**
   * Takes the lock for a run of {@code runDate}, or fails with a {@link RetryableException} naming
   * the holder.
   */
  public static WarehouseLock acquire(Warehouse warehouse, LocalDate runDate, String runId, Duration lease) {
    return acquire(warehouse, runDate, runId, lease, defaultOwner());
  }

  public static WarehouseLock acquire(Warehouse warehouse, LocalDate runDate, String runId, Duration lease,
      String owner) {
    Path path = lockPath(warehouse);
    try {
      for (int attempt = 0; attempt < 2; attempt++) {
        Instant now = Instant.now();
        Lease mine = new Lease(owner, runDate.toString(), runId, UUID.randomUUID().toString(), now.toString(),
            now.plus(lease).toString());
        if (createIfAbsent(warehouse, path, ManifestJson.toJson(mine))) {
          LOG.info("writer lock {} taken by {}", path, mine.describe());
          return new WarehouseLock(warehouse, mine, lease);
        }
        Optional<Lease> current = read(warehouse, path);
        if (current.isEmpty()) {
          // removed in between (its run ended), or written but not yet readable: one more try
          if (attempt == 0) continue;
          throw new RetryableException("warehouse " + warehouse.root() + ": locked (" + path
              + " exists but does not read as a lease; if no run is writing this warehouse, remove it)");
        }
        Lease other = current.get();
        if (!other.expired(Instant.now())) {
          throw new RetryableException("warehouse " + warehouse.root() + ": locked by " + other.describe()
              + "; another run is writing this warehouse: retry after it ends (or, if it died, after its lease"
              + " expires)");
        }
        // expired: its run died without releasing it. Remove it only if it is still the same lease.
        Optional<Lease> again = read(warehouse, path);
        if (again.isPresent() && again.get().token().equals(other.token())) {
          warehouse.files().fs().delete(path, false);
          LOG.warn("writer lock {}: took over the expired lease of {}", path, other.describe());
        }
      }
      Optional<Lease> now = read(warehouse, path);
      throw new RetryableException("warehouse " + warehouse.root() + ": locked by "
          + now.map(Lease::describe).orElse("another run") + " (it took over an expired lease first): retry later");
    } catch (IOException e) {
      throw new UncheckedIOException("writer lock " + path + ": cannot be taken (" + TribesException.rootMessage(e) + ")", e);
    }
  }

  /** The lease this run holds. */
  public Lease lease() {
    return held;
  }

  /**
   * Fails unless the lock still names this run: called before each commit, so a run whose lease
   * expired and was taken over never commits.
   */
  public void verify() {
    Optional<Lease> current;
    try {
      current = read(warehouse, path);
    } catch (IOException e) {
      throw new UncheckedIOException("writer lock " + path + ": cannot be read", e);
    }
    if (lostTo != null || current.isEmpty() || !current.get().token().equals(held.token())) {
      throw new RetryableException("warehouse " + warehouse.root() + ": this run (" + held.runId()
          + ") lost the writer lock" + current.map(l -> " to " + l.describe()).orElse("") + " before committing;"
          + " nothing was committed: retry");
    }
  }

  private synchronized void renew() {
    try {
      Optional<Lease> current = read(warehouse, path);
      if (current.isEmpty() || !current.get().token().equals(held.token())) {
        lostTo = current.map(Lease::describe).orElse("nobody (removed)");
        LOG.error("writer lock {}: lost to {}", path, lostTo);
        renewer.shutdown();
        return;
      }
      Lease renewed = new Lease(held.owner(), held.runDate(), held.runId(), held.token(), held.acquiredAt(),
          Instant.now().plus(lease).toString());
      overwrite(warehouse, path, ManifestJson.toJson(renewed));
      held = renewed;
    } catch (IOException | RuntimeException e) {
      LOG.warn("writer lock {}: renewal failed, will retry ({})", path, TribesException.rootMessage(e));
    }
  }

  /** Stops renewing and removes the lock if it still names this run. */
  @Override
  public synchronized void close() {
    renewer.shutdownNow();
    try {
      Optional<Lease> current = read(warehouse, path);
      if (current.isPresent() && current.get().token().equals(held.token())) {
        delete(warehouse, path);
        LOG.info("writer lock {} released", path);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("writer lock {}: not released ({}); it expires at {}", path, TribesException.rootMessage(e),
          held.expiresAt());
    }
  }

  /** The current lease, or empty when there is none (or it cannot be parsed: it is being written). */
  public static Optional<Lease> read(Warehouse warehouse, Path path) throws IOException {
    byte[] bytes = readBytes(warehouse, path);
    if (bytes == null) return Optional.empty();
    try {
      return Optional.of(ManifestJson.JSON.readValue(bytes, Lease.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The file's bytes, or null when it does not exist. Retried when the object changes while it is read
   * (S3A's change detection: another run replaced the lock between the open and the read).
   */
  private static byte[] readBytes(Warehouse warehouse, Path path) throws IOException {
    FileSystem fs = warehouse.files().fs();
    for (int attempt = 1; ; attempt++) {
      try (InputStream in = fs.open(path)) {
        return in.readAllBytes();
      } catch (java.io.FileNotFoundException e) {
        return null;
      } catch (IOException e) {
        if (attempt >= 3) throw e;
        LOG.info("writer lock {}: read failed ({}), retrying", path, TribesException.rootMessage(e));
        sleep(Duration.ofMillis(200L * attempt));
      }
    }
  }

  private static java.nio.file.Path local(FileSystem fs, Path p) {
    return java.nio.file.Path.of(fs.makeQualified(p).toUri());
  }

  private static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** One atomic create-if-absent of a complete file; true when this call created it. */
  static boolean createIfAbsent(Warehouse warehouse, Path path, byte[] content) throws IOException {
    FileSystem fs = warehouse.files().fs();
    String tmpName = "." + path.getName() + "." + UUID.randomUUID() + ".tmp";
    if (isLocal(fs)) {
      java.nio.file.Path target = local(fs, path);
      Files.createDirectories(target.getParent());
      java.nio.file.Path tmp = target.resolveSibling(tmpName);
      Files.write(tmp, content);
      try {
        Files.createLink(target, tmp); // link(2): fails atomically when the name exists
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    if (S3ConditionalCreate.applies(fs)) {
      Optional<Boolean> created = S3ConditionalCreate.create(fs, path, content);
      if (created.isPresent()) return created.get();
      // the store ignores conditional writes: check, write, then read back after a pause. A run that
      // finds the lock waits the same pause before reading who holds it, so that writes racing with
      // its check have landed and it names the run that kept the lock
      if (fs.exists(path)) {
        sleep(Duration.ofSeconds(2));
        return false;
      }
      try (OutputStream out = fs.create(path, true)) {
        out.write(content);
      }
      sleep(Duration.ofSeconds(2));
      byte[] now = readBytes(warehouse, path);
      return now != null && java.util.Arrays.equals(now, content);
    }
    // HDFS and other Hadoop file systems: rename of a complete file fails when the target exists
    fs.mkdirs(path.getParent());
    Path tmp = new Path(path.getParent(), tmpName);
    try (OutputStream out = fs.create(tmp, false)) {
      out.write(content);
    }
    try {
      return fs.rename(tmp, path);
    } finally {
      fs.delete(tmp, false);
    }
  }

  private static void overwrite(Warehouse warehouse, Path path, byte[] content) throws IOException {
    FileSystem fs = warehouse.files().fs();
    if (isLocal(fs)) {
      java.nio.file.Path target = local(fs, path);
      java.nio.file.Path tmp = target.resolveSibling("." + path.getName() + "." + UUID.randomUUID() + ".tmp");
      Files.write(tmp, content);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    warehouse.files().writeAtomically(path, content);
  }

  private static void delete(Warehouse warehouse, Path path) throws IOException {
    FileSystem fs = warehouse.files().fs();
    if (isLocal(fs)) {
      Files.deleteIfExists(local(fs, path));
      return;
    }
    fs.delete(path, false);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
