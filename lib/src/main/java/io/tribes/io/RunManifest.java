package io.tribes.io;

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
    @JsonProperty("outputs") Map<String, OutputStats> outputs) {

  public static final int FORMAT_VERSION = 1;

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
        pagerank, communities, lifecycle, out);
  }
}
