package io.tribes;

/**
 * Test hook, not a user setting: named points of a run where tests make the job fail or stop, to
 * check that an interrupted run never leaves anything half-visible. Points: each stage name after
 * the stage's work ({@code load}, {@code build_graph}, {@code detect}, {@code rank}, {@code shape})
 * and, inside publish, {@code publish:staging} (first table staged), {@code publish:staged} (both
 * staged), {@code publish:moved} (tables moved into their partitions, no manifest yet),
 * {@code publish:manifest} (manifest written, {@code _latest} not yet).
 *
 * <p>System property {@code tribes.test.fail-at=<point>} throws there (an internal failure, exit
 * code 1); {@code tribes.test.hang-at=<point>} prints {@code tribes: test hook: hanging at <point>}
 * to stderr and blocks, so a test can kill the JVM at a known moment. Unset, it does nothing.
 */
public final class FaultPoint {
  public static final String FAIL_AT = "tribes.test.fail-at";
  public static final String HANG_AT = "tribes.test.hang-at";

  private FaultPoint() {}

  public static void reached(String point) {
    if (point.equals(System.getProperty(FAIL_AT))) {
      throw new IllegalStateException("injected failure at " + point + " (" + FAIL_AT + ")");
    }
    if (point.equals(System.getProperty(HANG_AT))) {
      System.err.println("tribes: test hook: hanging at " + point);
      System.err.flush();
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while hanging at " + point, e);
        }
      }
    }
  }
}
