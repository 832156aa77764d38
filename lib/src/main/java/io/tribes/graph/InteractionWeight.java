package io.tribes.graph;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.pow;

import io.tribes.config.TribesConfig;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * What one interaction weighs in a run's graph, the one definition {@link GraphBuilder} and everything that
 * re-weighs a run's interactions (the notebook helper) use: the look-back window {@code [runDate - lookback-days,
 * runDate)} (UTC midnights), the type's configured weight ({@code graph.type-weights}; null for a type without
 * one), and {@code typeWeight * coalesce(weight, 1) * 0.5^(age / decay-half-life-days)}, the age in days counted
 * back from the window's end (no decay when the half-life is 0). Columns read: {@code type}, {@code weight},
 * {@code ts}.
 */
public final class InteractionWeight {
  private final Timestamp windowStart;
  private final Timestamp windowEnd;
  private final double halfLifeDays;
  private final Map<String, Double> typeWeights;

  public InteractionWeight(LocalDate runDate, TribesConfig.Window window, Map<String, Double> typeWeights) {
    this.windowEnd = Timestamp.from(runDate.atStartOfDay(ZoneOffset.UTC).toInstant());
    this.windowStart = Timestamp.from(runDate.minusDays(window.lookbackDays()).atStartOfDay(ZoneOffset.UTC).toInstant());
    this.halfLifeDays = window.decayHalfLifeDays();
    this.typeWeights = new TreeMap<>(typeWeights);
  }

  /** The window's first instant (inclusive). */
  public Timestamp windowStart() {
    return windowStart;
  }

  /** The window's end (exclusive): the run date's midnight. */
  public Timestamp windowEnd() {
    return windowEnd;
  }

  /** The configured weight of the row's {@code type}; null for a type without one. */
  public Column typeWeight() {
    List<Column> kv = new ArrayList<>();
    typeWeights.forEach((k, v) -> {
      kv.add(lit(k));
      kv.add(lit(v));
    });
    return element_at(map(kv.toArray(new Column[0])), col("type"));
  }

  /** The row's weight, given its type weight (the {@link #typeWeight} expression or a column holding it). */
  public Column weight(Column typeWeight) {
    Column weight = typeWeight.multiply(coalesce(col("weight"), lit(1.0)));
    if (halfLifeDays > 0) {
      Column ageDays = lit(windowEnd.getTime() / 1000.0).minus(col("ts").cast(DataTypes.DoubleType)).divide(86400.0);
      weight = weight.multiply(pow(lit(0.5), ageDays.divide(halfLifeDays)));
    }
    return weight;
  }
}
