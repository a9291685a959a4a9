package dev.ferry.dlt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock for unit tests that moves on by a fixed step each time it is read. Not thread-safe. */
final class SteppingClock extends Clock {
  private final Duration step;
  private Instant now;

  SteppingClock(Instant start, Duration step) {
    this.now = start;
    this.step = step;
  }

  @Override
  public Instant instant() {
    Instant read = now;
    now = now.plus(step);
    return read;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
