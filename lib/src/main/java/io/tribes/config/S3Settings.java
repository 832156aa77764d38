package io.tribes.config;

import io.tribes.config.TribesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Applies the config's {@code s3:} section to the session's Hadoop configuration as
 * {@code fs.s3a.*}. A key given to spark-submit ({@code spark.hadoop.fs.s3a.*}) or by a site file
 * (core-site.xml) wins over the config; a null config value leaves the key alone. Only names
 * (endpoint, region, provider class) pass through here, never secrets; nothing is logged.
 */
public final class S3Settings {
  private S3Settings() {}

  /** The Hadoop keys the section maps to, in config order; null values are left out. */
  public static Map<String, String> hadoopKeys(TribesConfig.S3 s3) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s3 == null) return m;
    if (s3.endpoint() != null) m.put("fs.s3a.endpoint", s3.endpoint());
    if (s3.pathStyleAccess() != null) m.put("fs.s3a.path.style.access", s3.pathStyleAccess().toString());
    if (s3.region() != null) m.put("fs.s3a.endpoint.region", s3.region());
    if (s3.credentialsProvider() != null) m.put("fs.s3a.aws.credentials.provider", s3.credentialsProvider());
    return m;
  }

  /** Applies the section; returns the keys it set (the others were given outside the config). */
  public static Map<String, String> apply(SparkSession spark, TribesConfig.S3 s3) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> applied = new LinkedHashMap<>();
    hadoopKeys(s3).forEach((key, value) -> {
      if (!givenOutsideConfig(spark, conf, key)) {
        conf.set(key, value, "tribes config s3");
        applied.put(key, value);
      }
    });
    return applied;
  }

  private static boolean givenOutsideConfig(SparkSession spark, Configuration conf, String key) {
    if (spark.sparkContext().getConf().contains("spark.hadoop." + key)) return true;
    String[] sources = conf.getPropertySources(key);
    if (sources == null) return false;
    for (String s : sources) {
      // core-site.xml and friends; *-default.xml are Hadoop's own defaults, which the config overrides
      if (s.endsWith(".xml") && !s.endsWith("-default.xml")) return true;
    }
    return false;
  }
}
