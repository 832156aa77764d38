package io.tribes.algo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Ranks every vertex within its own community in ONE pass over all communities at once: only intra-community
 * edges count; teleport and sink mass stay within the community; scores sum to 1 per community.
 *
 * <p>Contract: for each community c with N<sub>c</sub> members, the scores are exactly {@link PageRank} (same
 * damping factor, weights and iteration count) run on the subgraph induced by c: score<sub>0</sub> = 1/N<sub>c</sub>,
 * score<sub>i</sub>(v) = (1 - d)/N<sub>c</sub> + d &Sigma;<sub>u&rarr;v, u in c</sub> score<sub>i-1</sub>(u)
 * w(u,v)/W<sub>c</sub>(u) + d S<sub>c</sub>/N<sub>c</sub>, with W<sub>c</sub>(u) u's out-weight inside c and
 * S<sub>c</sub> the score held by c's sinks. Vertices whose community is null get no row; edges between
 * communities or to unknown vertices are ignored. Each community stops on its own: after
 * {@link #maxIterations}, or earlier once its L1 change is &lt; {@link #tolerance}. {@code iterations} is the
 * largest number of iterations any community ran and {@code residual} the largest last L1 change.
 *
 * <p>Execution: communities are small, so each is ranked whole in memory by one task ({@link Subgraph},
 * {@link Subgraphs}): one shuffle of the intra-community edges by community and one pass, however many
 * iterations run; no per-iteration Spark jobs. Sums run in a fixed (sorted) order, so the scores are
 * identical bit for bit whatever the partitioning. The returned scores are persisted; unpersist them when done.
 */
public final class CommunityPageRank {
  private static final String COMMUNITY = "community";

  private final Dataset<Row> vertices;
  private final Dataset<Row> edges;
  private final Settings settings = new Settings();

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

  /** Runs the algorithm; see the class comment. */
  public Result run() {
    SparkSession spark = GraphInput.session(vertices);
    Column id = GraphInput.integral(vertices, "vertices", GraphInput.ID);
    Column community = GraphInput.integral(vertices, "vertices", COMMUNITY);
    Dataset<Row> e = settings.edges(edges);
    GraphInput.countVertices(vertices.select(id.as("id")));

    Dataset<Row> v = vertices.select(id.as("id"), community.as("group")).filter(col("group").isNotNull());
    Dataset<Row> intra = e.join(v.select(col("id").as("src"), col("group")), "src")
        .join(v.select(col("id").as("dst"), col("group").as("dg")), "dst")
        .filter(col("group").equalTo(col("dg")))
        .select(col("group"), col("src"), col("dst"), col("w"));
    double d = settings.dampingFactor;
    int maxIterations = settings.maxIterations;
    double tolerance = settings.tolerance;
    Dataset<Row> scored = Subgraphs.map(v, intra, GraphInput.shufflePartitions(spark), SCORED,
        (group, g) -> {
          Subgraph.Ranks r = g.pageRank(d, maxIterations, tolerance);
          List<Row> rows = new ArrayList<>(g.size());
          for (int i = 0; i < g.size(); i++) {
            rows.add(RowFactory.create(g.id(i), group, r.ranks()[i], r.iterations(), r.residual()));
          }
          return rows;
        }).persist(StorageLevel.MEMORY_AND_DISK());
    Row stats = scored.agg(max("iterations"), max("residual")).first();
    int iterations = stats.isNullAt(0) ? 0 : stats.getInt(0);
    double residual = stats.isNullAt(1) ? 0.0 : stats.getDouble(1);
    return new Result(scored.select(col("id"), col(COMMUNITY), col("score")), iterations, residual);
  }

  private static final StructType SCORED = new StructType()
      .add("id", DataTypes.LongType, false)
      .add(COMMUNITY, DataTypes.LongType, false)
      .add("score", DataTypes.DoubleType, false)
      .add("iterations", DataTypes.IntegerType, false)
      .add("residual", DataTypes.DoubleType, false);

  /**
   * @param scores     id LONG, community LONG, score DOUBLE; one row per vertex with a community (persisted)
   * @param iterations iterations run
   * @param residual   largest per-community L1 change of the last iteration
   */
  public record Result(Dataset<Row> scores, int iterations, double residual) {}
}
