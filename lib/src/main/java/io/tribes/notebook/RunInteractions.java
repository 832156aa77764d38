package io.tribes.notebook;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionWeight;
import io.tribes.input.InputReader;
import io.tribes.warehouse.RunManifest;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A run's usable interactions with their weight {@code w}, as the run's graph build weighed them
 * ({@link InteractionWeight} with the window and type weights of the run's manifest config; a key the manifest
 * lacks takes the embedded default's value): inside the run's window, a known type, no self-loop or invalid row.
 * Rows: src, dst, w, topic. Opted-out members never reach the segment tables, so joining with them drops their
 * rows.
 */
final class RunInteractions {
  private RunInteractions() {}

  static Dataset<Row> weighted(SparkSession spark, String date, RunManifest m) {
    RunManifest.InputStats src = m.inputs() == null ? null : m.inputs().get("interactions");
    if (src == null || src.path() == null) {
      throw new IllegalStateException("manifest of " + date + " records no inputs.interactions.path");
    }
    JsonNode config = m.config();
    TribesConfig.Window defaults = new ConfigLoader().defaults().window();
    TribesConfig.Window window = new TribesConfig.Window(
        config.path("window").path("lookback-days").asInt(defaults.lookbackDays()),
        config.path("window").path("decay-half-life-days").asDouble(defaults.decayHalfLifeDays()));
    Map<String, Double> typeWeights = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> types = config.path("graph").path("type-weights").fields();
    while (types.hasNext()) {
      Map.Entry<String, JsonNode> e = types.next();
      typeWeights.put(e.getKey(), e.getValue().asDouble());
    }
    if (typeWeights.isEmpty()) {
      throw new IllegalStateException("manifest of " + date + " has no config.graph.type-weights");
    }
    InteractionWeight rule = new InteractionWeight(LocalDate.parse(date), window, typeWeights);
    Column typeWeight = rule.typeWeight();
    Column w = rule.weight(typeWeight);
    Dataset<Row> in = new InputReader(spark).read(src.path(), null).interactions();
    return in.filter(col("src").isNotNull().and(col("dst").isNotNull()).and(col("src").notEqual(col("dst")))
            .and(col("ts").geq(lit(rule.windowStart()))).and(col("ts").lt(lit(rule.windowEnd())))
            .and(typeWeight.isNotNull()).and(col("weight").isNull().or(col("weight").geq(0))))
        .select(col("src"), col("dst"), when(w.isNaN(), lit(null)).otherwise(w).as("w"), col("topic"))
        .filter(col("w").isNotNull());
  }

  /** The run's {@code graph.min-tie-strength}: a tie weaker than this was not in its graph. */
  static double minTieStrength(RunManifest m) {
    return m.config().path("graph").path("min-tie-strength")
        .asDouble(new ConfigLoader().defaults().graph().minTieStrength());
  }
}
