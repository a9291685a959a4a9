package dev.ferry.lifecycle;

import java.time.Duration;

/** A wait that a stop request can cut short; {@link StopSignal} is the real one. */
@FunctionalInterface
public interface Waiter {
  /**
   * Waits up to {@code timeout}.
   *
   * @return true if the wait ended because the worker is stopping
   */
  boolean await(Duration timeout) throws InterruptedException;
}
