package io.tribes.algo;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.XXH64;

/**
 * Label propagation community detection on Spark DataFrames (GraphFrames conventions: vertices {@code id},
 * edges {@code src}, {@code dst}, optional {@code weight}).
 *
 * <p>Every vertex starts with its own id as label (or its seed, see {@link #seedColumn}). Each iteration is
 * synchronous: every vertex scores the labels its neighbours held in the previous iteration and takes the
 * best one. The result has one row per input vertex. Edges whose endpoints are not both vertices are ignored.
 *
 * <h2>{@link Mode#GRAPHALYTICS}</h2>
 * Exactly LDBC Graphalytics CDLP: a label scores the number of neighbours holding it, counting in- and
 * out-neighbours (a neighbour reachable both ways counts twice in a directed graph; for an undirected graph
 * each edge means both directions once; parallel edges count once each; a self-loop counts twice when
 * directed, once when undirected); the most frequent label wins, ties go to the smallest label; a vertex with
 * no neighbours keeps its label. Weights are ignored. It runs exactly {@link #maxIterations} iterations;
 * {@code converged} then says whether the last iteration changed no label.
 *
 * <h2>{@link Mode#WEIGHTED} (default)</h2>
 * Edges are undirected ties ({@link #directed} is ignored): a label scores the sum of the weights of the ties
 * to neighbours holding it (parallel edges and both directions summed; self-loops and ties of weight 0 are
 * ignored; weights must be finite and &gt;= 0). It stops after the first iteration in which the fraction of
 * vertices whose label changed is &lt;= {@link #convergenceThreshold}, or after {@link #maxIterations}.
 * <ul>
 *   <li><b>Exact, partition-independent scores.</b> Weights are converted once to fixed point (multiples of
 *   2<sup>-30</sup>, about 1e-9) and summed as LONG, so a label's score does not depend on summation order:
 *   the labels are identical whatever the partitioning or number of cores. Ties (equal scores) go to the
 *   smallest label.</li>
 *   <li><b>Oscillation.</b> Plain synchronous LPA oscillates with period two on bipartite-like structure
 *   (K<sub>3,3</sub>, stars, paths: both sides swap labels forever). Here a vertex's current label also scores
 *   a self-weight equal to the weight of the vertex's strongest tie: the vertex votes for its own label like its
 *   best neighbour does. A vertex therefore leaves its label only for a label whose support is at least as strong
 *   as its strongest tie (ties to the smallest label), which damps the swap: K<sub>m,n</sub> and stars settle
 *   in two or three iterations.</li>
 *   <li><b>Flooding.</b> The same self-vote makes weakly attached vertices resist a label pushed by a single
 *   tie. In addition, {@link #maxCommunitySize} (off by default) stops a vertex from adopting a label that
 *   already has that many members (its own label always stays eligible), so one label cannot flood a sparse
 *   graph. The cap is soft: updates are synchronous, so a label below the cap can overshoot it within one
 *   iteration. It costs one vertex-level aggregation per iteration, nothing when off.</li>
 * </ul>
 *
 * <h3>Resolution (WEIGHTED, {@link #resolution} &gt; 0)</h3>
 * Plain label propagation floods: once about half of each vertex's ties leave its community, one label takes
 * the whole graph. With a resolution {@code r} the vote optimises the constant Potts model (CPM, Traag et al.
 * 2011), whose resolution is a density threshold: a label's score is the weight of the vertex's ties to it less
 * {@code r x a(v)} per member of the label other than the vertex itself, where {@code a(v)} is the vertex's
 * mean tie weight (its strength over its degree, so the rule does not depend on the unit of the weights; on an
 * unweighted graph it is exactly CPM). A vertex therefore joins a label only when it is tied to more than a
 * fraction {@code r} of its members (ties weighted relative to the vertex's own), and a label stops growing once
 * it is sparser than {@code r}: nothing floods, whatever the mixing. Staying alone scores 0, so a vertex with no
 * label above the threshold keeps its own. Per vertex the penalty is the LONG {@code floor(r x strength /
 * degree)} in the fixed-point unit, and scores are the DOUBLE {@code ties - penalty x others}, computed from exact
 * LONGs in one fixed order: identical whatever the partitioning. The self-vote above is off (it would stop every
 * vertex from leaving its own label); instead, to avoid the synchronous swap, only the vertices whose
 * {@link #updates hash of (id, iteration)} is even update in an iteration (semi-synchronous propagation). It
 * stops once two consecutive iterations together changed at most {@link #convergenceThreshold} of the labels.
 *
 * <h2>Execution</h2>
 * This class owns the parameters and the one execution choice; the engines are package-private.
 * <b>DataFrame iterations</b> ({@code LabelEngine}): the adjacency (one row per receiving vertex and
 * neighbour, with parallel edges pre-summed, plus one self row per vertex that carries its current label into
 * the vote) is built and cached once. Each iteration is one join of the adjacency with the current labels and
 * one aggregation per receiving vertex; the labels are broadcast when there are at most
 * {@link #broadcastVertexLimit} vertices (the adjacency is then partitioned by receiver and an iteration needs
 * no shuffle at all), otherwise the adjacency is partitioned by sender and the votes are shuffled. In WEIGHTED
 * mode each iteration's labels are materialised by one job that also counts the changed labels: checkpointed
 * every {@link #checkpointInterval} iterations (default every iteration), which cuts the lineage, persisted
 * otherwise. GRAPHALYTICS mode needs no per-iteration result, so the iterations
 * between two checkpoints are chained into one plan and run as one job (a larger checkpointInterval, e.g. 10,
 * is then faster: fewer jobs and no per-iteration materialisation).
 * The returned labels are persisted or checkpointed; unpersist them when done.
 *
 * <p><b>Label vector</b> (GRAPHALYTICS mode without seeds, at most {@link #vectorVertexLimit} vertices, the
 * default): instead of the DataFrame iterations above, the labels are held in a dense array on the driver and
 * the neighbour lists in cached blocks; each iteration is one Spark job that broadcasts the labels and returns
 * every block's new labels (see {@code LabelVector}: the {@code VectorDriver} loop over {@code Csr} blocks, the
 * adjacency layout the in-memory {@link Subgraph} kernels use too). Same result, label for label.
 */
