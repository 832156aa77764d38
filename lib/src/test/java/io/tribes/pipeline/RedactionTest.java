package io.tribes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.tribes.config.ConfigLoader;
import io.tribes.config.TribesConfig;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The manifest's config: values under secret-looking keys are written as {@code <redacted>}, others as given. */
class RedactionTest {
  @Test
  void secretLookingKeysAreRedactedInTheManifestConfig() {
    TribesConfig c = new ConfigLoader().parse(String.join("\n",
        "s3:",
        "  endpoint: http://127.0.0.1:9090",
        "  credentials-provider: com.example.VerySecretProvider",
        "graph:",
        "  type-weights:",
        "    reply: 3.0",
        "    api_token: 7.5",
        ""), "test");
    JsonNode tree = ManifestAssembler.redactedConfig(c, LocalDate.of(2026, 11, 2));
    assertEquals("<redacted>", tree.get("s3").get("credentials-provider").asText());
    assertEquals("<redacted>", tree.get("graph").get("type-weights").get("api_token").asText());
    assertEquals("http://127.0.0.1:9090", tree.get("s3").get("endpoint").asText());
    assertEquals(3.0, tree.get("graph").get("type-weights").get("reply").asDouble());
    assertEquals("2026-11-02", tree.get("run-date").asText());
    assertFalse(tree.toString().contains("VerySecretProvider"), tree.toString());
  }
}
