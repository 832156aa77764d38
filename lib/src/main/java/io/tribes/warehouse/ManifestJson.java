package io.tribes.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;

/** The warehouse's JSON documents: manifests, the {@code _latest} pointer and the lock, one mapper for all. */
final class ManifestJson {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestJson() {}

  static byte[] toJson(Object value) {
    try {
      return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunManifest manifest(byte[] json) {
    try {
      return JSON.readValue(json, RunManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code _latest} pointer's content. */
  static Map<String, String> pointer(LocalDate date, String runId) {
    return Map.of("run_date", date.toString(), "run_id", runId);
  }

  /** The run date a {@code _latest} pointer names. */
  static String pointerDate(byte[] json) {
    try {
      return JSON.readTree(json).get("run_date").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
