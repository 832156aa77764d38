package io.tribes.algo.graphalytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The runner on every LDBC Graphalytics validation graph in shared/reference/graphalytics. */
class GraphalyticsRunnerTest {
  @TempDir
  Path tmp;

  static Stream<Path> graphs() throws IOException {
    Path root = TestSpark.sharedDir().resolve("reference/graphalytics");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    assertFalse(dirs.isEmpty(), "no Graphalytics graphs under " + root);
    return dirs.stream().map(d -> d.resolve(d.getFileName().toString()));
  }

  static Map<Long, String> read(Path file) {
    Map<Long, String> m = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        assertEquals(2, f.length, "line '" + line + "' of " + file);
        assertEquals(null, m.put(Long.parseLong(f[0]), f[1]), "duplicate vertex in " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static List<Long> idsInOrder(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
        .map(l -> Long.parseLong(l.trim().split("\\s+")[0])).toList();
  }

  @ParameterizedTest
  @MethodSource("graphs")
  void cdlpMatchesExactly(Path graph) throws IOException {
    Path out = tmp.resolve(graph.getFileName() + "-CDLP.out");
    GraphalyticsRunner.run(TestSpark.session(), "cdlp", graph, out);
    Map<Long, String> expected = read(Path.of(graph + "-CDLP"));
    Map<Long, String> actual = read(out);
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((v, l) -> assertEquals(Long.parseLong(l), Long.parseLong(actual.get(v)), "vertex " + v));
    List<Long> order = idsInOrder(out);
    assertEquals(order.stream().sorted().toList(), order, "output sorted by vertex id");
  }

  @ParameterizedTest
  @MethodSource("graphs")
  void prWithinGraphalyticsTolerance(Path graph) throws IOException {
    Path out = tmp.resolve(graph.getFileName() + "-PR.out");
    GraphalyticsRunner.run(TestSpark.session(), "PR", graph, out);
    Map<Long, String> expected = read(Path.of(graph + "-PR"));
    Map<Long, String> actual = read(out);
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<Long, String> e : expected.entrySet()) {
      double r = Double.parseDouble(e.getValue());
      double s = Double.parseDouble(actual.get(e.getKey()));
      assertTrue(Math.abs(r - s) <= 1e-4 * Math.abs(r), "vertex " + e.getKey() + ": expected " + r + ", got " + s);
    }
    List<Long> order = idsInOrder(out);
    assertEquals(order.stream().sorted().toList(), order, "output sorted by vertex id");
  }

  @Test
  void clearErrorsOnMissingFilesAndKeys() throws IOException {
    Path missing = tmp.resolve("nope");
    String m1 = assertThrows(IllegalArgumentException.class,
        () -> GraphalyticsRunner.run(TestSpark.session(), "cdlp", missing, tmp.resolve("o"))).getMessage();
    assertTrue(m1.contains("nope.properties"), m1);

    Files.writeString(tmp.resolve("g.properties"), "graph.g.directed = true\n");
    Files.writeString(tmp.resolve("g.v"), "1\n2\n");
    Files.writeString(tmp.resolve("g.e"), "1 2\n");
    String m2 = assertThrows(IllegalArgumentException.class,
        () -> GraphalyticsRunner.run(TestSpark.session(), "cdlp", tmp.resolve("g"), tmp.resolve("o"))).getMessage();
    assertTrue(m2.contains("graph.g.cdlp.max-iterations") && m2.contains("g.properties"), m2);

    Files.writeString(tmp.resolve("h.properties"), "graph.h.directed = false\ngraph.h.cdlp.max-iterations = 2\n");
    Files.writeString(tmp.resolve("h.v"), "1\n2\n");
    String m3 = assertThrows(IllegalArgumentException.class,
        () -> GraphalyticsRunner.run(TestSpark.session(), "cdlp", tmp.resolve("h"), tmp.resolve("o"))).getMessage();
    assertTrue(m3.contains("h.e"), m3);

    String m4 = assertThrows(IllegalArgumentException.class,
        () -> GraphalyticsRunner.run(TestSpark.session(), "bfs", tmp.resolve("h"), tmp.resolve("o"))).getMessage();
    assertTrue(m4.contains("cdlp or pr"), m4);
  }
}
