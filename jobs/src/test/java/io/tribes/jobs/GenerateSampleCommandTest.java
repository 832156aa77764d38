package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tribes.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateSampleCommandTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

  private int run(String... args) {
    // bad arguments must fail before Spark is touched, so no session is needed for them
    return GenerateSampleCommand.run(null, args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private void assertBad(String option, String... args) {
    errBytes.reset();
    assertEquals(2, run(args), String.join(" ", args));
    String e = err();
    assertEquals(1, e.strip().lines().count(), "one line: " + e);
    assertTrue(e.contains(option), "names " + option + ": " + e);
  }

  @Test
  void badOrMissingArgumentsReturn2WithOneLineNamingTheOption() {
    assertBad("--out", "--members", "1000");
    assertBad("--members", "--members", "abc", "--out", "x");
    assertBad("--members", "--members", "99", "--out", "x");
    assertBad("--members", "--out", "x", "--members");
    assertBad("--days", "--days", "0", "--out", "x");
    assertBad("--days", "--days=", "--out", "x");
    assertBad("--seed", "--seed", "1.5", "--out", "x");
    assertBad("--end-date", "--end-date", "2026-13-01", "--out", "x");
    assertBad("--bogus", "--bogus", "1", "--out", "x");
    assertBad("--out", "--out", "a", "--out", "b");
    assertBad("stray", "stray", "--out", "x");
    assertBad("--consecutive-days", "--consecutive-days", "0", "--out", "x");
    assertBad("--activity", "--activity", "0", "--out", "x");
    assertBad("--activity", "--activity", "lots", "--out", "x");
    assertEquals("", outBytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void parsesDefaultsAndBothOptionForms() throws Exception {
    GenerateSampleCommand.Options o = GenerateSampleCommand.Options.parse(new String[] {"--out", "d"});
    assertEquals(20_000, o.spec.members());
    assertEquals(30, o.spec.days());
    assertEquals(42, o.spec.seed());
    assertEquals(io.tribes.sample.SampleSpec.DEFAULT_END_DATE, o.spec.endDate());
    o = GenerateSampleCommand.Options.parse(
        new String[] {"--members=1000", "--days", "7", "--seed=-3", "--end-date", "2025-01-31", "--out=s3a://b/p"});
    assertEquals(1000, o.spec.members());
    assertEquals(7, o.spec.days());
    assertEquals(-3, o.spec.seed());
    assertEquals(java.time.LocalDate.of(2025, 1, 31), o.spec.endDate());
    assertEquals("s3a://b/p", o.out);
    assertEquals(0, o.consecutiveDays);
    assertEquals(1.0, o.spec.activity());
    assertEquals(2.5, GenerateSampleCommand.Options.parse(new String[] {"--out", "d", "--activity", "2.5"}).spec.activity());
    assertEquals(3, GenerateSampleCommand.Options.parse(new String[] {"--out", "d", "--consecutive-days", "3"})
        .consecutiveDays);
  }

  @Test
  void helpPrintsUsageAndReturns0() {
    assertEquals(0, run("--help"));
    assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("--members"));
  }

  @Test
  void generatesAndPrintsTheSummary() {
    String dir = tmp.resolve("sample").toString();
    int rc = GenerateSampleCommand.run(TestSpark.session(),
        new String[] {"--members", "300", "--days", "2", "--seed", "9", "--out", dir},
        new PrintStream(outBytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    assertEquals(0, rc, err());
    String out = outBytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("members=300 "), out);
    assertTrue(out.contains("hubs=6"), out);
    assertEquals(300, TestSpark.session().read().parquet(dir + "/members").count());
  }
}