public final class LabelPropagation {
  /** Scoring and stopping semantics; see the class comment. */
  public enum Mode { GRAPHALYTICS, WEIGHTED }

  /** Fixed-point scale for WEIGHTED scores: 2^30, so that scores are exact LONG sums. */
  static final double WEIGHT_SCALE = 1L << 30;

  private final Dataset<Row> vertices;
  private final Dataset<Row> edges;
  private final Settings settings = new Settings();
  private Mode mode = Mode.WEIGHTED;
  private boolean directed = true;
  private double convergenceThreshold = 0.0;
  private String seedColumn;
  private long maxCommunitySize;
  private double resolution;

  public LabelPropagation(Dataset<Row> vertices, Dataset<Row> edges) {
    this.vertices = GraphInput.requireNonNull(vertices, "vertices");
    this.edges = GraphInput.requireNonNull(edges, "edges");
  }

  /** Scoring mode, default {@link Mode#WEIGHTED}. */
  public LabelPropagation mode(Mode mode) {
    this.mode = GraphInput.requireNonNull(mode, "mode");
    return this;
  }

  /** GRAPHALYTICS: whether the edges are directed (default true). WEIGHTED: ignored, edges are undirected ties. */
  public LabelPropagation directed(boolean directed) {
    this.directed = directed;
    return this;
  }

  /** Iteration cap, &gt; 0, default 20; GRAPHALYTICS runs exactly this many iterations. */
  public LabelPropagation maxIterations(int n) {
    settings.maxIterations(n);
    return this;
  }

  /** WEIGHTED: stop when the fraction of vertices whose label changed is &lt;= f; in [0, 1), default 0. */
  public LabelPropagation convergenceThreshold(double f) {
    if (!(f >= 0.0 && f < 1.0)) {
      throw new IllegalArgumentException("convergenceThreshold must be in [0, 1), got " + f);
    }
    this.convergenceThreshold = f;
    return this;
  }

  /**
   * Edge weight column (WEIGHTED); default "weight" if the edges have it, else every edge weighs 1.0. Null
   * means unweighted.
   */
  public LabelPropagation weightColumn(String col) {
    settings.weightColumn(col);
    return this;
  }

  /** Vertex column (LONG) giving the initial label; a null value means the vertex's own id. Null = no seeds. */
  public LabelPropagation seedColumn(String col) {
    if (col != null && col.isBlank()) {
      throw new IllegalArgumentException("seedColumn must not be blank, got '" + col + "'");
    }
    this.seedColumn = col;
    return this;
  }

  /** Checkpoint the labels every k iterations (&gt;= 0; 0 = never), default 1: a local checkpoint costs no more than the caching every iteration does anyway, and an un-cut plan makes each iteration slower than the last. */
  public LabelPropagation checkpointInterval(int k) {
    settings.checkpointInterval(k);
    return this;
  }

  /** false (default): localCheckpoint; true: Dataset.checkpoint() into the SparkContext checkpoint dir. */
  public LabelPropagation reliableCheckpoint(boolean b) {
    settings.reliableCheckpoint = b;
    return this;
  }

  /**
   * The execution limits of {@link Execution} (the pipeline's {@code execution} config section): sets {@link
   * #vectorVertexLimit} and {@link #broadcastVertexLimit} from it, and runs the vector execution's iterations in
   * one task when the graph has at most {@code inMemoryEdges} edges (default {@link Execution#DEFAULT}). Only the
   * execution changes, never the result.
   */
  public LabelPropagation execution(Execution execution) {
    settings.execution(GraphInput.requireNonNull(execution, "execution"));
    return this;
  }

  /**
   * Broadcast the labels to the edges when the graph has at most n vertices (&gt;= 0; 0 = never), default
   * 2,000,000. Only the execution plan changes, never the result.
   */
  public LabelPropagation broadcastVertexLimit(long n) {
    settings.broadcastVertexLimit(n);
    return this;
  }

