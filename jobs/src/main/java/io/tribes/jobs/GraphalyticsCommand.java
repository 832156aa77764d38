package io.tribes.jobs;

import io.tribes.algo.graphalytics.GraphalyticsRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
    Map<String, String> opts;
    try {
      opts = parse(args);
      GraphalyticsRunner.Algorithm.parse(opts.get("algorithm"));
    } catch (IllegalArgumentException e) {
      err.println("graphalytics: " + e.getMessage() + " (" + USAGE + ")");
      return 2;
    }
    try {
      GraphalyticsRunner.run(spark, opts.get("algorithm"), Path.of(opts.get("graph")), Path.of(opts.get("output")));
    } catch (IllegalArgumentException e) {
      err.println("graphalytics: error: " + e.getMessage());
      return 2;
    }
    return 0;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !OPTIONS.contains(name.substring(2))) {
        throw new IllegalArgumentException("unknown option '" + name + "'");
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new IllegalArgumentException("option '" + name + "' needs a value");
      }
      if (m.put(name.substring(2), args[++i]) != null) {
        throw new IllegalArgumentException("option '" + name + "' given twice");
      }
    }
    for (String o : OPTIONS.stream().sorted().toList()) {
      if (!m.containsKey(o)) {
        throw new IllegalArgumentException("missing option --" + o);
      }
    }
    return m;
  }
}
