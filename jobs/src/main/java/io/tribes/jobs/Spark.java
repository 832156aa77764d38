package io.tribes.jobs;

import io.tribes.config.TribesConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;

/** The job's SparkSession: spark-submit's settings win; the config fills in what is unset. */
final class Spark {
  private Spark() {}

  static SparkSession session(String app, TribesConfig.Spark config) {
    SparkConf conf = new SparkConf();
    conf.setIfMissing("spark.master", config.master());
    conf.setIfMissing("spark.app.name", "tribes-" + app);
    conf.setIfMissing("spark.sql.shuffle.partitions", Integer.toString(config.shufflePartitions()));
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.ui.showConsoleProgress", "true");
    if (conf.get("spark.master").startsWith("local")) {
      // no web UI in local mode (its Jetty server and status tracking cost seconds on a short run)
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    if (config.checkpointDir() != null) {
      spark.sparkContext().setCheckpointDir(config.checkpointDir());
    } else if (!conf.get("spark.master").startsWith("local")) {
      // local checkpoints live in one executor's block manager: losing that executor fails the run
      LoggerFactory.getLogger(Spark.class).warn("spark.checkpoint-dir is not set on a cluster (master {}): a lost "
          + "executor will fail the run; set spark.checkpoint-dir to a reliable path (hdfs://, s3a://)",
          conf.get("spark.master"));
    }
    return spark;
  }
}
