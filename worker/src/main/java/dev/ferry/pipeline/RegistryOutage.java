package dev.ferry.pipeline;

import dev.ferry.errors.Backoff;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.Waiter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out a schema registry that cannot be asked while a batch is prepared: never a dead letter,
 * the batch is prepared again after backoff. Readiness says {@link #REGISTRY_UNAVAILABLE} from the
 * first failure until a batch is prepared again; the outage is logged once when it starts and once
 * when it ends, across all workers. Thread-safe.
 */
final class RegistryOutage {
  /** The readiness reason while the registry cannot be asked for a schema a batch needs. */
  static final String REGISTRY_UNAVAILABLE = "registry-unavailable";

  private static final Logger log = LoggerFactory.getLogger(RegistryOutage.class);

  private final Backoff backoff;
  private final Waiter backoffWait;
  private final Readiness readiness;
  private final AtomicBoolean down = new AtomicBoolean();

  RegistryOutage(Backoff backoff, Waiter backoffWait, Readiness readiness) {
    this.backoff = backoff;
    this.backoffWait = backoffWait;
    this.readiness = readiness;
  }

  /**
   * Notes the failure and waits before attempt {@code attempt + 1}.
   *
   * @return true if the wait ended because the worker is stopping
   */
  boolean waitAfter(RegistryUnavailableException e, int attempt) throws InterruptedException {
    readiness.set(REGISTRY_UNAVAILABLE, true);
    if (down.compareAndSet(false, true)) {
      log.warn(
          "the schema registry cannot be asked for a schema; the batch waits and is read again,"
              + " nothing is dead-lettered: {}",
          e.getMessage());
    }
    return backoffWait.await(backoff.delay(attempt));
  }

  /** A batch was prepared: the outage, if there was one, is over. */
  void prepared() {
    if (down.compareAndSet(true, false)) {
      readiness.set(REGISTRY_UNAVAILABLE, false);
      log.info("the schema registry answers again");
    }
  }
}
