package io.tribes.algo;

/**
 * The parameters the algorithm facades share ({@link PageRank}, {@link CommunityPageRank},
 * {@link LabelPropagation}; each exposes those it documents), checked when set (package-private).
 */
final class Settings {
  double dampingFactor = 0.85;
  int maxIterations = 20;
  double tolerance = 0.0;
  String weightColumn;
  boolean weightColumnSet;
  int checkpointInterval = 1;
  boolean reliableCheckpoint;
  long broadcastVertexLimit = 2_000_000L;
  long vectorVertexLimit = 20_000_000L;
  /** The vector executions run every iteration in one task up to this many edges ({@link Execution#inMemory}). */
  long inMemoryEdges = Execution.DEFAULT.inMemoryEdges();

  /** The limits of {@link Execution}. */
  void execution(Execution execution) {
    vectorVertexLimit(execution.vectorVertices());
    broadcastVertexLimit(execution.broadcastVertices());
    inMemoryEdges = execution.inMemoryEdges();
  }

  void dampingFactor(double d) {
    if (!(d > 0.0 && d < 1.0)) {
      throw new IllegalArgumentException("dampingFactor must be in (0, 1), got " + d);
    }
    dampingFactor = d;
  }

  void maxIterations(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("maxIterations must be > 0, got " + n);
    }
    maxIterations = n;
  }

  void tolerance(double t) {
    if (!(t >= 0.0) || Double.isInfinite(t)) {
      throw new IllegalArgumentException("tolerance must be >= 0 and finite, got " + t);
    }
    tolerance = t;
  }

  void weightColumn(String col) {
    if (col != null && col.isBlank()) {
      throw new IllegalArgumentException("weightColumn must not be blank, got '" + col + "'");
    }
    weightColumn = col;
    weightColumnSet = true;
  }

  void checkpointInterval(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("checkpointInterval must be >= 0, got " + k);
    }
    checkpointInterval = k;
  }

  void broadcastVertexLimit(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("broadcastVertexLimit must be >= 0, got " + n);
    }
    broadcastVertexLimit = n;
  }

  void vectorVertexLimit(long n) {
    if (n < 0 || n > PageRank.MAX_VECTOR_VERTICES) {
      throw new IllegalArgumentException("vectorVertexLimit must be in [0, " + PageRank.MAX_VECTOR_VERTICES
          + "], got " + n);
    }
    vectorVertexLimit = n;
  }

  RankEngine engine(org.apache.spark.sql.SparkSession spark) {
    return new RankEngine(spark, dampingFactor, maxIterations, tolerance, checkpointInterval, reliableCheckpoint,
        broadcastVertexLimit);
  }

  /** Edges as (src LONG, dst LONG, w DOUBLE): the weight column (checked) or 1.0. */
  org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> edges(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> edges) {
    String w = GraphInput.resolveWeight(edges, weightColumn, !weightColumnSet);
    org.apache.spark.sql.Column weight = org.apache.spark.sql.functions.lit(1.0);
    if (w != null) {
      weight = GraphInput.numeric(edges, "edges", w);
      GraphInput.checkWeights(edges, w, weight);
    }
    return edges.select(GraphInput.integral(edges, "edges", GraphInput.SRC).as("src"),
        GraphInput.integral(edges, "edges", GraphInput.DST).as("dst"), weight.as("w"));
  }
}
