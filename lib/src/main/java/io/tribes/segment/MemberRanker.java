package io.tribes.segment;

import io.tribes.algo.CommunityPageRank;
import io.tribes.algo.PageRank;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Rank stage: global PageRank on the directed weighted graph (influence) and PageRank within each
 * community, all communities in one pass (community_score, which orders members inside a segment).
 */
public final class MemberRanker {
  private final TribesConfig.PageRank pagerank;
  private final TribesConfig.Spark spark;

  public MemberRanker(TribesConfig.PageRank pagerank, TribesConfig.Spark spark) {
    this.pagerank = pagerank;
    this.spark = spark;
  }

  public Ranking rank(InteractionGraph graph, Dataset<Row> assignments) {
    Dataset<Row> edges = graph.edges().select("src", "dst", "weight");
    PageRank.Result global = new PageRank(graph.members().select("id"), edges)
        .dampingFactor(pagerank.dampingFactor())
        .maxIterations(pagerank.maxIterations())
        .tolerance(pagerank.tolerance())
        .weightColumn("weight")
        .checkpointInterval(spark.checkpointInterval())
        .reliableCheckpoint(spark.checkpointDir() != null)
        .run();
    CommunityPageRank.Result local = new CommunityPageRank(assignments.select("id", "community"), edges)
        .dampingFactor(pagerank.dampingFactor())
        .maxIterations(pagerank.maxIterations())
        .tolerance(pagerank.tolerance())
        .weightColumn("weight")
        .checkpointInterval(spark.checkpointInterval())
        .reliableCheckpoint(spark.checkpointDir() != null)
        .run();
    Dataset<Row> ranks = global.ranks().withColumnRenamed("pagerank", "influence")
        .join(local.scores().select("id", "score"), new String[] {"id"}, "left_outer")
        .withColumnRenamed("score", "community_score")
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new Ranking(ranks, global.iterations(), global.residual(), local.iterations(), local.residual());
  }
}
