package io.tribes.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import io.tribes.input.Inputs;
import io.tribes.warehouse.RunManifest;
import io.tribes.stages.CommunityMatcher;
import io.tribes.stages.Detection;
import io.tribes.stages.Ranking;
import io.tribes.stages.SegmentTables;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * Assembles one run's {@link RunManifest} from what the stages returned: input and graph statistics, the label
 * propagation and PageRank figures, the community sizes (count, nearest-rank percentiles, histogram), the
 * lifecycle summary and the effective config with secret-looking values redacted. It runs no stage and writes
 * nothing; the only Spark work is collecting the (driver-built) events column.
 */
final class ManifestAssembler {
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|token|credential|access[-_.]?key).*");

  private final TribesConfig config;
  private final LocalDate runDate;
  private final String runId;
  private final String startedAt;

  ManifestAssembler(TribesConfig config, LocalDate runDate, String runId, String startedAt) {
    this.config = config;
    this.runDate = runDate;
    this.runId = runId;
    this.startedAt = startedAt;
  }

  /**
   * The manifest before publishing: no stages, finish time or outputs yet ({@link #withStages} and the writer add
   * them). {@code sortedSizes} are the communities' (size, oversized) rows, smallest first.
   */
  RunManifest draft(Inputs inputs, InteractionGraph graph, Detection detection, Ranking ranking,
      CommunityMatcher.Matching matching, SegmentTables tables, List<Row> sortedSizes, String previousRun) {
    long assigned = sortedSizes.stream().mapToLong(r -> r.getInt(0)).sum();
    long oversized = sortedSizes.stream().filter(r -> r.getBoolean(1)).count();
    Map<String, Object> lifecycle = lifecycle(detection, matching, tables, previousRun);
    return new RunManifest(RunManifest.FORMAT_VERSION, runDate.toString(), runId,
        startedAt, null, inputStats(inputs, graph), redactedConfig(config, runDate),
        null,
        graphStats(graph),
        Map.of("iterations", detection.iterations(), "converged", detection.converged(),
            "seeded", detection.seeded(), "refine_rounds", detection.refineRounds()),
        Map.of("iterations", ranking.pagerankIterations(), "residual", ranking.pagerankResidual(),
            "community_iterations", ranking.communityPagerankIterations(),
            "community_residual", ranking.communityPagerankResidual()),
        new RunManifest.CommunityStats(sortedSizes.size(), assigned, graph.stats().members() - assigned, oversized,
            percentiles(sortedSizes), histogram(sortedSizes, config.community().maxSize()), round(tables.modularity()),
            round(tables.coverage())),
        lifecycle,
        null);
  }

  /** The draft with the stages run so far (the publish stage writes the manifest while it runs). */
  static RunManifest withStages(RunManifest d, List<RunManifest.StageStats> stages) {
    return new RunManifest(d.formatVersion(), d.runDate(), d.runId(), d.startedAt(), d.finishedAt(), d.inputs(),
        d.config(), List.copyOf(stages), d.graph(), d.lpa(), d.pagerank(), d.communities(), d.lifecycle(),
        d.outputs());
  }

  private static Map<String, Object> lifecycle(Detection detection, CommunityMatcher.Matching matching,
      SegmentTables tables, String previousRun) {
    Map<String, Object> lifecycle = new LinkedHashMap<>();
    lifecycle.put("previous_run", previousRun);
    lifecycle.put("seeded", detection.seeded());
    lifecycle.put("matched", matching.matched());
    lifecycle.put("new", matching.born());
    lifecycle.put("dissolved", matching.dissolved());
    Map<String, Long> events = new TreeMap<>();
    // the events table is built on the driver: collecting its column runs no Spark job
    for (Row r : tables.events().select("event").collectAsList()) events.merge(r.getString(0), 1L, Long::sum);
    lifecycle.put("events", events);
    return lifecycle;
  }

  private static Map<String, RunManifest.InputStats> inputStats(Inputs inputs, InteractionGraph graph) {
    Map<String, RunManifest.InputStats> m = new LinkedHashMap<>();
    m.put("interactions", new RunManifest.InputStats(inputs.interactionsPath(), graph.stats().rowsRead(),
        graph.stats().rejected()));
    if (inputs.hasMembers() && inputs.membersPath() != null) {
      m.put("members", new RunManifest.InputStats(inputs.membersPath(),
          inputs.memberRows() >= 0 ? inputs.memberRows() : inputs.members().count(), Map.of(), inputs.memberNulls()));
    }
    return m;
  }

  private static Map<String, Object> graphStats(InteractionGraph graph) {
    var s = graph.stats();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interactions_in_window", s.interactionsInWindow());
    m.put("members", s.members());
    m.put("edges", s.edges());
    m.put("excluded_opted_out", s.excludedOptedOut());
    m.put("excluded_brand_or_bot", s.excludedFlagged());
    m.put("excluded_hubs", s.excludedHubs());
    m.put("weak_ties_dropped", s.weakTiesDropped());
    return m;
  }

  /** Nearest-rank percentiles of community sizes. */
  static Map<String, Long> percentiles(List<Row> sortedSizes) {
    Map<String, Long> p = new LinkedHashMap<>();
    if (sortedSizes.isEmpty()) return p;
    int n = sortedSizes.size();
    p.put("min", (long) sortedSizes.get(0).getInt(0));
    for (int q : new int[] {25, 50, 75, 90, 99}) {
      int idx = Math.max(0, (int) Math.ceil(q / 100.0 * n) - 1);
      p.put("p" + q, (long) sortedSizes.get(idx).getInt(0));
    }
    p.put("max", (long) sortedSizes.get(n - 1).getInt(0));
    return p;
  }

  /** Community counts by size bucket: 3-4, 5-9, 10-19, 20-29, 30-max, and over max-size. */
  static Map<String, Long> histogram(List<Row> sizes, int maxSize) {
    Map<String, Long> h = new LinkedHashMap<>();
    int[] bounds = {1, 5, 10, 20, 30, maxSize + 1};
    for (int i = 0; i + 1 < bounds.length; i++) {
      if (bounds[i + 1] <= bounds[i]) continue;
      int lo = bounds[i];
      int hi = bounds[i + 1];
      h.put(lo + "-" + (hi - 1), sizes.stream().filter(r -> r.getInt(0) >= lo && r.getInt(0) < hi).count());
    }
    h.put(">" + maxSize, sizes.stream().filter(r -> r.getInt(0) > maxSize).count());
    return h;
  }

  /** The effective config for the manifest, with the run date resolved and secret-looking values removed. */
  static JsonNode redactedConfig(TribesConfig config, LocalDate runDate) {
    ObjectNode tree = new ObjectMapper().valueToTree(config.withRunDate(runDate.toString()));
    redact(tree);
    return tree;
  }

  private static void redact(ObjectNode node) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isObject()) {
        redact((ObjectNode) e.getValue());
      } else if (SECRET_KEY.matcher(e.getKey()).matches() && !e.getValue().isNull()) {
        e.setValue(node.textNode("<redacted>"));
      }
    }
  }

  /** A figure for the manifest: rounded to 9 decimals. */
  static double round(double v) {
    return Math.round(v * 1e9) / 1e9;
  }
}
