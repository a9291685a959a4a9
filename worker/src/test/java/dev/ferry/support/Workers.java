package dev.ferry.support;

import static org.awaitility.Awaitility.await;

import dev.ferry.app.FerryWorker;
import dev.ferry.config.FerryConfig;
import java.time.Duration;

/** Runs an in-process worker for a test. */
public final class Workers {
  private Workers() {}

  /**
   * Starts a worker, waits until its group has committed everything on {@code topic}, then drains
   * and stops it.
   *
   * @return the stopped worker, for its counters
   */
  public static FerryWorker runUntilCaughtUp(
      FerryConfig config, String bootstrap, String group, String topic, Duration timeout)
      throws Exception {
    FerryWorker worker = FerryWorker.start(config);
    try {
      await().atMost(timeout).until(() -> GroupLag.of(bootstrap, group, topic) == 0);
    } finally {
      worker.requestStop();
      worker.awaitTermination(Duration.ofSeconds(60));
    }
    return worker;
  }
}
