package dev.ferry.app;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a worker's shutdown steps, in the order they are called, each guarded on its own: a step
 * that throws is logged and the next one runs, so one broken part never keeps the others open. A
 * step whose part was never opened (null) is skipped. Each step bounds its own wait, by {@link
 * #STEP_TIMEOUT} where the part takes a timeout. An interrupt ends the step it hits; the flag is
 * restored and stays set for the steps after it.
 */
final class CloseSteps {
  private static final Logger log = LoggerFactory.getLogger(CloseSteps.class);

  /** How long one step may wait for its part to stop. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  /** Closes one part; may throw anything, which ends only this step. */
  @FunctionalInterface
  interface Close<T> {
    void close(T part) throws Exception;
  }

  private CloseSteps() {}

  /** Runs {@code close} on {@code part} unless it is null; never throws an exception. */
  static <T> void step(String name, T part, Close<? super T> close) {
    if (part == null) {
      return;
    }
    try {
      close.close(part);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("shutdown step '{}' failed: interrupted", name);
    } catch (Exception e) {
      log.warn("shutdown step '{}' failed: {}", name, e.toString());
    }
  }
}
