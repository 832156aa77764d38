package io.tribes.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.tribes.algo.Execution;
import io.tribes.algo.LabelPropagation;
import io.tribes.algo.Subgraph;
import io.tribes.algo.Subgraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Detect stage: weighted label propagation at {@code lpa.resolution} (a density threshold that keeps one
 * label from flooding the graph, see {@link LabelPropagation}) over the member graph, optionally seeded with
 * the previous run's communities, then refined to the size bounds by {@link CommunityRefiner}. The
 * {@link Execution} switch chooses how: graphs of at most {@code execution.in-memory-graph-edges} edges run both
 * steps in one task's memory, larger ones as distributed DataFrame iterations; the communities are the same either
 * way.
 */
public final class CommunityDetector {
  private final TribesConfig.Lpa lpa;
  private final TribesConfig.Community community;
  private final TribesConfig.Spark spark;
  private final Execution execution;

  public CommunityDetector(TribesConfig.Lpa lpa, TribesConfig.Community community, TribesConfig.Spark spark,
      TribesConfig.Execution execution) {
    this.lpa = lpa;
    this.community = community;
    this.spark = spark;
    this.execution = Stages.execution(execution);
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
    if (previous != null) {
      Dataset<Row> byPrevious = graph.members().select("id", "member_id")
          .join(previous.select("member_id", "community_id"), "member_id");
      Dataset<Row> seeds = byPrevious.groupBy("community_id").agg(min("id").as("seed"))
          .join(byPrevious, "community_id").select("id", "seed");
      vertices = vertices.join(seeds, new String[] {"id"}, "left_outer");
    }
    if (execution.inMemory(graph.stats().edges())) {
      return detectInMemory(vertices, graph.edges(), previous != null);
    }
    LabelPropagation algorithm = new LabelPropagation(vertices, graph.edges().select("src", "dst", "weight"));
    if (previous != null) {
      algorithm = algorithm.seedColumn("seed");
    }
    LabelPropagation.Result result = algorithm
        .mode(LabelPropagation.Mode.WEIGHTED)
        .maxIterations(lpa.maxIterations())
        .convergenceThreshold(lpa.convergenceThreshold())
        .resolution(lpa.resolution())
        .execution(execution)
        .checkpointInterval(spark.checkpointInterval())
        .reliableCheckpoint(spark.checkpointDir() != null)
        .run();
    CommunityRefiner.Refined refined = new CommunityRefiner(community, lpa)
        .refine(result.labels(), graph.edges());
    return new Detection(refined.assignments(), result.iterations(), result.converged(), previous != null,
        refined.rounds());
  }

  /**
   * The same label propagation and refinement on the whole graph inside one task ({@link Subgraph}): for
   * graphs of at most {@code execution.in-memory-graph-edges} edges, where a Spark job per iteration costs far
   * more than the iteration. The labels are identical to the distributed {@link LabelPropagation}'s.
   */
  private Detection detectInMemory(Dataset<Row> vertices, Dataset<Row> edges, boolean seeded) {
    CommunityRefiner.Rules rules = CommunityRefiner.rules(community, lpa);
    int maxIterations = lpa.maxIterations();
    double threshold = lpa.convergenceThreshold();
    double resolution = lpa.resolution();
    Dataset<Row> detected = Subgraphs.whole(vertices, edges, DETECTED,
        (group, g) -> {
          Subgraph.Labels labels = g.labelPropagation(g.seeds(), maxIterations, threshold, 0, resolution);
          List<Row> refined = new ArrayList<>(g.size());
          for (Map.Entry<Long, Subgraph> e : g.splitBy(labels.labels()).entrySet()) {
            refined.addAll(rules.refine(e.getKey(), e.getValue()));
          }
          List<Row> rows = new ArrayList<>(g.size());
          for (Row r : rules.finish(g, refined)) {
            rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3), labels.iterations(),
                labels.converged()));
          }
          return rows;
        }).persist(StorageLevel.MEMORY_AND_DISK());
    Row stats = detected.agg(max("rounds"), max("iterations"), min("converged")).first();
    if (stats.isNullAt(0)) {
      return new Detection(detected.select("id", "community", "oversized"), 0, true, seeded, 0);
    }
    return new Detection(detected.select("id", "community", "oversized"), stats.getInt(1), stats.getBoolean(2),
        seeded, stats.getInt(0));
  }

  private static final StructType DETECTED = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("community", DataTypes.LongType, true)
      .add("oversized", DataTypes.BooleanType, false)
      .add("rounds", DataTypes.IntegerType, false)
      .add("iterations", DataTypes.IntegerType, false)
      .add("converged", DataTypes.BooleanType, false);
}
