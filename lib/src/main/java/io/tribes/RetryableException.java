package io.tribes;

/**
 * A failure that is not the input's fault and may pass on a later attempt: a transient read error
 * (an I/O timeout, a throttled or refused S3 request), or the warehouse's writer lock held by
 * another run. The job prints one line naming what failed and exits with code 1, so a scheduler
 * retries it; nothing is published. Compare {@link TribesException} (exit code 2: fix the input).
 */
public class RetryableException extends RuntimeException {
  public RetryableException(String message) {
    super(message);
  }

  public RetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
