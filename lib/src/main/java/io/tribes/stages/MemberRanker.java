package io.tribes.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.tribes.algo.CommunityPageRank;
import io.tribes.algo.Execution;
import io.tribes.algo.PageRank;
import io.tribes.algo.Subgraph;
import io.tribes.algo.Subgraphs;
import io.tribes.config.TribesConfig;
import io.tribes.graph.InteractionGraph;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Rank stage: global PageRank on the directed weighted graph (influence) and PageRank within each
 * community, all communities in one pass (community_score, which orders members inside a segment).
 * The {@link Execution} switch chooses how: graphs of at most {@code execution.in-memory-graph-edges} edges run
 * the global PageRank in one task's memory, larger ones distributed ({@link PageRank}: a blocked vector, or
 * DataFrame iterations); the ranks agree to about 1e-15.
 */
public final class MemberRanker {
  private final TribesConfig.PageRank pagerank;
  private final TribesConfig.Spark spark;
  private final Execution execution;

  public MemberRanker(TribesConfig.PageRank pagerank, TribesConfig.Spark spark,
      TribesConfig.Execution execution) {
    this.pagerank = pagerank;
    this.spark = spark;
    this.execution = Stages.execution(execution);
  }

  public Ranking rank(InteractionGraph graph, Dataset<Row> assignments) {
    Dataset<Row> edges = graph.edges().select("src", "dst", "weight");
    Influence global = execution.inMemory(graph.stats().edges())
        ? influenceInMemory(graph.members().select("id"), edges) : influence(graph.members().select("id"), edges);
    CommunityPageRank.Result local = new CommunityPageRank(assignments.select("id", "community"), edges)
        .dampingFactor(pagerank.dampingFactor())
        .maxIterations(pagerank.maxIterations())
        .tolerance(pagerank.tolerance())
        .weightColumn("weight")
        .run();
    Dataset<Row> ranks = global.ranks()
        .join(local.scores().select("id", "score"), new String[] {"id"}, "left_outer")
        .withColumnRenamed("score", "community_score")
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new Ranking(ranks, global.iterations(), global.residual(), local.iterations(), local.residual());
  }

  /** Global PageRank: (id, influence), iterations, residual. */
  private record Influence(Dataset<Row> ranks, int iterations, double residual) {}

  private Influence influence(Dataset<Row> vertices, Dataset<Row> edges) {
    PageRank.Result r = new PageRank(vertices, edges)
        .dampingFactor(pagerank.dampingFactor())
        .maxIterations(pagerank.maxIterations())
        .tolerance(pagerank.tolerance())
        .weightColumn("weight")
        .execution(execution)
        .checkpointInterval(spark.checkpointInterval())
        .reliableCheckpoint(spark.checkpointDir() != null)
        .run();
    return new Influence(r.ranks().withColumnRenamed("pagerank", "influence"), r.iterations(), r.residual());
  }

  /** The same PageRank on the whole graph inside one task ({@link Subgraph}), for graphs that fit. */
  private Influence influenceInMemory(Dataset<Row> vertices, Dataset<Row> edges) {
    double d = pagerank.dampingFactor();
    int maxIterations = pagerank.maxIterations();
    double tolerance = pagerank.tolerance();
    Dataset<Row> ranked = Subgraphs.whole(vertices, edges, RANKED,
        (group, g) -> {
          Subgraph.Ranks r = g.pageRank(d, maxIterations, tolerance);
          List<Row> rows = new ArrayList<>(g.size());
          for (int i = 0; i < g.size(); i++) {
            rows.add(RowFactory.create(g.id(i), r.ranks()[i], r.iterations(), r.residual()));
          }
          return rows;
        }).persist(StorageLevel.MEMORY_AND_DISK());
    Row stats = ranked.agg(max("iterations"), max("residual")).first();
    return stats.isNullAt(0) ? new Influence(ranked.select("id", "influence"), 0, 0.0)
        : new Influence(ranked.select("id", "influence"), stats.getInt(0), stats.getDouble(1));
  }

  private static final StructType RANKED = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("influence", DataTypes.DoubleType, false)
      .add("iterations", DataTypes.IntegerType, false)
      .add("residual", DataTypes.DoubleType, false);
}
