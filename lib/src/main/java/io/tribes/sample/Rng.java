package io.tribes.sample;

/**
 * A tiny SplitMix64 generator. Self-contained on purpose: the sample must be identical on every
 * JDK, so nothing here delegates to JDK algorithms that may change between releases. Each row's
 * generator is seeded from (seed, stream, row keys) with {@link #seed}, so the output never depends
 * on how rows are spread over partitions.
 */
final class Rng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A well-mixed seed for the stream {@code stream} keyed by {@code a} and {@code b}. */
  static long seed(long seed, long stream, long a, long b) {
    long h = mix64(seed + stream * 0xD1B54A32D192ED03L);
    h = mix64(h ^ (a * GOLDEN + 0x632BE59BD9B4E019L));
    h = mix64(h ^ (b * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
    return h;
  }

  /** A uniform double in [0, 1) determined by the keys alone. */
  static double unit(long seed, long stream, long a, long b) {
    return (mix64(seed(seed, stream, a, b)) >>> 11) * 0x1.0p-53;
  }

  long nextLong() {
    state += GOLDEN;
    return mix64(state);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound); bound > 0. (Multiply-shift; the bias is below 2^-32.) */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Uniform in [lo, hi). */
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  boolean chance(double p) {
    return nextDouble() < p;
  }

  /** Standard normal (Box-Muller, one value per call). */
  double gaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Poisson; Knuth's method for small means, a rounded normal for large ones. */
  int poisson(double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 40) {
      return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * gaussian()));
    }
    double limit = Math.exp(-mean);
    double p = 1.0;
    int k = 0;
    do {
      k++;
      p *= nextDouble();
    } while (p > limit);
    return k - 1;
  }

  /** Index into {@code cumulative} (ascending, last element 1.0) for a uniform draw. */
  int pick(double[] cumulative) {
    double u = nextDouble();
    for (int i = 0; i < cumulative.length - 1; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  /** Normalised running sums of {@code weights}. */
  static double[] cumulative(double... weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double[] c = new double[weights.length];
    double run = 0;
    for (int i = 0; i < weights.length; i++) {
      run += weights[i];
      c[i] = run / total;
    }
    c[c.length - 1] = 1.0;
    return c;
  }
}
