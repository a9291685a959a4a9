package dev.ferry.testkit.kafka;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** A point in monotonic time by which a wait must end. Immutable. */
final class Deadline {

  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  boolean expired() {
    return remaining().isZero();
  }

  /** Time left, never negative. */
  Duration remaining() {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  /**
   * Waits for the shorter of {@code interval} and the time left, between two polls of a condition
   * that offers no way to be notified.
   *
   * @throws InterruptedException if the thread is interrupted, so callers stop polling at once
   */
  void pause(Duration interval) throws InterruptedException {
    long nanos = Math.min(interval.toNanos(), remaining().toNanos());
    if (nanos > 0) {
      LockSupport.parkNanos(this, nanos);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }
}
