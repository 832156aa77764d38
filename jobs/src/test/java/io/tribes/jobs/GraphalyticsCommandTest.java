package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphalyticsCommandTest {
  @TempDir
  Path tmp;

  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runsCdlpOnTheReferenceGraph() throws Exception {
    Path graph = TestSpark.sharedDir().resolve("reference/graphalytics/example-directed/example-directed");
    Path out = tmp.resolve("out/cdlp.txt");
    int code = GraphalyticsCommand.run(TestSpark.session(),
        new String[] {"--algorithm", "cdlp", "--graph", graph.toString(), "--output", out.toString()}, err);
    assertEquals(0, code, err());
    List<String> expected = Files.readAllLines(Path.of(graph + "-CDLP"));
    assertEquals(expected, Files.readAllLines(out));
  }

  @Test
  void badUsageIsExitCode2WithOneLine() {
    int code = GraphalyticsCommand.run(TestSpark.session(), new String[] {"--algorithm", "bfs", "--graph", "g",
        "--output", "o"}, err);
    assertEquals(2, code);
    assertEquals(1, err().lines().count(), err());
    assertTrue(err().contains("cdlp or pr"), err());

    errBytes.reset();
    assertEquals(2, GraphalyticsCommand.run(TestSpark.session(), new String[] {"--algorithm", "pr"}, err));
    assertTrue(err().contains("--graph"), err());

    errBytes.reset();
    assertEquals(2, GraphalyticsCommand.run(TestSpark.session(), new String[] {"--algo", "pr"}, err));
    assertTrue(err().contains("'--algo'"), err());
  }

  @Test
  void missingGraphIsExitCode2NamingTheFile() {
    int code = GraphalyticsCommand.run(TestSpark.session(), new String[] {"--algorithm", "pr", "--graph",
        tmp.resolve("none").toString(), "--output", tmp.resolve("o").toString()}, err);
    assertEquals(2, code);
    assertEquals(1, err().lines().count(), err());
    assertTrue(err().contains("none.properties"), err());
  }
}
