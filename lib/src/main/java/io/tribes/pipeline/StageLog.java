package io.tribes.pipeline;

import io.tribes.warehouse.RunManifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Times the named stages of a run, logs their start, end, duration and counts, and keeps them for the manifest. */
final class StageLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.tribes.stage");
  private final List<RunManifest.StageStats> stages = new ArrayList<>();
  private final SparkActivity activity;
  private final org.apache.spark.SparkContext sc;

  StageLog() {
    this(null, null);
  }

  /** With {@code activity}, each stage's log line also gives its Spark jobs, stages, tasks, shuffle and spill. */
  StageLog(org.apache.spark.SparkContext sc, SparkActivity activity) {
    this.sc = sc;
    this.activity = activity;
  }

  /**
   * Runs one stage. {@code counts} derives the row counts to log from the stage's result (it may run
   * Spark actions; they are part of the stage's time).
   */
  <T> T run(String name, Supplier<T> stage, Function<T, Map<String, Object>> counts) {
    Instant start = Instant.now();
    LOG.info("stage {}: start", name);
    T result = stage.get();
    io.tribes.FaultPoint.reached(name);
    Map<String, Object> c = new LinkedHashMap<>(counts.apply(result));
    double seconds = Math.round((Instant.now().toEpochMilli() - start.toEpochMilli()) / 10.0) / 100.0;
    LOG.info("stage {}: done in {} s {}{}", name, seconds, c, spark(start));
    stages.add(new RunManifest.StageStats(name, start.toString(), seconds, c));
    return result;
  }

  private String spark(Instant start) {
    if (activity == null) return "";
    try {
      sc.listenerBus().waitUntilEmpty(2_000);
    } catch (java.util.concurrent.TimeoutException e) {
      // figures may be a few events short; they are for the log only
    }
    return " spark{" + activity.between(start.toEpochMilli(), System.currentTimeMillis() + 1) + "}";
  }

  List<RunManifest.StageStats> stages() {
    return Collections.unmodifiableList(stages);
  }
}
