package io.tribes.algo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * PageRank on Spark DataFrames (GraphFrames conventions: vertices {@code id}, directed edges {@code src -> dst},
 * optional {@code weight}).
 *
 * <p>Contract (LDBC Graphalytics PR, generalised to weights and personalization): with N vertices and teleport
 * distribution p (uniform 1/N, or uniform over the vertices flagged by {@link #personalizationColumn}),
 * PR<sub>0</sub> = p and PR<sub>i</sub>(v) = (1 - d) p(v) + d &Sigma;<sub>u&rarr;v</sub> PR<sub>i-1</sub>(u)
 * w(u,v) / W(u) + d S<sub>i-1</sub> p(v), where W(u) is u's total out-weight (parallel edges summed; every edge
 * weighs 1 when unweighted) and S<sub>i-1</sub> the rank held by sinks (vertices with W = 0), which is spread
 * like the teleport. Ranks sum to 1. It stops after {@link #maxIterations} iterations, or earlier once the L1
 * change between two iterations is &lt; {@link #tolerance} (0 = always run maxIterations). Edges whose endpoints
 * are not both vertices are ignored; self-loops are ordinary edges; weights must be finite and &gt;= 0.
 *
 * <p>Execution, chosen by the vertex count (only the execution changes, not the result beyond the tolerance
 * below):
 *
 * <ul>
 *   <li><b>Rank vector</b> (at most {@link #vectorVertexLimit} vertices, default 20,000,000): the vertex ids are
 *       collected and sorted on the driver (index = position in ascending id order), the edges are converted
 *       once into cached CSR blocks by destination-index range holding each edge's transition probability
 *       w(u,v)/W(u); then every iteration is <em>one</em> Spark job: the rank vector is broadcast, each block
 *       returns the sums for its own destinations, and the driver applies damping, teleport and sink mass and
 *       computes the L1 change. Every sum is taken in an order fixed by the vertex ids (per destination in
 *       ascending source order; parallel edges in ascending weight order), so the ranks are bit-identical
 *       whatever the partitioning. Memory: 8 bytes x V for the rank vector on the driver (two copies during an
 *       iteration) and on every executor, 8 bytes x V for the sorted ids on both, and about 12 bytes per
 *       distinct edge for the cached blocks. The iterations grow no lineage, so this execution never
 *       checkpoints: {@link #checkpointInterval}, {@link #reliableCheckpoint} and {@link #broadcastVertexLimit}
 *       do not apply to it. It is {@code RankVector}: the {@code VectorDriver} loop over {@code Csr} blocks, whose
 *       transition and sum kernels {@link Subgraph#pageRank} runs too.
 *   <li><b>DataFrame iterations</b> (more vertices, or {@code vectorVertexLimit(0)}): the transition
 *       probabilities are computed once into a cached adjacency; each iteration is one join with the ranks
 *       (broadcast when there are at most {@link #broadcastVertexLimit} vertices, so that the iteration needs no
 *       shuffle) and one sum per vertex. The sink mass travels through a virtual vertex (an id below the smallest
 *       vertex id is reserved for it; see {@code RankEngine}), so no iteration needs a global aggregate: with
 *       tolerance 0 the iterations between two checkpoints run as one plan (a checkpointInterval of 10 or so is
 *       then fastest), with a tolerance every iteration is materialised to compute its L1 change.
 * </ul>
 *
 * <p>Ranks are doubles: results of runs that partition the data differently agree to about 1e-15 relative (the
 * DataFrame execution), not bit for bit; the two executions agree to about 1e-15 relative too. The returned
 * ranks are materialised (checkpointed or persisted).
 */
public final class PageRank {
  private final Dataset<Row> vertices;
  private final Dataset<Row> edges;
  private final Settings settings = new Settings();
  private String personalizationColumn;

  /** The largest {@link #vectorVertexLimit}: the rank vector is one Java array. */
  public static final long MAX_VECTOR_VERTICES = Integer.MAX_VALUE - 8;

  /** @param edges directed edges src -> dst */
  public PageRank(Dataset<Row> vertices, Dataset<Row> edges) {
    this.vertices = GraphInput.requireNonNull(vertices, "vertices");
    this.edges = GraphInput.requireNonNull(edges, "edges");
  }

  /** Damping factor d in (0, 1), default 0.85. */
  public PageRank dampingFactor(double d) {
    settings.dampingFactor(d);
    return this;
  }

  /** Iteration cap, &gt; 0, default 20. */
  public PageRank maxIterations(int n) {
    settings.maxIterations(n);
    return this;
  }

  /** Stop when the L1 change between iterations is &lt; t; t &gt;= 0, default 0 = run exactly maxIterations. */
  public PageRank tolerance(double t) {
    settings.tolerance(t);
    return this;
  }

  /**
   * Transition probability proportional to this edge column; null = unweighted. Default: "weight" if the edges
   * have it, else unweighted.
   */
  public PageRank weightColumn(String col) {
    settings.weightColumn(col);
    return this;
  }

  /**
   * Optional BOOLEAN vertex column: teleport and sink mass go only to the vertices where it is true (null reads
   * false). At least one vertex must be true. Null (default) = all vertices.
   */
  public PageRank personalizationColumn(String col) {
    if (col != null && col.isBlank()) {
      throw new IllegalArgumentException("personalizationColumn must not be blank, got '" + col + "'");
    }
    this.personalizationColumn = col;
    return this;
  }

  /**
   * DataFrame execution only: checkpoint the ranks every k iterations (&gt;= 0; 0 = never), default 1: a local
   * checkpoint costs no more than the caching every iteration does anyway, and an un-cut plan makes each
   * iteration slower than the last.
   */
  public PageRank checkpointInterval(int k) {
    settings.checkpointInterval(k);
    return this;
  }

  /**
   * DataFrame execution only: false (default): localCheckpoint; true: Dataset.checkpoint() into the SparkContext
   * checkpoint dir.
   */
  public PageRank reliableCheckpoint(boolean b) {
    settings.reliableCheckpoint = b;
    return this;
  }

  /**
   * The execution limits of {@link Execution} (the pipeline's {@code execution} config section): sets {@link
   * #vectorVertexLimit} and {@link #broadcastVertexLimit} from it, and runs the vector execution's iterations in
   * one task when the graph has at most {@code inMemoryEdges} edges (default {@link Execution#DEFAULT}). Only the
   * execution changes, never the result.
   */
  public PageRank execution(Execution execution) {
    settings.execution(GraphInput.requireNonNull(execution, "execution"));
    return this;
  }

  /**
   * DataFrame execution only: broadcast the ranks to the edges when there are at most n vertices (&gt;= 0; 0 = never), default 2,000,000.
   * Only the execution plan changes.
   */
  public PageRank broadcastVertexLimit(long n) {
    settings.broadcastVertexLimit(n);
    return this;
  }

  /**
   * Use the rank-vector execution (see the class comment) when there are at most n vertices (0 &lt;= n &lt;=
   * {@value #MAX_VECTOR_VERTICES}; 0 = never), default 20,000,000. It holds the ranks as a {@code double[]}: 8
   * bytes x V on the driver and on every executor (twice on the driver during an iteration), plus the sorted ids
   * (8 bytes x V on both): about 0.5 GB on the driver at 20M vertices. Above the limit the DataFrame execution
   * runs. Only the execution changes.
   */
  public PageRank vectorVertexLimit(long n) {
    settings.vectorVertexLimit(n);
    return this;
  }

  /** Runs the algorithm; see the class comment. */
  public Result run() {
    SparkSession spark = GraphInput.session(vertices);
    Column id = GraphInput.integral(vertices, "vertices", GraphInput.ID);
    Column flag = personalizationColumn == null ? lit(true)
        : GraphInput.bool(vertices, "vertices", personalizationColumn);
    Dataset<Row> e = settings.edges(edges);
    RankEngine engine = settings.engine(spark);

    Dataset<Row> v = vertices.select(id.as("id"), flag.as("t"));
    if (settings.vectorVertexLimit > 0) {
      long rows = v.count(); // a plain count: the vector execution checks the ids itself
      if (rows > 0 && rows <= settings.vectorVertexLimit) {
        return runVector(spark, v, e, (int) rows);
      }
    }
    long n = GraphInput.countVertices(v);
    if (n == 0) {
      return new Result(v.select(col("id"), lit(0.0).as("pagerank")), 0, 0.0);
    }
    long teleport = personalizationColumn == null ? n : v.filter(col("t")).count();
    if (teleport == 0) {
      throw new IllegalArgumentException("personalizationColumn '" + personalizationColumn
          + "' is true for no vertex");
    }
    Dataset<Row> in = v.select(col("id"), lit(0L).as("grp"),
        when(col("t"), lit(1.0 / teleport)).otherwise(lit(0.0)).as("p"));
    RankEngine.Ranks r = engine.run(in, e, n);
    return new Result(r.ranks().select(col("id"), col("rank").as("pagerank")), r.iterations(), r.residual());
  }

  /**
   * The rank-vector execution: the ids (and the flagged ids) are collected, checked and sorted on the driver
   * ({@link VectorDriver#collect}), then {@link RankVector}.
   *
   * @param rows the vertex rows counted, &gt; 0
   */
  private Result runVector(SparkSession spark, Dataset<Row> v, Dataset<Row> e, int rows) {
    boolean personalized = personalizationColumn != null;
    VectorDriver.Ids ids = VectorDriver.collect(v, rows, personalized, "PageRank");
    double[] teleport = new double[rows];
    if (!personalized) {
      Arrays.fill(teleport, 1.0 / rows);
    } else {
      if (ids.flagged().length == 0) {
        throw new IllegalArgumentException("personalizationColumn '" + personalizationColumn
            + "' is true for no vertex");
      }
      double p = 1.0 / ids.flagged().length;
      for (long id : ids.flagged()) {
        teleport[Arrays.binarySearch(ids.sorted(), id)] = p;
      }
    }
    return new RankVector(settings.dampingFactor, settings.maxIterations, settings.tolerance)
        .run(spark, ids.sorted(), teleport, e, VectorDriver.blocks(spark), settings.inMemoryEdges);
  }

  /**
   * @param ranks      id LONG, pagerank DOUBLE; one row per vertex, summing to 1 (persisted)
   * @param iterations iterations run
   * @param residual   L1 change of the last iteration
   */
  public record Result(Dataset<Row> ranks, int iterations, double residual) {}
}
