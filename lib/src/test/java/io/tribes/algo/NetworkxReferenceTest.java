package io.tribes.algo;

import static io.tribes.algo.TestGraphs.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.algo.LabelPropagation.Mode;
import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Karate club and Les Misérables against NetworkX 2.8.8 outputs in shared/reference/networkx. */
class NetworkxReferenceTest {

  private static Path dir(String graph) {
    return TestSpark.sharedDir().resolve("reference/networkx").resolve(graph);
  }

  /** Data lines of a CSV with a header, split on commas (the files have no quoted commas in used columns). */
  private static List<String[]> csv(Path file, String expectedHeader) {
    try {
      List<String> lines = Files.readAllLines(file);
      assertEquals(expectedHeader, lines.get(0).trim(), "header of " + file);
      List<String[]> rows = new ArrayList<>();
      for (String l : lines.subList(1, lines.size())) {
        if (!l.isBlank()) {
          rows.add(l.trim().split(","));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Dataset<Row> vertices(String graph) {
    List<Row> rows = new ArrayList<>();
    for (String[] r : csv(dir(graph).resolve("pagerank_networkx.csv"), "id,pagerank")) {
      rows.add(RowFactory.create(Long.parseLong(r[0])));
    }
    return spark().createDataFrame(rows, new StructType().add("id", DataTypes.LongType));
  }

  /** The undirected edges, each once, with their weight column. */
  private static Dataset<Row> edges(String graph) {
    List<Row> rows = new ArrayList<>();
    for (String[] r : csv(dir(graph).resolve("edges.csv"), "src,dst,weight")) {
      rows.add(RowFactory.create(Long.parseLong(r[0]), Long.parseLong(r[1]), Double.parseDouble(r[2])));
    }
    return spark().createDataFrame(rows, new StructType().add("src", DataTypes.LongType)
        .add("dst", DataTypes.LongType).add("weight", DataTypes.DoubleType));
  }

  private static Map<Long, String> expected(String graph, String file, String header) {
    Map<Long, String> m = new TreeMap<>();
    for (String[] r : csv(dir(graph).resolve(file), header)) {
      m.put(Long.parseLong(r[0]), r[1]);
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"karate", "les_miserables"})
  void convergedPageRankMatchesNetworkx(String graph) {
    Dataset<Row> e = edges(graph);
    Dataset<Row> both = e.union(e.select(e.col("dst"), e.col("src"), e.col("weight")));
    PageRank.Result r = new PageRank(vertices(graph), both).weightColumn(null).maxIterations(500)
        .tolerance(1e-13).run();
    assertTrue(r.iterations() < 500, "converged before the cap, took " + r.iterations());
    assertTrue(r.residual() < 1e-13);
    Map<Long, Double> actual = TestGraphs.toMap(r.ranks(), "pagerank");
    Map<Long, String> expected = expected(graph, "pagerank_networkx.csv", "id,pagerank");
    assertEquals(expected.keySet(), actual.keySet());
    double sum = 0;
    for (Map.Entry<Long, String> x : expected.entrySet()) {
      double want = Double.parseDouble(x.getValue());
      assertEquals(want, actual.get(x.getKey()), 1e-6, "vertex " + x.getKey());
      sum += actual.get(x.getKey());
    }
    assertEquals(1.0, sum, 1e-9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"karate", "les_miserables"})
  void graphalyticsCdlpTenIterationsMatchesExactly(String graph) {
    LabelPropagation.Result r = new LabelPropagation(vertices(graph), edges(graph)).mode(Mode.GRAPHALYTICS)
        .directed(false).maxIterations(10).run();
    assertEquals(10, r.iterations());
    Map<Long, Long> actual = TestGraphs.labels(r);
    Map<Long, String> expected = expected(graph, "cdlp_10.csv", "id,label");
    Map<Long, Long> want = new TreeMap<>();
    expected.forEach((k, v) -> want.put(k, Long.parseLong(v)));
    assertEquals(want, actual);
  }
}
