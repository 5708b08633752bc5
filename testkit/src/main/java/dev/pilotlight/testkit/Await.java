package dev.pilotlight.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits on a condition with a deadline, for tests that drive real processes and sockets. Polls; the
 * poll interval is not a timing assertion, only how often the condition is checked.
 */
public final class Await {
  private Await() {}

  public static void until(String what, Duration deadline, Callable<Boolean> condition) {
    untilValue(what, deadline, condition, Boolean.TRUE::equals);
  }

  /**
   * Returns the first value of {@code supplier} that satisfies {@code accept}, failing after the
   * deadline.
   */
  public static <T> T untilValue(
      String what, Duration deadline, Callable<T> supplier, Predicate<T> accept) {
    long end = System.currentTimeMillis() + deadline.toMillis();
    T last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = supplier.call();
        if (accept.test(last)) {
          return last;
        }
        lastError = null;
      } catch (Exception e) {
        lastError = e;
      }
      if (System.currentTimeMillis() > end) {
        AssertionError err =
            new AssertionError(
                "timed out after " + deadline + " waiting for " + what + "; last value: " + last);
        if (lastError != null) {
          err.initCause(lastError);
        }
        throw err;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
