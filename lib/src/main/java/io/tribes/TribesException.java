package io.tribes;

/**
 * A failure the user can fix: bad input data, a bad config or an unusable path. The message is one
 * line naming the file, column or key and what was expected; the job exits with code 2 and
 * publishes nothing. Any other exception is an internal failure (exit code 1).
 */
public class TribesException extends RuntimeException {
  public TribesException(String message) {
    super(message);
  }

  public TribesException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The innermost message of an exception chain, on one line: what a user can act on. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return msg.replaceAll("\\s+", " ").trim();
  }
}
