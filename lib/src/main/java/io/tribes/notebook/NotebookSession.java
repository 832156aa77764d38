package io.tribes.notebook;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a notebook: {@code local[2]}, no UI or console progress, UTC, 4 shuffle partitions, driver
 * on 127.0.0.1. {@link Explore#localSession} hands it out.
 */
public final class NotebookSession {
  private NotebookSession() {}

  /** The session ({@code getOrCreate}); {@code extra} (may be null or empty) adds or overrides settings. */
  public static SparkSession local(Map<String, String> extra) {
    SparkSession.Builder b = SparkSession.builder()
        .master("local[2]")
        .appName("tribes-notebook")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC");
    if (extra != null) extra.forEach(b::config);
    return b.getOrCreate();
  }
}
