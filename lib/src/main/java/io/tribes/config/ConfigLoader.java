package io.tribes.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tribes.TribesException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads a YAML config over the embedded defaults (conf/local.yaml): a user file names only what it
 * changes. Unknown keys, wrong types and invalid values fail with a {@link TribesException} naming
 * the key, e.g. {@code config key 'lpa.max-iterations': must be > 0, got 0}.
 */
public final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "/io/tribes/config/local.yaml";
  /** Keys whose value is a free-form map (their children are not checked against the defaults). */
  private static final Set<String> OPEN_MAPS = Set.of("graph.type-weights");
  /** The largest vector the blocked-vector execution holds: one Java array (io.tribes.algo.PageRank's limit). */
  static final long MAX_VECTOR_VERTICES = Integer.MAX_VALUE - 8;
  /** Keys that moved, old -> new: still read (with a warning) so that an existing config file keeps working. */
  private static final Map<String, String> MOVED = Map.of("spark.in-memory-graph-edges", "execution.in-memory-graph-edges");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

  private final ObjectMapper yaml;

  public ConfigLoader() {
    this.yaml = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
  }

  /** The embedded defaults alone. */
  public TribesConfig defaults() {
    return toConfig(defaultsTree(), "embedded defaults");
  }

  /** The defaults overlaid with the YAML file at {@code path}. */
  public TribesConfig load(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TribesException("config file " + path + ": not found");
    } catch (IOException e) {
      throw new TribesException("config file " + path + ": cannot be read (" + e.getMessage() + ")");
    }
    return parse(text, path.toString());
  }

  /** The defaults overlaid with YAML text; {@code source} names it in error messages. */
  public TribesConfig parse(String text, String source) {
    JsonNode user;
    try {
      user = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      throw new TribesException("config file " + source + ": not valid YAML ("
          + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ")");
    }
    ObjectNode merged = defaultsTree();
    if (user != null && !user.isMissingNode() && !user.isNull()) {
      if (!user.isObject()) {
        throw new TribesException("config file " + source + ": expected a mapping of keys at the top level");
      }
      moveKeys((ObjectNode) user, source);
      overlay(merged, (ObjectNode) user, "");
    }
    return toConfig(merged, source);
  }

  /** Rewrites moved keys (see {@link #MOVED}) to their new place in the user's tree; both given is an error. */
  private static void moveKeys(ObjectNode user, String source) {
    MOVED.forEach((from, to) -> {
      String[] f = from.split("\\.");
      String[] t = to.split("\\.");
      JsonNode section = user.get(f[0]);
      if (section == null || !section.isObject() || !section.has(f[1])) return;
      JsonNode value = ((ObjectNode) section).remove(f[1]);
      if (section.isEmpty()) user.remove(f[0]);
      JsonNode target = user.get(t[0]);
      if (target != null && !target.isObject()) return; // overlay names the wrong type
      ObjectNode newSection = target == null ? user.putObject(t[0]) : (ObjectNode) target;
      if (newSection.has(t[1])) {
        throw new TribesException("config key '" + from + "': moved to '" + to + "', which is also set (in " + source
            + "; remove '" + from + "')");
      }
      newSection.set(t[1], value);
      LOG.warn("config key '{}' is deprecated: read as '{}' (in {})", from, to, source);
    });
  }

  private ObjectNode defaultsTree() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("embedded default config " + DEFAULTS_RESOURCE + " missing from the jar");
      }
      return (ObjectNode) yaml.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void overlay(ObjectNode base, ObjectNode user, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = user.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      if (!base.has(field.getKey())) {
        throw new TribesException("config key '" + key + "': unknown key (see conf/local.yaml for the valid keys)");
      }
      JsonNode baseValue = base.get(field.getKey());
      JsonNode userValue = field.getValue();
      if (baseValue.isObject() && !OPEN_MAPS.contains(key)) {
        if (!userValue.isObject()) {
          throw new TribesException("config key '" + key + "': expected a mapping, got " + describe(userValue));
        }
        overlay((ObjectNode) baseValue, (ObjectNode) userValue, key + ".");
      } else {
        base.set(field.getKey(), userValue);
      }
    }
  }

  private TribesConfig toConfig(ObjectNode tree, String source) {
    TribesConfig config;
    try {
      config = yaml.treeToValue(tree, TribesConfig.class);
    } catch (JsonMappingException e) {
      throw new TribesException("config key '" + path(e) + "': " + expectation(e) + " (in " + source + ")");
    } catch (JsonProcessingException e) {
      throw new TribesException("config file " + source + ": " + e.getOriginalMessage());
    }
    validate(config);
    return config;
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String expectation(JsonMappingException e) {
    String msg = e.getOriginalMessage();
    if (msg.contains("not one of the values accepted for Enum")) {
      return "not one of the accepted values " + msg.substring(msg.indexOf('['));
    }
    if (msg.contains("`boolean`") || msg.contains("`java.lang.Boolean`")) return "expected true or false";
    if (msg.contains("`int`") || msg.contains("`java.lang.Integer`")) return "expected an integer";
    if (msg.contains("`double`") || msg.contains("`java.lang.Double`")) return "expected a number";
    if (msg.contains("`java.lang.String`")) return "expected a string";
    if (msg.contains("Map")) return "expected a mapping";
    return "invalid value: " + msg.split("\n")[0];
  }

  private static String describe(JsonNode node) {
    return node.isNull() ? "null" : node.getNodeType().toString().toLowerCase() + " " + node;
  }

  /** Checks every value; the first violation fails, naming its key. */
  static void validate(TribesConfig c) {
    if (c.runDate() != null) {
      parseRunDate(c.runDate(), "config key 'run-date'");
    }
    // required inputs may come from the command line: requireInputs checks them when the job runs
    if (c.input().interactions() != null) requireText(c.input().interactions(), "input.interactions");
    if (c.input().members() != null) requireText(c.input().members(), "input.members");
    if (c.input().forget() != null) requireText(c.input().forget(), "input.forget");
    requireText(c.warehouse(), "warehouse");
    check(c.warehouseRetentionRuns() >= 1, "warehouse-retention-runs", "must be >= 1", c.warehouseRetentionRuns());
    check(c.warehouseLockLeaseSeconds() >= 1, "warehouse-lock-lease-seconds", "must be >= 1",
        c.warehouseLockLeaseSeconds());
    if (c.s3() != null) {
      if (c.s3().endpoint() != null) requireText(c.s3().endpoint(), "s3.endpoint");
      if (c.s3().region() != null) requireText(c.s3().region(), "s3.region");
      if (c.s3().credentialsProvider() != null) requireText(c.s3().credentialsProvider(), "s3.credentials-provider");
    }
    check(c.window().lookbackDays() > 0, "window.lookback-days", "must be > 0", c.window().lookbackDays());
    check(c.window().decayHalfLifeDays() >= 0, "window.decay-half-life-days", "must be >= 0 (0 = no decay)",
        c.window().decayHalfLifeDays());
    var weights = c.graph().typeWeights();
    check(weights != null && !weights.isEmpty(), "graph.type-weights", "must name at least one type", weights);
    for (var e : weights.entrySet()) {
      check(e.getValue() != null && e.getValue() > 0 && Double.isFinite(e.getValue()),
          "graph.type-weights." + e.getKey(), "must be a number > 0", e.getValue());
    }
    check(c.graph().unknownTypes() != null, "graph.unknown-types", "must be ignore or error", null);
    check(c.graph().minTieStrength() >= 0, "graph.min-tie-strength", "must be >= 0", c.graph().minTieStrength());
    check(c.graph().maxDegree() > 0, "graph.max-degree", "must be > 0", c.graph().maxDegree());
    check(c.graph().maxInvalidIdShare() >= 0 && c.graph().maxInvalidIdShare() <= 1,
        "graph.max-invalid-id-share", "must be in [0, 1]", c.graph().maxInvalidIdShare());
    check(c.lpa().maxIterations() > 0, "lpa.max-iterations", "must be > 0", c.lpa().maxIterations());
    check(c.lpa().convergenceThreshold() >= 0 && c.lpa().convergenceThreshold() < 1,
        "lpa.convergence-threshold", "must be in [0, 1)", c.lpa().convergenceThreshold());
    check(c.lpa().resolution() >= 0 && c.lpa().resolution() <= 1, "lpa.resolution",
        "must be in [0, 1] (0 = plain label propagation)", c.lpa().resolution());
    check(c.pagerank().dampingFactor() > 0 && c.pagerank().dampingFactor() < 1,
        "pagerank.damping-factor", "must be in (0, 1)", c.pagerank().dampingFactor());
    check(c.pagerank().maxIterations() > 0, "pagerank.max-iterations", "must be > 0", c.pagerank().maxIterations());
    check(c.pagerank().tolerance() >= 0, "pagerank.tolerance", "must be >= 0", c.pagerank().tolerance());
    var cm = c.community();
    check(cm.minSize() >= 1, "community.min-size", "must be >= 1", cm.minSize());
    check(cm.maxSize() >= cm.minSize(), "community.max-size",
        "must be >= community.min-size (" + cm.minSize() + ")", cm.maxSize());
    check(cm.refineDepth() >= 0, "community.refine-depth", "must be >= 0 (0 = never re-split)", cm.refineDepth());
    check(cm.denseDensity() > 0 && cm.denseDensity() <= 1, "community.dense-density", "must be in (0, 1]",
        cm.denseDensity());
    check(cm.mergeResolution() >= 0 && cm.mergeResolution() <= 1, "community.merge-resolution",
        "must be in [0, 1] (0 = no merge)", cm.mergeResolution());
    var lc = c.lifecycle();
    check(lc.matchJaccard() > 0 && lc.matchJaccard() <= 1, "lifecycle.match-jaccard", "must be in (0, 1]", lc.matchJaccard());
    check(lc.eventShare() > 0 && lc.eventShare() <= 0.5, "lifecycle.event-share", "must be in (0, 0.5]", lc.eventShare());
    check(lc.eventMinMembers() >= 1, "lifecycle.event-min-members", "must be >= 1", lc.eventMinMembers());
    check(lc.sizeChange() >= 0, "lifecycle.size-change", "must be >= 0", lc.sizeChange());
    check(cm.ambassadorFraction() > 0 && cm.ambassadorFraction() <= 1, "community.ambassador-fraction",
        "must be in (0, 1]", cm.ambassadorFraction());
    check(cm.ambassadorMax() >= 1, "community.ambassador-max", "must be >= 1", cm.ambassadorMax());
    check(cm.coreFraction() >= 0 && cm.ambassadorFraction() + cm.coreFraction() <= 1, "community.core-fraction",
        "must be >= 0 with ambassador-fraction + core-fraction <= 1", cm.coreFraction());
    check(cm.topTopics() >= 0, "community.top-topics", "must be >= 0", cm.topTopics());
    requireText(c.spark().master(), "spark.master");
    check(c.spark().shufflePartitions() > 0, "spark.shuffle-partitions", "must be > 0", c.spark().shufflePartitions());
    var ex = c.execution();
    check(ex.inMemoryGraphEdges() >= 0, "execution.in-memory-graph-edges", "must be >= 0 (0 = never in memory)",
        ex.inMemoryGraphEdges());
    check(ex.vectorVertexLimit() >= 0 && ex.vectorVertexLimit() <= MAX_VECTOR_VERTICES, "execution.vector-vertex-limit",
        "must be in [0, " + MAX_VECTOR_VERTICES + "] (0 = never)", ex.vectorVertexLimit());
    check(ex.broadcastVertexLimit() >= 0, "execution.broadcast-vertex-limit", "must be >= 0 (0 = never)",
        ex.broadcastVertexLimit());
    check(c.spark().checkpointInterval() >= 0, "spark.checkpoint-interval", "must be >= 0 (0 = never)",
        c.spark().checkpointInterval());
  }

  /**
   * The inputs a run needs, once the command line has been applied: the embedded defaults name no
   * input (sample paths are only {@code demo}'s), so a missing one is an error naming its key.
   */
  public static void requireInputs(TribesConfig c) {
    if (c.input().interactions() == null) {
      throw new TribesException("config key 'input.interactions': required, not set (expected the Parquet path of"
          + " the interactions; or --interactions PATH / --input DIR)");
    }
    if (c.input().members() == null) {
      throw new TribesException("config key 'input.members': required, not set (expected the Parquet path of the"
          + " members table, or none to run without one; or --members PATH|none / --input DIR)");
    }
  }

  /** Parses a YYYY-MM-DD run date; {@code what} names its source in the error. */
  public static LocalDate parseRunDate(String text, String what) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new TribesException(what + ": expected a date YYYY-MM-DD, got '" + text + "'");
    }
  }

  private static void requireText(String value, String key) {
    check(value != null && !value.isBlank(), key, "must be a non-empty string", value);
  }

  private static void check(boolean ok, String key, String rule, Object actual) {
    if (!ok) {
      throw new TribesException("config key '" + key + "': " + rule + ", got " + actual);
    }
  }
}
