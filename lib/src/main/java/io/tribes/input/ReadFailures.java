package io.tribes.input;

import java.io.EOFException;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a provably bad input file (exit code 2: the data must be fixed) from a failed read (exit
 * code 1: the scheduler should retry). Only failures that the file's bytes explain count as bad data:
 * no Parquet magic number, an unreadable footer or page, a truncated file, bytes that do not match
 * their stored checksum, a column whose stored type cannot be converted. Anything with a network or service cause in its chain (a timeout, a refused or
 * reset connection, a throttled, 5xx or unanswered S3 request) is a read failure, whatever wraps it,
 * and so is any failure that is neither (an access error, a file that vanished).
 */
public final class ReadFailures {
  private static final Set<String> TRANSIENT_CLASSES = Set.of(
      "java.net.SocketTimeoutException", "java.net.SocketException", "java.net.ConnectException",
      "java.net.UnknownHostException", "java.net.NoRouteToHostException", "java.io.InterruptedIOException",
      "java.nio.channels.ClosedByInterruptException",
      "org.apache.hadoop.net.ConnectTimeoutException",
      "org.apache.hadoop.fs.s3a.AWSServiceThrottledException", "org.apache.hadoop.fs.s3a.AWSStatus500Exception",
      "org.apache.hadoop.fs.s3a.AWSNoResponseException", "org.apache.hadoop.fs.s3a.AWSClientIOException",
      "org.apache.hadoop.fs.s3a.AWSApiCallTimeoutException",
      "org.apache.http.NoHttpResponseException", "org.apache.http.ConnectionClosedException",
      "org.apache.http.conn.ConnectTimeoutException", "org.apache.http.conn.HttpHostConnectException",
      "software.amazon.awssdk.core.exception.SdkClientException",
      "software.amazon.awssdk.core.exception.ApiCallTimeoutException",
      "software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException",
      "org.apache.hadoop.hdfs.BlockMissingException");
  private static final String[] TRANSIENT_TEXT = {"slowdown", "throttl", "503 service unavailable",
      "status code: 503", "status code: 500", "connection reset", "read timed out", "connect timed out",
      "connection refused"};
  private static final String[] BAD_DATA_TEXT = {"is not a parquet file", "expected magic number",
      "could not read footer", "can not read value at", "parquet_column_data_type_mismatch",
      "parquet column cannot be converted", "failed_read_file.parquet_column_data_type_mismatch"};

  private ReadFailures() {}

  /** True when a cause in the chain is a network/service failure (checked before any data verdict). */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
        if (TRANSIENT_CLASSES.contains(c.getName())) return true;
      }
      String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      for (String s : TRANSIENT_TEXT) if (msg.contains(s)) return true;
    }
    return false;
  }

  /** True only when the file's own bytes explain the failure, and no network/service cause is in the chain. */
  public static boolean isBadData(Throwable e) {
    if (isTransient(e)) return false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof EOFException || t instanceof org.apache.hadoop.fs.ChecksumException
          || name.startsWith("org.apache.parquet.io.ParquetDecodingException")
          || name.endsWith("SchemaColumnConvertNotSupportedException")) {
        return true;
      }
      String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      for (String s : BAD_DATA_TEXT) if (msg.contains(s)) return true;
    }
    return false;
  }
}