  /**
   * WEIGHTED: a vertex may not adopt a label that already has at least n members (its own label stays
   * eligible); a soft cap against flooding, see the class comment. n &gt;= 0; 0 = no cap (default).
   */
  public LabelPropagation maxCommunitySize(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("maxCommunitySize must be >= 0, got " + n);
    }
    this.maxCommunitySize = n;
    return this;
  }

  /**
   * WEIGHTED: the resolution {@code r} in [0, 1] (default 0 = plain propagation): a vertex joins a label only
   * when tied to more than a fraction r of its members; see "Resolution" in the class comment.
   */
  public LabelPropagation resolution(double r) {
    if (!(r >= 0.0 && r <= 1.0)) {
      throw new IllegalArgumentException("resolution must be in [0, 1], got " + r);
    }
    this.resolution = r;
    return this;
  }

  /** Resolution rule: the penalty per other member of a label, in fixed point, for a vertex of this strength and degree. */
  static long penalty(double resolution, long strength, long degree) {
    return (long) Math.floor(resolution * ((double) strength / (double) degree));
  }

  /** Resolution rule: a label's score from its exact tie sum, the vertex's penalty and the label's other members. */
  static double resolvedScore(long ties, long penalty, long others) {
    return (double) ties - (double) penalty * (double) others;
  }

  /**
   * Resolution rule: whether vertex {@code id} may change its label in this iteration (1-based): the parity of
   * Spark's {@code xxhash64(id, iteration)}, so the DataFrame and in-memory executions pick the same half.
   */
  public static boolean updates(long id, int iteration) {
    return (XXH64.hashInt(iteration, XXH64.hashLong(id, 42L)) & 1L) == 0L;
  }

  /** The stop rule: plain, this iteration's changes; resolution, the last two iterations' (each moves half). */
  static boolean converged(boolean resolved, long changed, long previousChanged, int iteration, double threshold,
      long n) {
    if (!resolved) {
      return changed <= threshold * n;
    }
    return iteration >= 2 && changed + previousChanged <= threshold * n;
  }

  /**
   * GRAPHALYTICS mode without seeds: use the label-vector execution (see the class comment) when there are at
   * most n vertices (0 &lt;= n &lt;= {@value PageRank#MAX_VECTOR_VERTICES}; 0 = never), default 20,000,000. It
   * holds the labels as an {@code int[]} and the sorted ids as a {@code long[]} on the driver and on every
   * executor (12 bytes x V: about 240 MB at 20M vertices). Only the execution changes, never the result.
   */
  public LabelPropagation vectorVertexLimit(long n) {
    settings.vectorVertexLimit(n);
    return this;
  }

  /** Runs the algorithm; see the class comment. */
  public Result run() {
    SparkSession spark = GraphInput.session(vertices);
    Lineage lineage = new Lineage(spark, settings.checkpointInterval, settings.reliableCheckpoint);
    boolean weighted = mode == Mode.WEIGHTED;

    Column id = GraphInput.integral(vertices, "vertices", GraphInput.ID);
    Column seed = seedColumn == null ? id
        : coalesce(GraphInput.integral(vertices, "vertices", seedColumn), id);
    Dataset<Row> e = edges.select(
        GraphInput.integral(edges, "edges", GraphInput.SRC).as("src"),
        GraphInput.integral(edges, "edges", GraphInput.DST).as("dst"),
        weightOf(weighted).as("w"));

    Dataset<Row> ids = vertices.select(id.as("id"));
    long n = GraphInput.countVertices(ids);
    if (n == 0) {
      Dataset<Row> empty = vertices.select(id.as("id"), id.as("label"));
      return new Result(empty, 0, true);
    }
    int partitions = GraphInput.shufflePartitions(spark);
    if (!weighted && seedColumn == null && n <= settings.vectorVertexLimit) {
      long[] sorted = VectorDriver.collect(ids, (int) n, false, "label propagation").sorted();
      return new LabelVector(settings.maxIterations, directed).run(spark, sorted, e, VectorDriver.blocks(spark),
          settings.inMemoryEdges);
    }
    Dataset<Row> state = vertices.select(id.as("id"), seed.as("label"));
    return new LabelEngine(lineage, mode, directed, settings.maxIterations, convergenceThreshold,
        settings.broadcastVertexLimit, maxCommunitySize, resolution).run(e, ids, state, n, partitions);
  }

  /** Edge weight as DOUBLE: the weight column in WEIGHTED mode (when there is one), else 1.0. */
  private Column weightOf(boolean weighted) {
    String w = weighted ? GraphInput.resolveWeight(edges, settings.weightColumn, !settings.weightColumnSet) : null;
    if (w == null) {
      return lit(1.0);
    }
    Column c = GraphInput.numeric(edges, "edges", w);
    GraphInput.checkWeights(edges, w, c);
    return c;
  }

  /**
   * @param labels     id LONG, label LONG; one row per input vertex (persisted)
   * @param iterations iterations run
   * @param converged  WEIGHTED: the changed fraction fell to the threshold; GRAPHALYTICS: the last iteration
   *                   changed no label
   */
  public record Result(Dataset<Row> labels, int iterations, boolean converged) {}
}
