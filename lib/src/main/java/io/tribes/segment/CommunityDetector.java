package io.tribes.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.tribes.algo.LabelPropagation;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Detect stage: weighted label propagation over the member graph, optionally seeded with the
 * previous run's communities, then refined to the size bounds by {@link CommunityRefiner}.
 */
public final class CommunityDetector {
  private final TribesConfig.Lpa lpa;
  private final TribesConfig.Community community;
  private final TribesConfig.Spark spark;

  public CommunityDetector(TribesConfig.Lpa lpa, TribesConfig.Community community, TribesConfig.Spark spark) {
    this.lpa = lpa;
    this.community = community;
    this.spark = spark;
  }

  public Detection detect(InteractionGraph graph) {
    return detect(graph, null);
  }

  /**
   * @param previous member_id, community_id of the previous run's assigned members, or null: seeds
   *     each member with the smallest graph id among the current members of its previous community
   */
  public Detection detect(InteractionGraph graph, Dataset<Row> previous) {
    Dataset<Row> vertices = graph.members().select("id");
    LabelPropagation algorithm;
    if (previous != null) {
      Dataset<Row> byPrevious = graph.members().select("id", "member_id")
          .join(previous.select("member_id", "community_id"), "member_id");
      Dataset<Row> seeds = byPrevious.groupBy("community_id").agg(min("id").as("seed"))
          .join(byPrevious, "community_id").select("id", "seed");
      vertices = vertices.join(seeds, new String[] {"id"}, "left_outer");
      algorithm = new LabelPropagation(vertices, graph.edges().select("src", "dst", "weight")).seedColumn("seed");
    } else {
      algorithm = new LabelPropagation(vertices, graph.edges().select("src", "dst", "weight"));
    }
    LabelPropagation.Result result = algorithm
        .mode(LabelPropagation.Mode.WEIGHTED)
        .maxIterations(lpa.maxIterations())
        .convergenceThreshold(lpa.convergenceThreshold())
        .checkpointInterval(spark.checkpointInterval())
        .reliableCheckpoint(spark.checkpointDir() != null)
        .run();
    CommunityRefiner.Refined refined = new CommunityRefiner(community, lpa, spark)
        .refine(result.labels(), graph.edges());
    return new Detection(refined.assignments(), result.iterations(), result.converged(), previous != null,
        refined.rounds());
  }
}
