package io.tribes.stages;

import io.tribes.algo.Execution;
import io.tribes.config.TribesConfig;

/** What the stages share (package-private). */
final class Stages {
  private Stages() {}

  /** The config's {@code execution} section as the algorithms' one switch. */
  static Execution execution(TribesConfig.Execution e) {
    return new Execution(e.inMemoryGraphEdges(), e.vectorVertexLimit(), e.broadcastVertexLimit());
  }
}
