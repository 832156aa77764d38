package io.tribes.algo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Ranks every vertex within its own community in ONE pass over all communities at once: only intra-community
 * edges count; teleport and sink mass stay within the community; scores sum to 1 per community.
 *
 * <p>Contract: for each community c with N<sub>c</sub> members, the scores are exactly {@link PageRank} (same
 * damping factor, weights and iteration count) run on the subgraph induced by c: score<sub>0</sub> = 1/N<sub>c</sub>,
 * score<sub>i</sub>(v) = (1 - d)/N<sub>c</sub> + d &Sigma;<sub>u&rarr;v, u in c</sub> score<sub>i-1</sub>(u)
 * w(u,v)/W<sub>c</sub>(u) + d S<sub>c</sub>/N<sub>c</sub>, with W<sub>c</sub>(u) u's out-weight inside c and
 * S<sub>c</sub> the score held by c's sinks. Vertices whose community is null get no row; edges between
 * communities or to unknown vertices are ignored. All communities iterate together: it stops after
 * {@link #maxIterations}, or earlier once the largest per-community L1 change is &lt; {@link #tolerance};
 * {@code residual} is that largest per-community L1 change of the last iteration.
 *
 * <p>Execution as in {@link PageRank}, with one virtual vertex per community carrying that community's sink
 * mass (the ids just below the smallest vertex id are reserved for them). The returned scores are persisted;
 * unpersist them when done.
 */
public final class CommunityPageRank {
  private static final String COMMUNITY = "community";

  private final Dataset<Row> vertices;
  private final Dataset<Row> edges;
  private final RankSettings settings = new RankSettings();

  /**
   * @param vertices id, community LONG (null = no community: gets no row)
   * @param edges    directed edges src -> dst
   */
  public CommunityPageRank(Dataset<Row> vertices, Dataset<Row> edges) {
    this.vertices = GraphInput.requireNonNull(vertices, "vertices");
    this.edges = GraphInput.requireNonNull(edges, "edges");
  }

  /** Damping factor d in (0, 1), default 0.85. */
  public CommunityPageRank dampingFactor(double d) {
    settings.dampingFactor(d);
    return this;
  }

  /** Iteration cap, &gt; 0, default 20. */
  public CommunityPageRank maxIterations(int n) {
    settings.maxIterations(n);
    return this;
  }

  /** Stop when every community's L1 change is &lt; t; t &gt;= 0, default 0 = run exactly maxIterations. */
  public CommunityPageRank tolerance(double t) {
    settings.tolerance(t);
    return this;
  }

  /** As {@link PageRank#weightColumn}. */
  public CommunityPageRank weightColumn(String col) {
    settings.weightColumn(col);
    return this;
  }

  /** Checkpoint every k iterations (&gt;= 0; 0 = never), default 1: a local checkpoint costs no more than the caching every iteration does anyway, and an un-cut plan makes each iteration slower than the last. */
  public CommunityPageRank checkpointInterval(int k) {
    settings.checkpointInterval(k);
    return this;
  }

  /** false (default): localCheckpoint; true: Dataset.checkpoint() into the SparkContext checkpoint dir. */
  public CommunityPageRank reliableCheckpoint(boolean b) {
    settings.reliableCheckpoint = b;
    return this;
  }

  /** As {@link PageRank#broadcastVertexLimit}. */
  public CommunityPageRank broadcastVertexLimit(long n) {
    settings.broadcastVertexLimit(n);
    return this;
  }

  /** Runs the algorithm; see the class comment. */
  public Result run() {
    SparkSession spark = GraphInput.session(vertices);
    Column id = GraphInput.integral(vertices, "vertices", GraphInput.ID);
    Column community = GraphInput.integral(vertices, "vertices", COMMUNITY);
    Dataset<Row> e = settings.edges(edges);
    RankEngine engine = settings.engine(spark, true);

    GraphInput.countVertices(vertices.select(id.as("id")));
    Dataset<Row> v = vertices.select(id.as("id"), community.as("grp")).filter(col("grp").isNotNull());
    Dataset<Row> sizes = v.groupBy("grp").agg(count(lit(1)).as("size"));
    Dataset<Row> in = v.join(sizes, "grp")
        .select(col("id"), col("grp"), lit(1.0).divide(col("size")).as("p"));
    long n = v.count();
    if (n == 0) {
      return new Result(v.select(col("id"), col("grp").as(COMMUNITY), lit(0.0).as("score")), 0, 0.0);
    }
    RankEngine.Ranks r = engine.run(in, e, n);
    return new Result(r.ranks().select(col("id"), col("grp").as(COMMUNITY), col("rank").as("score")),
        r.iterations(), r.residual());
  }

  /**
   * @param scores     id LONG, community LONG, score DOUBLE; one row per vertex with a community (persisted)
   * @param iterations iterations run
   * @param residual   largest per-community L1 change of the last iteration
   */
  public record Result(Dataset<Row> scores, int iterations, double residual) {}
}
