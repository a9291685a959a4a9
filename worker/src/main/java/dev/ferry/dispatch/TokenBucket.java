package dev.ferry.dispatch;

import java.time.Clock;
import java.util.OptionalDouble;

/**
 * One pipeline's records-per-second limit as a token bucket: a token a record, refilled at the
 * rate, holding at most one second's worth (at least one token), so that the records handed over in
 * any window of {@code T} seconds are at most {@code rate × T + one second's worth}. Unlimited
 * (every record may go) until a rate is set.
 *
 * <p>Once a record was refused for want of a token the bucket is <em>throttled</em>: {@link
 * #holdsBack()} stays true until half the bucket is refilled, so that the poll loop pauses the
 * pipeline's partitions for a while instead of fetching them again for every token. The time spent
 * throttled is summed for {@code ferry_pipeline_throttled_seconds_total}.
 *
 * <p>Thread-safe: the poll thread asks and takes, the control thread changes the rate, the metrics
 * read the throttled time.
 */
public final class TokenBucket {
  private final Clock clock;
  private volatile double rate; // tokens per second; 0 when unlimited (read unlocked first)
  private double capacity;
  private double tokens;
  private long refilledAt;
  private long throttledSince = -1; // millis; -1 when not throttled
  private long throttledMillis;

  /** An unlimited bucket, on {@code clock}. */
  public TokenBucket(Clock clock) {
    this.clock = clock;
    this.refilledAt = clock.millis();
  }

  /**
   * Sets the rate: a lower rate keeps at most the new second's worth of tokens, a first rate starts
   * with a full bucket, no rate lets every record go.
   */
  public synchronized void setRate(OptionalDouble recordsPerSecond) {
    long now = refill();
    if (recordsPerSecond.isEmpty()) {
      rate = 0;
      endThrottle(now);
      return;
    }
    double newRate = recordsPerSecond.getAsDouble();
    if (!(newRate > 0)) {
      throw new IllegalArgumentException("a rate must be above 0, was " + newRate);
    }
    boolean wasUnlimited = rate == 0;
    rate = newRate;
    capacity = Math.max(1, newRate);
    tokens = wasUnlimited ? capacity : Math.min(tokens, capacity);
  }

  /** The rate in records per second; empty when unlimited. */
  public synchronized OptionalDouble rate() {
    return rate == 0 ? OptionalDouble.empty() : OptionalDouble.of(rate);
  }

  /**
   * Whether a record may go now (a whole token is there); a refusal makes the bucket throttled.
   * Takes nothing: {@link #take()} does, once the record is handed over.
   */
  public boolean mayTake() {
    return rate == 0 || mayTakeLimited(); // unlimited, the common case: no lock, no clock
  }

  private synchronized boolean mayTakeLimited() {
    long now = refill();
    if (rate == 0 || tokens >= 1) {
      return true;
    }
    if (throttledSince < 0) {
      throttledSince = now;
    }
    return false;
  }

  /** Takes a token for a record handed over (the bucket may go below 0 after a rate change). */
  public void take() {
    if (rate != 0) {
      takeLimited();
    }
  }

  private synchronized void takeLimited() {
    if (rate != 0) {
      refill();
      tokens -= 1;
    }
  }

  /**
   * Whether the pipeline is to be held back (its partitions paused): from a refusal until half the
   * bucket (at least one token) is there again.
   */
  public boolean holdsBack() {
    // Unlimited, the common case: asked for every assigned partition on every poll, so no lock and
    // no clock (a rate set to none ends the throttled stretch itself).
    return rate != 0 && holdsBackLimited();
  }

  private synchronized boolean holdsBackLimited() {
    long now = refill();
    if (throttledSince < 0) {
      return false;
    }
    if (rate == 0 || tokens >= Math.max(1, capacity / 2)) {
      endThrottle(now);
      return false;
    }
    return true;
  }

  /** The seconds spent throttled since start, the current stretch included. */
  public synchronized double throttledSeconds() {
    long now = clock.millis();
    long millis = throttledMillis + (throttledSince < 0 ? 0 : Math.max(0, now - throttledSince));
    return millis / 1000.0;
  }

  private long refill() {
    long now = clock.millis();
    if (rate != 0 && now > refilledAt) {
      tokens = Math.min(capacity, tokens + (now - refilledAt) * rate / 1000.0);
    }
    refilledAt = Math.max(refilledAt, now);
    return now;
  }

  private void endThrottle(long now) {
    if (throttledSince >= 0) {
      throttledMillis += Math.max(0, now - throttledSince);
      throttledSince = -1;
    }
  }
}
