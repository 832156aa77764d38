package io.tribes.sample;

/** Zero-padded ids, so that string order equals numeric order within one sample. */
final class Ids {
  private Ids() {}

  /** Digits needed for the largest index below {@code count}. */
  static int width(long count) {
    return Long.toString(Math.max(0, count - 1)).length();
  }

  static String padded(char prefix, long value, int width) {
    String digits = Long.toString(value);
    int pad = Math.max(0, width - digits.length());
    char[] out = new char[1 + pad + digits.length()];
    out[0] = prefix;
    for (int i = 1; i <= pad; i++) {
      out[i] = '0';
    }
    digits.getChars(0, digits.length(), out, 1 + pad);
    return new String(out);
  }
}
