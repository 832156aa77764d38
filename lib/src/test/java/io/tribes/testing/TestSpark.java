package io.tribes.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM. Surefire reuses one fork per module, so every test class
 * shares this session; creating a session per class would cost seconds each.
 */
public final class TestSpark {
  private TestSpark() {}

  public static SparkSession session() {
    return Holder.SESSION;
  }

  /** Shared reference data beside the checkout (see ../shared/README.md). */
  public static java.nio.file.Path sharedDir() {
    String dir = System.getProperty("tribes.shared.dir", "../shared");
    return java.nio.file.Path.of(dir).toAbsolutePath().normalize();
  }

  private static final class Holder {
    static final SparkSession SESSION = SparkSession.builder()
        .master("local[2]")
        .appName("tribes-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        // the jobs' serializer (jobs/Spark), so that what an RDD ships is tested as it runs
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .getOrCreate();
  }
}
