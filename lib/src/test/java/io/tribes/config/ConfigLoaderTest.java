package io.tribes.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.TribesException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void embeddedDefaultsAreConfLocalYaml() throws Exception {
    TribesConfig defaults = loader.defaults();
    TribesConfig fromFile = loader.load(Path.of(System.getProperty("tribes.project.dir"), "conf", "local.yaml"));
    assertEquals(defaults.lpa(), fromFile.lpa());
    assertEquals(3, defaults.community().minSize());
    assertEquals(30, defaults.community().maxSize());
    assertEquals(3.0, defaults.graph().typeWeights().get("reply"));
    assertNull(defaults.runDate());
  }

  /** The embedded defaults name no input path (the sample's are demo's only): a run must be given them. */
  @Test
  void defaultsNameNoInputAndAMissingOneIsNamed() {
    TribesConfig defaults = loader.defaults();
    assertNull(defaults.input().interactions());
    assertNull(defaults.input().members());
    assertNull(defaults.input().forget());
    var noInput = assertThrows(TribesException.class, () -> ConfigLoader.requireInputs(defaults));
    assertTrue(noInput.getMessage().contains("'input.interactions'"), noInput.getMessage());
    TribesConfig onlyInteractions = loader.parse("input:\n  interactions: s3a://b/interactions\n", "test");
    var noMembers = assertThrows(TribesException.class, () -> ConfigLoader.requireInputs(onlyInteractions));
    assertTrue(noMembers.getMessage().contains("'input.members'") && noMembers.getMessage().contains("none"),
        noMembers.getMessage());
    TribesConfig none = loader.parse("input:\n  interactions: /i\n  members: none\n", "test");
    ConfigLoader.requireInputs(none);
    assertNull(none.input().membersTable());
    var lease = assertThrows(TribesException.class, () -> loader.parse("warehouse-lock-lease-seconds: 0\n", "test"));
    assertTrue(lease.getMessage().contains("'warehouse-lock-lease-seconds'"), lease.getMessage());
  }

  @Test
  void userFileOverridesOnlyWhatItNames() {
    TribesConfig c = loader.parse("lpa:\n  max-iterations: 7\nwarehouse: s3a://bucket/wh\n", "test");
    assertEquals(7, c.lpa().maxIterations());
    assertEquals(loader.defaults().lpa().convergenceThreshold(), c.lpa().convergenceThreshold());
    assertEquals("s3a://bucket/wh", c.warehouse());
    assertEquals(loader.defaults().pagerank(), c.pagerank());
  }

  @Test
  void executionKeysAreOneSectionAndTheMovedKeyStillReads() {
    TribesConfig d = loader.defaults();
    assertEquals(new TribesConfig.Execution(5_000_000L, 20_000_000L, 2_000_000L), d.execution());
    TribesConfig moved = loader.parse("spark:\n  in-memory-graph-edges: 7\n", "test");
    assertEquals(7, moved.execution().inMemoryGraphEdges());
    assertEquals(d.spark(), moved.spark());
    assertMessage("spark:\n  in-memory-graph-edges: 7\nexecution:\n  in-memory-graph-edges: 8\n",
        "config key 'spark.in-memory-graph-edges': moved to 'execution.in-memory-graph-edges', which is also set");
    assertMessage("execution:\n  vector-vertex-limit: -1\n", "config key 'execution.vector-vertex-limit': must be in");
  }

  @Test
  void typeWeightsAreAnOpenMap() {
    TribesConfig c = loader.parse("graph:\n  type-weights:\n    reply: 2.0\n    repost: 1.5\n", "test");
    assertEquals(1.5, c.graph().typeWeights().get("repost"));
  }

  @Test
  void unknownKeyIsNamed() {
    var e = assertThrows(TribesException.class, () -> loader.parse("lpa:\n  max-iteratons: 5\n", "test"));
    assertTrue(e.getMessage().contains("'lpa.max-iteratons'"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    var top = assertThrows(TribesException.class, () -> loader.parse("colour: blue\n", "test"));
    assertTrue(top.getMessage().contains("'colour'"), top.getMessage());
  }

  @Test
  void wrongTypeIsNamed() {
    var e = assertThrows(TribesException.class, () -> loader.parse("lpa:\n  max-iterations: many\n", "test"));
    assertTrue(e.getMessage().contains("'lpa.max-iterations'") && e.getMessage().contains("integer"), e.getMessage());
    var e2 = assertThrows(TribesException.class, () -> loader.parse("graph:\n  unknown-types: maybe\n", "test"));
    assertTrue(e2.getMessage().contains("'graph.unknown-types'"), e2.getMessage());
  }

  @Test
  void invalidValuesAreNamed() {
    assertMessage("lpa:\n  max-iterations: 0\n", "'lpa.max-iterations': must be > 0, got 0");
    assertMessage("pagerank:\n  max-iterations: -3\n", "'pagerank.max-iterations': must be > 0, got -3");
    assertMessage("community:\n  min-size: 10\n  max-size: 5\n", "'community.max-size': must be >= community.min-size (10), got 5");
    assertMessage("lifecycle:\n  event-min-members: 0\n", "'lifecycle.event-min-members': must be >= 1, got 0");
    assertMessage("run-date: 2026-13-45\n", "'run-date': expected a date YYYY-MM-DD, got '2026-13-45'");
    assertMessage("pagerank:\n  damping-factor: 1.5\n", "'pagerank.damping-factor'");
    assertMessage("graph:\n  type-weights:\n    like: -1\n", "'graph.type-weights.like'");
  }

  @Test
  void missingFileIsNamed(@TempDir Path dir) {
    var e = assertThrows(TribesException.class, () -> loader.load(dir.resolve("nope.yaml")));
    assertTrue(e.getMessage().contains("nope.yaml") && e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void malformedYamlIsReported(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "lpa: [unclosed\n");
    var e = assertThrows(TribesException.class, () -> loader.load(f));
    assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("not valid YAML"), e.getMessage());
  }

  private void assertMessage(String yaml, String expected) {
    var e = assertThrows(TribesException.class, () -> loader.parse(yaml, "test"));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
