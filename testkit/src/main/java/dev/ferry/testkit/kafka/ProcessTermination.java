package dev.ferry.testkit.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops a process the way an orchestrator does: SIGTERM, a grace period, then SIGKILL. */
final class ProcessTermination {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessTermination.class);
  private static final Duration AFTER_KILL = Duration.ofSeconds(10);

  private ProcessTermination() {}

  /**
   * Sends SIGTERM, waits up to {@code grace} for the process to exit, then sends SIGKILL and waits
   * for that. Returns at once if the process is not alive.
   *
   * @return true if it exited on SIGTERM, false if it had to be killed
   * @throws IllegalStateException if it is still alive after SIGKILL
   * @throws InterruptedException if interrupted while waiting; the process may still be running
   */
  static boolean terminate(ProcessHandle process, Duration grace) throws InterruptedException {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (awaitExit(process, grace)) {
      return true;
    }
    LOG.info("pid {} did not exit within {} of SIGTERM; sending SIGKILL", process.pid(), grace);
    process.destroyForcibly();
    if (!awaitExit(process, AFTER_KILL)) {
      throw new IllegalStateException(
          "pid " + process.pid() + " is still alive " + AFTER_KILL + " after SIGKILL");
    }
    return false;
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout)
      throws InterruptedException {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return !process.isAlive();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not wait for pid " + process.pid(), e.getCause());
    }
  }
}
