package dev.ferry.lifecycle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-way stop flag that waits can be cut short by. Backoffs and idle waits block on it instead
 * of sleeping, so a stop request ends them at once. Thread-safe.
 */
public final class StopSignal implements Waiter {
  private final CountDownLatch latch = new CountDownLatch(1);

  public void stop() {
    latch.countDown();
  }

  public boolean isStopped() {
    return latch.getCount() == 0;
  }

  /**
   * Waits up to {@code timeout} for a stop.
   *
   * @return true if stop was requested (now or during the wait)
   * @throws InterruptedException if the waiting thread is interrupted; the flag is left set
   */
  @Override
  public boolean await(Duration timeout) throws InterruptedException {
    if (timeout.isZero() || timeout.isNegative()) {
      return isStopped();
    }
    return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
