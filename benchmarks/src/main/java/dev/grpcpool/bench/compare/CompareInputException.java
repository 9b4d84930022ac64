package dev.grpcpool.bench.compare;

/**
 * Bad input to a comparison: a missing or unreadable file, a file that is not JMH result JSON, nothing in
 * common between the two sides, or machines that cannot be compared. The message names the file and the
 * problem in one line.
 */
public final class CompareInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CompareInputException(String message) {
    super(message);
  }

  public CompareInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
