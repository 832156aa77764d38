package io.tribes.warehouse;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Create-if-absent on S3 through S3A's own client (endpoint, credentials, region as configured): a PUT
 * with {@code If-None-Match: *}, which S3 (since August 2024) answers with 412 when the key exists, so
 * exactly one of several writers creates it. Hadoop 3.4.1's S3A has no API for it, so the header is set
 * on the SDK request. Whether the store honours the header is probed once per bucket (a second
 * conditional PUT of a probe key must be refused); when it does not, {@link #create} returns empty and
 * the caller falls back to check-then-write (see {@link WarehouseLock}). Loaded only for s3a:// paths.
 */
final class S3ConditionalCreate {
  private static final java.util.Map<String, Boolean> SUPPORTED = new java.util.concurrent.ConcurrentHashMap<>();

  private S3ConditionalCreate() {}

  static boolean applies(FileSystem fs) {
    return fs.getClass().getName().equals("org.apache.hadoop.fs.s3a.S3AFileSystem");
  }

  /**
   * @return true when this call created the object, false when it existed; empty when the store
   *     ignores conditional writes (nothing was written)
   */
  static Optional<Boolean> create(FileSystem fileSystem, Path path, byte[] content) throws IOException {
    S3AFileSystem fs = (S3AFileSystem) fileSystem;
    S3Client client = fs.getS3AInternals().getAmazonS3Client("tribes writer lock");
    String bucket = fs.getBucket();
    Path qualified = fs.makeQualified(path);
    if (!SUPPORTED.computeIfAbsent(bucket, b -> probe(client, b, fs.pathToKey(qualified)))) return Optional.empty();
    return Optional.of(putIfAbsent(client, bucket, fs.pathToKey(qualified), content));
  }

  /** Whether the store refuses a conditional PUT of an existing key. */
  private static boolean probe(S3Client client, String bucket, String lockKey) {
    String key = lockKey + ".probe-" + UUID.randomUUID();
    try {
      putIfAbsent(client, bucket, key, new byte[] {1});
      boolean honoured = !putIfAbsent(client, bucket, key, new byte[] {2});
      org.slf4j.LoggerFactory.getLogger(S3ConditionalCreate.class).info(
          "s3a://{}: conditional writes (If-None-Match) {}", bucket, honoured ? "honoured" : "ignored: check-then-write");
      return honoured;
    } finally {
      try {
        client.deleteObject(b -> b.bucket(bucket).key(key));
      } catch (RuntimeException ignored) {
        // a probe object left behind is harmless (its name starts with _lock.probe-)
      }
    }
  }

  private static boolean putIfAbsent(S3Client client, String bucket, String key, byte[] content) {
    PutObjectRequest req = PutObjectRequest.builder().bucket(bucket).key(key)
        .overrideConfiguration(o -> o.putHeader("If-None-Match", "*")).build();
    try {
      client.putObject(req, RequestBody.fromBytes(content));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) return false; // exists, or a concurrent conditional write
      throw e;
    }
  }
}
