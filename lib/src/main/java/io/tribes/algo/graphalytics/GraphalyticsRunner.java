package io.tribes.algo.graphalytics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;

import io.tribes.algo.LabelPropagation;
import io.tribes.algo.PageRank;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Runs an LDBC Graphalytics algorithm ({@code cdlp} or {@code pr}) on a graph in Graphalytics format and writes
 * the output in Graphalytics format.
 *
 * <p>Input, for {@code DIR/NAME}: {@code NAME.properties} (keys {@code graph.NAME.directed},
 * {@code graph.NAME.cdlp.max-iterations}, {@code graph.NAME.pr.damping-factor},
 * {@code graph.NAME.pr.num-iterations}; optional {@code graph.NAME.vertex-file} and
 * {@code graph.NAME.edge-file}, default {@code NAME.v} and {@code NAME.e}), the vertex file (one id per line)
 * and the edge file ({@code src dst [weight]}, whitespace separated; the weight is ignored; an undirected graph
 * lists each edge once, meaning both directions). Output: one {@code vertexId value} line per vertex of the
 * vertex file, sorted by vertex id, streamed to a local file.
 */
public final class GraphalyticsRunner {
  private GraphalyticsRunner() {}

  /** The algorithms this runner knows. */
  public enum Algorithm {
    CDLP, PR;

    /** {@code cdlp} or {@code pr}, case-insensitive. */
    public static Algorithm parse(String name) {
      for (Algorithm a : values()) {
        if (a.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
          return a;
        }
      }
      throw new IllegalArgumentException("algorithm must be cdlp or pr, got '" + name + "'");
    }
  }

  /**
   * Runs {@code algorithm} on the graph {@code graph} ({@code DIR/NAME}) and writes {@code outputFile}.
   *
   * @throws IllegalArgumentException on an unknown algorithm, a missing file or a missing/invalid property
   * @throws UncheckedIOException     when the output cannot be written
   */
  public static void run(SparkSession spark, String algorithm, Path graph, Path outputFile) {
    Algorithm a = Algorithm.parse(algorithm);
    Graph g = Graph.load(graph);
    Dataset<Row> vertices = readVertices(spark, g.vertexFile);
    Dataset<Row> edges = readEdges(spark, g.edgeFile);
    Dataset<Row> result;
    Dataset<Row> values;
    if (a == Algorithm.CDLP) {
      LabelPropagation.Result r = new LabelPropagation(vertices, edges)
          .mode(LabelPropagation.Mode.GRAPHALYTICS)
          .directed(g.directed)
          .maxIterations(g.intProperty("cdlp.max-iterations"))
          .run();
      result = r.labels();
      values = result.select(col("id"), col("label").cast(DataTypes.StringType).as("value"));
    } else {
      // PageRank takes directed edges: an undirected edge is one in each direction.
      Dataset<Row> directedEdges = g.directed ? edges
          : edges.union(edges.select(col("dst").as("src"), col("src").as("dst")));
      PageRank.Result r = new PageRank(vertices, directedEdges)
          .weightColumn(null)
          .dampingFactor(g.doubleProperty("pr.damping-factor"))
          .maxIterations(g.intProperty("pr.num-iterations"))
          .tolerance(0.0)
          .run();
      result = r.ranks();
      values = result.select(col("id"), col("pagerank").cast(DataTypes.StringType).as("value"));
    }
    try {
      write(values, outputFile);
    } finally {
      result.unpersist(false);
    }
  }

  /** Streams {@code (id, value)} sorted by id into {@code file} as {@code id value} lines. */
  private static void write(Dataset<Row> values, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        Iterator<Row> it = values.orderBy(col("id")).toLocalIterator();
        while (it.hasNext()) {
          Row r = it.next();
          w.write(Long.toString(r.getLong(0)));
          w.write(' ');
          w.write(r.getString(1));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Graphalytics output " + file, e);
    }
  }

  private static Dataset<Row> readVertices(SparkSession spark, Path file) {
    Dataset<Row> lines = nonEmptyLines(spark, file);
    return lines.select(fields(0).cast(DataTypes.LongType).as("id"));
  }

  /** The edges as listed (src, dst); the weight field, if any, is ignored. */
  private static Dataset<Row> readEdges(SparkSession spark, Path file) {
    Dataset<Row> lines = nonEmptyLines(spark, file);
    return lines.select(fields(0).cast(DataTypes.LongType).as("src"),
        fields(1).cast(DataTypes.LongType).as("dst"));
  }

  private static Column fields(int i) {
    return split(trim(col("value")), "\\s+").getItem(i);
  }

  private static Dataset<Row> nonEmptyLines(SparkSession spark, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Graphalytics file not found: " + file);
    }
    return spark.read().text(file.toAbsolutePath().toString())
        .filter(trim(col("value")).notEqual("").and(not(col("value").startsWith("#"))));
  }

  /** A graph's properties and files. */
  private static final class Graph {
    final String name;
    final Path propertiesFile;
    final Properties props;
    final Path vertexFile;
    final Path edgeFile;
    final boolean directed;

    private Graph(Path graph) {
      Path dir = graph.toAbsolutePath().getParent();
      name = graph.getFileName().toString();
      propertiesFile = dir.resolve(name + ".properties");
      if (!Files.isRegularFile(propertiesFile)) {
        throw new IllegalArgumentException("Graphalytics properties file not found: " + propertiesFile);
      }
      props = new Properties();
      try (Reader r = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
        props.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + propertiesFile, e);
      }
      vertexFile = dir.resolve(props.getProperty(key("vertex-file"), name + ".v").trim());
      edgeFile = dir.resolve(props.getProperty(key("edge-file"), name + ".e").trim());
      String d = property("directed").toLowerCase(Locale.ROOT);
      if (!d.equals("true") && !d.equals("false")) {
        throw new IllegalArgumentException(key("directed") + " must be true or false, got '" + d + "' in "
            + propertiesFile);
      }
      directed = Boolean.parseBoolean(d);
    }

    static Graph load(Path graph) {
      return new Graph(graph);
    }

    String key(String suffix) {
      return "graph." + name + "." + suffix;
    }

    String property(String suffix) {
      String v = props.getProperty(key(suffix));
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("missing key " + key(suffix) + " in " + propertiesFile);
      }
      return v.trim();
    }

    int intProperty(String suffix) {
      return parsed(suffix, Integer::parseInt, "an integer");
    }

    double doubleProperty(String suffix) {
      return parsed(suffix, Double::parseDouble, "a number");
    }

    private <T> T parsed(String suffix, java.util.function.Function<String, T> parse, String what) {
      String v = property(suffix);
      try {
        return parse.apply(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key(suffix) + " must be " + what + ", got '" + v + "' in "
            + propertiesFile);
      }
    }
  }
}
