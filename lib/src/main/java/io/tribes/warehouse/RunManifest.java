package io.tribes.warehouse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What a published run contains and how it was made: written as {@code runs/<date>/manifest.json},
 * read back by {@link Warehouse}. Field names are snake_case and stable (README, "Run manifest").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunManifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("run_date") String runDate,
    @JsonProperty("run_id") String runId,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("finished_at") String finishedAt,
    @JsonProperty("inputs") Map<String, InputStats> inputs,
    @JsonProperty("config") JsonNode config,
    @JsonProperty("stages") List<StageStats> stages,
    @JsonProperty("graph") Map<String, Object> graph,
    @JsonProperty("lpa") Map<String, Object> lpa,
    @JsonProperty("pagerank") Map<String, Object> pagerank,
    @JsonProperty("communities") CommunityStats communities,
    @JsonProperty("lifecycle") Map<String, Object> lifecycle,
    @JsonProperty("outputs") Map<String, OutputStats> outputs,
    @JsonProperty("forgotten") Forgotten forgotten,
    @JsonProperty("forgot_in_retained_runs") Map<String, Long> forgotInRetainedRuns) {

  public static final int FORMAT_VERSION = 1;

  public RunManifest(int formatVersion, String runDate, String runId, String startedAt, String finishedAt,
      Map<String, InputStats> inputs, JsonNode config, List<StageStats> stages, Map<String, Object> graph,
      Map<String, Object> lpa, Map<String, Object> pagerank, CommunityStats communities, Map<String, Object> lifecycle,
      Map<String, OutputStats> outputs) {
    this(formatVersion, runDate, runId, startedAt, finishedAt, inputs, config, stages, graph, lpa, pagerank,
        communities, lifecycle, outputs, null, null);
  }

  /**
   * Members removed from this run after it was published (opt-outs and {@code input.forget}, README
   * "Publishing"); absent when none was.
   *
   * @param members members removed from this date's run so far, in all rewrites
   * @param lastMembers removed by the last rewrite
   * @param lastAt when the last rewrite committed; {@code lastByRun} the run date of the nightly run that made it
   */
  public record Forgotten(
      @JsonProperty("members") long members,
      @JsonProperty("last_members") long lastMembers,
      @JsonProperty("last_at") String lastAt,
      @JsonProperty("last_by_run") String lastByRun) {}

  /** This manifest as the commit of a rewrite of the date's run: a new run id, and the forgotten count. */
  public RunManifest rewritten(String newRunId, Forgotten f) {
    return new RunManifest(formatVersion, runDate, newRunId, startedAt, finishedAt, inputs, config, stages, graph, lpa,
        pagerank, communities, lifecycle, outputs, f, forgotInRetainedRuns);
  }

  /** This run's manifest after it removed members from other retained runs: how many, per date. */
  public RunManifest withForgotInRetainedRuns(Map<String, Long> perDate) {
    return new RunManifest(formatVersion, runDate, runId, startedAt, finishedAt, inputs, config, stages, graph, lpa,
        pagerank, communities, lifecycle, outputs, forgotten, perDate);
  }

  /**
   * @param nullFlags members table only: per flag column, rows whose value was null and got the safe
   *     default (opted_out: opted out; is_brand, is_bot: flagged)
   */
  public record InputStats(
      @JsonProperty("path") String path,
      @JsonProperty("rows") long rows,
      @JsonProperty("rejected") Map<String, Long> rejected,
      @JsonProperty("null_flags") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> nullFlags) {
    public InputStats(String path, long rows, Map<String, Long> rejected) {
      this(path, rows, rejected, null);
    }
  }

  public record StageStats(
      @JsonProperty("name") String name,
      @JsonProperty("started_at") String startedAt,
      @JsonProperty("seconds") double seconds,
      @JsonProperty("counts") Map<String, Object> counts) {}

  public record CommunityStats(
      @JsonProperty("count") long count,
      @JsonProperty("members_assigned") long membersAssigned,
      @JsonProperty("members_unassigned") long membersUnassigned,
      @JsonProperty("oversized") long oversized,
      @JsonProperty("size_percentiles") Map<String, Long> sizePercentiles,
      @JsonProperty("size_histogram") Map<String, Long> sizeHistogram,
      @JsonProperty("modularity") double modularity,
      @JsonProperty("coverage") double coverage) {}

  public record OutputStats(
      @JsonProperty("path") String path,
      @JsonProperty("rows") long rows) {}

  public RunManifest withOutputs(Map<String, OutputStats> out, String finished) {
    return new RunManifest(formatVersion, runDate, runId, startedAt, finished, inputs, config, stages, graph, lpa,
        pagerank, communities, lifecycle, out, forgotten, forgotInRetainedRuns);
  }
}
