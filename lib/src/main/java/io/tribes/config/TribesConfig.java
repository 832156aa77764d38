package io.tribes.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The nightly job's configuration, read from YAML (see conf/local.yaml for every key, its default
 * and its meaning). Keys are kebab-case; records are immutable and validated by {@link ConfigLoader}.
 */
public record TribesConfig(
    @JsonProperty("run-date") String runDate,
    @JsonProperty("input") Input input,
    @JsonProperty("warehouse") String warehouse,
    @JsonProperty("window") Window window,
    @JsonProperty("graph") Graph graph,
    @JsonProperty("lpa") Lpa lpa,
    @JsonProperty("pagerank") PageRank pagerank,
    @JsonProperty("community") Community community,
    @JsonProperty("lifecycle") Lifecycle lifecycle,
    @JsonProperty("spark") Spark spark,
    @JsonProperty("execution") Execution execution,
    @JsonProperty("warehouse-retention-runs") int warehouseRetentionRuns,
    @JsonProperty("s3") S3 s3,
    @JsonProperty("warehouse-lock-lease-seconds") int warehouseLockLeaseSeconds) {

  /**
   * @param members a path, or {@link #NONE}; null (not given) is an error when the job runs
   * @param forget member ids to forget (column member_id), or null
   */
  public record Input(
      @JsonProperty("interactions") String interactions,
      @JsonProperty("members") String members,
      @JsonProperty("forget") String forget) {
    public static final String NONE = "none";

    public Input(String interactions, String members) {
      this(interactions, members, null);
    }

    /** The members table's path, or null when the job runs without one ({@code none}). */
    public String membersTable() {
      return NONE.equals(members) ? null : members;
    }
  }

  public record Window(
      @JsonProperty("lookback-days") int lookbackDays,
      @JsonProperty("decay-half-life-days") double decayHalfLifeDays) {}

  public record Graph(
      @JsonProperty("type-weights") Map<String, Double> typeWeights,
      @JsonProperty("unknown-types") UnknownTypes unknownTypes,
      @JsonProperty("min-tie-strength") double minTieStrength,
      @JsonProperty("max-degree") int maxDegree,
      @JsonProperty("max-invalid-id-share") double maxInvalidIdShare) {}

  /** What the job does with an interaction type that has no configured weight. */
  public enum UnknownTypes {
    @JsonProperty("ignore") IGNORE,
    @JsonProperty("error") ERROR
  }

  public record Lpa(
      @JsonProperty("max-iterations") int maxIterations,
      @JsonProperty("convergence-threshold") double convergenceThreshold,
      @JsonProperty("resolution") double resolution) {}

  public record PageRank(
      @JsonProperty("damping-factor") double dampingFactor,
      @JsonProperty("max-iterations") int maxIterations,
      @JsonProperty("tolerance") double tolerance) {}

  public record Community(
      @JsonProperty("min-size") int minSize,
      @JsonProperty("max-size") int maxSize,
      @JsonProperty("refine-depth") int refineDepth,
      @JsonProperty("dense-density") double denseDensity,
      @JsonProperty("merge-resolution") double mergeResolution,
      @JsonProperty("ambassador-fraction") double ambassadorFraction,
      @JsonProperty("ambassador-max") int ambassadorMax,
      @JsonProperty("core-fraction") double coreFraction,
      @JsonProperty("top-topics") int topTopics) {}

  public record Lifecycle(
      @JsonProperty("match-jaccard") double matchJaccard,
      @JsonProperty("event-share") double eventShare,
      @JsonProperty("event-min-members") int eventMinMembers,
      @JsonProperty("size-change") double sizeChange,
      @JsonProperty("seed-from-previous") boolean seedFromPrevious) {}

  public record Spark(
      @JsonProperty("master") String master,
      @JsonProperty("shuffle-partitions") int shufflePartitions,
      @JsonProperty("checkpoint-interval") int checkpointInterval,
      @JsonProperty("checkpoint-dir") String checkpointDir) {}

  /**
   * How the graph algorithms execute (the one switch, {@code io.tribes.algo.Execution}): in one task's memory up to
   * {@code in-memory-graph-edges} edges, else as a Spark blocked vector up to {@code vector-vertex-limit} vertices
   * (where the algorithm has one), else as DataFrame iterations (broadcasting the vertex state up to {@code
   * broadcast-vertex-limit} vertices). Only the execution changes, never the result.
   */
  public record Execution(
      @JsonProperty("in-memory-graph-edges") long inMemoryGraphEdges,
      @JsonProperty("vector-vertex-limit") long vectorVertexLimit,
      @JsonProperty("broadcast-vertex-limit") long broadcastVertexLimit) {}

  /**
   * S3A settings applied to the Hadoop configuration as {@code fs.s3a.*} (null = leave S3A's own
   * default; {@code spark.hadoop.fs.s3a.*} given to spark-submit and core-site.xml win). Never
   * holds secrets: credentials come from the provider chain (environment, instance profile, or
   * {@code fs.s3a.access.key}/{@code fs.s3a.secret.key} set outside this file).
   */
  public record S3(
      @JsonProperty("endpoint") String endpoint,
      @JsonProperty("path-style-access") Boolean pathStyleAccess,
      @JsonProperty("region") String region,
      @JsonProperty("credentials-provider") String credentialsProvider) {}

  public TribesConfig withRunDate(String date) {
    return new TribesConfig(date, input, warehouse, window, graph, lpa, pagerank, community, lifecycle, spark, execution,
        warehouseRetentionRuns, s3, warehouseLockLeaseSeconds);
  }

  public TribesConfig withInput(String interactions, String members) {
    return new TribesConfig(runDate, new Input(interactions, members, input == null ? null : input.forget()),
        warehouse, window, graph, lpa, pagerank, community, lifecycle, spark, execution, warehouseRetentionRuns, s3,
        warehouseLockLeaseSeconds);
  }

  public TribesConfig withLifecycle(Lifecycle l) {
    return new TribesConfig(runDate, input, warehouse, window, graph, lpa, pagerank, community, l, spark, execution,
        warehouseRetentionRuns, s3, warehouseLockLeaseSeconds);
  }

  public TribesConfig withSpark(Spark s) {
    return new TribesConfig(runDate, input, warehouse, window, graph, lpa, pagerank, community, lifecycle, s, execution,
        warehouseRetentionRuns, s3, warehouseLockLeaseSeconds);
  }

  public TribesConfig withForget(String forget) {
    return new TribesConfig(runDate, new Input(input.interactions(), input.members(), forget), warehouse, window,
        graph, lpa, pagerank, community, lifecycle, spark, execution, warehouseRetentionRuns, s3, warehouseLockLeaseSeconds);
  }

  public TribesConfig withWarehouse(String path) {
    return new TribesConfig(runDate, input, path, window, graph, lpa, pagerank, community, lifecycle, spark, execution,
        warehouseRetentionRuns, s3, warehouseLockLeaseSeconds);
  }
}
