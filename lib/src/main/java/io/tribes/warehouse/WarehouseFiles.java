package io.tribes.warehouse;

import io.tribes.TribesException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The warehouse's file I/O through the Hadoop file system of its root (local, HDFS or S3A, with the session's
 * Hadoop configuration): small files read whole, and written so that readers see the old or the new content.
 */
final class WarehouseFiles {
  private final SparkSession spark;
  private final Path root;

  WarehouseFiles(SparkSession spark, Path root) {
    this.spark = spark;
    this.root = root;
  }

  FileSystem fs() throws IOException {
    return root.getFileSystem(conf());
  }

  Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  Optional<byte[]> readIfExists(Path p) {
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

  /** Fails early, before any work, when {@code dir} cannot be written (a probe file created and deleted). */
  void checkWritable(Path dir) {
    try {
      FileSystem fs = fs();
      Path probe = new Path(dir, ".probe-" + UUID.randomUUID());
      fs.mkdirs(dir);
      try (OutputStream out = fs.create(probe, false)) {
        out.write(1);
      }
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new TribesException("warehouse " + root + ": not writable (" + TribesException.rootMessage(e) + ")", e);
    }
  }
}
