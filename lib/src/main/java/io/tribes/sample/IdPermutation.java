package io.tribes.sample;

import java.io.Serializable;

/**
 * A keyed bijection of [0, n): a 4-round balanced Feistel network on the smallest even bit width
 * covering n, restricted to [0, n) by cycle walking (fewer than 4 steps on average). It scatters
 * the members of a planted community over the whole id range, so ids reveal nothing about
 * communities, while both directions stay O(1) on executors without any lookup table.
 */
final class IdPermutation implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int ROUNDS = 4;

  private final long n;
  private final int halfBits;
  private final long mask;
  private final long[] keys = new long[ROUNDS];

  IdPermutation(long n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    this.n = n;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
    if ((bits & 1) == 1) {
      bits++;
    }
    this.halfBits = bits / 2;
    this.mask = (1L << halfBits) - 1;
    for (int r = 0; r < ROUNDS; r++) {
      keys[r] = Rng.seed(seed, Streams.PERMUTATION, r, n);
    }
  }

  long size() {
    return n;
  }

  long apply(long x) {
    check(x);
    do {
      x = encrypt(x);
    } while (x >= n);
    return x;
  }

  long inverse(long y) {
    check(y);
    do {
      y = decrypt(y);
    } while (y >= n);
    return y;
  }

  private void check(long x) {
    if (x < 0 || x >= n) {
      throw new IllegalArgumentException("index " + x + " outside [0, " + n + ")");
    }
  }

  private long round(long half, int r) {
    return Rng.mix64(half ^ keys[r]) & mask;
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & mask;
    for (int r = 0; r < ROUNDS; r++) {
      long next = left ^ round(right, r);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  private long decrypt(long y) {
    long left = y >>> halfBits;
    long right = y & mask;
    for (int r = ROUNDS - 1; r >= 0; r--) {
      long prev = right ^ round(left, r);
      right = left;
      left = prev;
    }
    return (left << halfBits) | right;
  }
}
