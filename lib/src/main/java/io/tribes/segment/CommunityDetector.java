package io.tribes.segment;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.tribes.algo.LabelPropagation;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Detect stage: weighted label propagation over the member graph; groups smaller than
 * {@code community.min-size} leave their members unassigned (null community).
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
    LabelPropagation.Result result = new LabelPropagation(graph.members().select("id"),
            graph.edges().select("src", "dst", "weight"))
        .mode(LabelPropagation.Mode.WEIGHTED)
        .maxIterations(lpa.maxIterations())
        .convergenceThreshold(lpa.convergenceThreshold())
        .checkpointInterval(spark.checkpointInterval())
        .reliableCheckpoint(spark.checkpointDir() != null)
        .run();
    Dataset<Row> sized = result.labels()
        .withColumn("size", count(lit(1)).over(Window.partitionBy("label")));
    Dataset<Row> assignments = sized.select(col("id"),
            when(col("size").geq(community.minSize()), col("label")).as("community"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new Detection(assignments, result.iterations(), result.converged());
  }
}
