package io.tribes.algo;

/**
 * How the graph algorithms execute: the one switch, read by the facades ({@link LabelPropagation}, {@link PageRank})
 * and by the pipeline stages that run them, so that a graph takes the same path everywhere. In order:
 * <ol>
 *   <li><b>In memory</b> ({@link #inMemory}): a graph of at most {@code inMemoryEdges} edges is run whole by one
 *       task, so no Spark job per iteration: the pipeline's stages run it as one {@link Subgraph} (through {@link
 *       Subgraphs}); the facades build their blocked vector (below) and let one task run every iteration over
 *       it ({@code VectorDriver.iterate}), the same sums as one job per iteration.</li>
 *   <li><b>Blocked vector</b>: a larger graph of at most {@code vectorVertices} vertices, for the algorithms that
 *       have one (PageRank, Graphalytics label propagation): the vector on the driver, the adjacency in cached
 *       blocks ({@code VectorDriver}).</li>
 *   <li><b>DataFrame iterations</b> for anything larger, broadcasting the vertex state up to {@code
 *       broadcastVertices} vertices.</li>
 * </ol>
 * Only the execution changes, never the result (the equivalence tests hold each pair of paths to the same output).
 */
public record Execution(long inMemoryEdges, long vectorVertices, long broadcastVertices) {
  /** The defaults of conf/local.yaml's {@code execution} section. */
  public static final Execution DEFAULT = new Execution(5_000_000L, 20_000_000L, 2_000_000L);

  public Execution {
    if (inMemoryEdges < 0) throw new IllegalArgumentException("inMemoryEdges must be >= 0, got " + inMemoryEdges);
    if (vectorVertices < 0 || vectorVertices > PageRank.MAX_VECTOR_VERTICES) {
      throw new IllegalArgumentException("vectorVertices must be in [0, " + PageRank.MAX_VECTOR_VERTICES + "], got "
          + vectorVertices);
    }
    if (broadcastVertices < 0) {
      throw new IllegalArgumentException("broadcastVertices must be >= 0, got " + broadcastVertices);
    }
  }

  /** Whether a graph of {@code edges} edges runs whole in one task's memory. */
  public boolean inMemory(long edges) {
    return edges <= inMemoryEdges;
  }
}
