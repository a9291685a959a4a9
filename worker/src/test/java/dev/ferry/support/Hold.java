package dev.ferry.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * Keeps a fault (a lock, a cut, a black hole) in place for the time a scenario asks, checking what
 * must stay true meanwhile, instead of sleeping through it.
 */
public final class Hold {
  private Hold() {}

  /** What must stay true while the fault lasts; an assertion or an exception ends the wait. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /**
   * Returns once {@code System.nanoTime()} has reached {@code endsAtNanos}, running {@code during}
   * every half second until then; an assertion it makes fails the wait at once.
   */
  public static void until(long endsAtNanos, String what, Check during) {
    Duration left = Duration.ofNanos(Math.max(0, endsAtNanos - System.nanoTime()));
    await(what)
        .atMost(left.plusSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              during.run();
              return System.nanoTime() >= endsAtNanos;
            });
  }
}
