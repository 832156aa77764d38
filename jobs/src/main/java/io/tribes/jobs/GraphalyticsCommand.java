package io.tribes.jobs;

import io.tribes.algo.graphalytics.GraphalyticsRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code graphalytics --algorithm cdlp|pr --graph DIR/NAME --output FILE}: runs an LDBC Graphalytics algorithm
 * on a graph in Graphalytics format ({@code NAME.properties}, {@code NAME.v}, {@code NAME.e}) and writes
 * {@code vertexId value} lines sorted by vertex id (see {@link GraphalyticsRunner}).
 *
 * <p>Exit codes: 0 success; 2 bad usage or input (one line on stderr naming the option, file or key).
 */
public final class GraphalyticsCommand {
  static final String USAGE = "usage: graphalytics --algorithm cdlp|pr --graph DIR/NAME --output FILE";
  private static final Set<String> OPTIONS = Set.of("algorithm", "graph", "output");

  private GraphalyticsCommand() {}

  public static int run(SparkSession spark, String[] args) {
    return run(spark, args, System.err);
  }

  static int run(SparkSession spark, String[] args, PrintStream err) {
    String algorithm;
    Path graph;
    Path output;
    try {
      Args a = Args.parseOnce("graphalytics", args, OPTIONS, Set.of());
      algorithm = a.require("algorithm");
      graph = a.path("graph");
      output = a.path("output");
      try {
        GraphalyticsRunner.Algorithm.parse(algorithm);
      } catch (IllegalArgumentException e) {
        throw new Args.Usage("graphalytics: " + e.getMessage());
      }
    } catch (Args.Usage e) {
      err.println(e.getMessage() + " (" + USAGE + ")");
      return 2;
    }
    try {
      GraphalyticsRunner.run(spark, algorithm, graph, output);
    } catch (IllegalArgumentException e) {
      err.println("graphalytics: error: " + e.getMessage());
      return 2;
    }
    return 0;
  }
}
