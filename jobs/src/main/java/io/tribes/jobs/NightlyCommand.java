package io.tribes.jobs;

import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import io.tribes.warehouse.RunManifest;
import io.tribes.pipeline.NightlyPipeline;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code nightly --config FILE [--run-date YYYY-MM-DD] [--input DIR] [--interactions PATH]
 * [--members PATH|none] [--warehouse PATH]}: runs the nightly job. {@code --input DIR} reads
 * {@code DIR/interactions} and {@code DIR/members}.
 */
final class NightlyCommand {
  static final Set<String> OPTIONS = Set.of("config", "run-date", "input", "interactions", "members", "warehouse");

  private NightlyCommand() {}

  /** The effective config: file (or embedded defaults) overlaid by command-line options. */
  static TribesConfig config(Args args) {
    ConfigLoader loader = new ConfigLoader();
    TribesConfig config = args.get("config") == null ? loader.defaults() : loader.load(Path.of(args.get("config")));
    String interactions = config.input().interactions();
    String members = config.input().members();
    if (args.get("input") != null) {
      String dir = args.get("input").replaceAll("/+$", "");
      interactions = dir + "/interactions";
      members = dir + "/members";
    }
    interactions = args.get("interactions", interactions);
    members = args.get("members", members);
    config = config.withInput(interactions, members);
    if (args.get("warehouse") != null) config = config.withWarehouse(args.get("warehouse"));
    if (args.get("run-date") != null) {
      config = config.withRunDate(ConfigLoader.parseRunDate(args.get("run-date"), "option '--run-date'").toString());
    }
    ConfigLoader.requireInputs(config);
    return config;
  }

  static LocalDate runDate(TribesConfig config) {
    return config.runDate() == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(config.runDate());
  }

  static RunManifest run(SparkSession spark, TribesConfig config) {
    return new NightlyPipeline(spark, config).run(runDate(config));
  }
}
