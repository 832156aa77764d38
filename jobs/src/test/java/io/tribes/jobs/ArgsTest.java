package io.tribes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one option parser: both option forms, flags, overrides vs repeats, and usage errors naming the option. */
class ArgsTest {
  private static final Set<String> OPTIONS = Set.of("n", "x", "day", "out");

  private static String usage(Runnable r) {
    String m = assertThrows(Args.Usage.class, r::run).getMessage();
    assertEquals(1, m.lines().count(), m);
    assertTrue(m.startsWith("cmd: "), m);
    return m;
  }

  @Test
  void parsesBothFormsAndTypedValues() {
    Args a = Args.parse("cmd", new String[] {"--n", "20_000", "--x=2.5", "--day", "2026-01-31"}, OPTIONS);
    assertEquals(20_000, a.getLong("n", 1, 0));
    assertEquals(2.5, a.getDouble("x", 1, 0, 10));
    assertEquals(LocalDate.of(2026, 1, 31), a.getDate("day", null));
    assertEquals("d", a.get("out", "d"));
    assertEquals(7, a.getInt("missing-is-fallback", 7, 0, 9));
  }

  @Test
  void laterValueOverridesUnlessParsedOnce() {
    assertEquals("b", Args.parse("cmd", new String[] {"--out", "a", "--out", "b"}, OPTIONS).get("out"));
    assertTrue(usage(() -> Args.parseOnce("cmd", new String[] {"--out", "a", "--out=b"}, OPTIONS, Set.of()))
        .contains("'--out' given twice"));
  }

  @Test
  void helpEndsTheParse() {
    Args a = Args.parseOnce("cmd", new String[] {"-h", "--bogus"}, OPTIONS, Set.of("help"));
    assertTrue(a.has("help"));
  }

  @Test
  void usageErrorsNameTheOptionAndWhatWasExpected() {
    assertTrue(usage(() -> Args.parse("cmd", new String[] {"--nn", "1"}, OPTIONS)).contains("unknown option '--nn'"));
    assertTrue(usage(() -> Args.parse("cmd", new String[] {"stray"}, OPTIONS)).contains("'stray'"));
    assertTrue(usage(() -> Args.parse("cmd", new String[] {"--n"}, OPTIONS)).contains("'--n' needs a value"));
    assertTrue(usage(() -> Args.parse("cmd", new String[] {"--n", "--x", "1"}, OPTIONS)).contains("'--n' needs a value"));
    Args a = Args.parse("cmd", new String[] {"--n", "abc", "--x", "0", "--day", "2026-02-30"}, OPTIONS);
    assertTrue(usage(() -> a.getLong("n", 1, 5, 9)).contains("'--n' expects an integer from 5 to 9, got 'abc'"));
    assertTrue(usage(() -> a.getDouble("x", 1, 0, 10)).contains("'--x' expects a number > 0"));
    assertTrue(usage(() -> a.getDate("day", null)).contains("'--day' expects a date as YYYY-MM-DD"));
    assertTrue(usage(() -> a.require("out")).contains("missing option --out"));
  }
}
