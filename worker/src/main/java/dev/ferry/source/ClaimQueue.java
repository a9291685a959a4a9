package dev.ferry.source;

import dev.ferry.errors.Backoff;
import dev.ferry.lifecycle.StopSignal;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims partitions on its own thread ({@code ferry-claim}) so that a slow or unreachable database
 * never blocks the poll loop inside a rebalance callback. Failed claims are retried with backoff
 * until they succeed, the partition is retired, or the queue is closed. The poll loop collects
 * finished claims with {@link #poll()}.
 */
final class ClaimQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClaimQueue.class);

  record Done(PartitionState state, PartitionClaim claim) {}

  private final PartitionClaimer claimer;
  private final Backoff backoff;
  private final StopSignal stop = new StopSignal();
  private final Queue<Done> done = new ConcurrentLinkedQueue<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "ferry-claim"));

  ClaimQueue(PartitionClaimer claimer, Backoff backoff) {
    this.claimer = claimer;
    this.backoff = backoff;
  }

  /** Passes the newly assigned partitions on to the claimer, before their claims are submitted. */
  void assigned(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
    claimer.assigned(partitions);
  }

  void submit(PartitionState state) {
    thread.execute(() -> claim(state));
  }

  private void claim(PartitionState state) {
    for (int attempt = 1; !state.isRetired() && !stop.isStopped(); attempt++) {
      try {
        PartitionClaim claim = claimer.claim(state.partition());
        done.add(new Done(state, claim));
        log.info(
            "claimed {} at epoch {} ({} offsets already applied above the committed offset)",
            state.partition(),
            claim.epoch(),
            claim.applied().size());
        return;
      } catch (Exception e) {
        log.warn(
            "claiming {} failed (attempt {}), retrying: {}",
            state.partition(),
            attempt,
            e.toString());
        try {
          if (stop.await(backoff.delay(attempt))) {
            return;
          }
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The next finished claim, or null. */
  Done poll() {
    return done.poll();
  }

  @Override
  public void close() {
    stop.stop();
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("claim thread did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
