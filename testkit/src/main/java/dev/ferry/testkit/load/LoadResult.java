package dev.ferry.testkit.load;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link LoadGenerator} run sent; every record counted here was acknowledged by the broker
 * ({@code acks=all}).
 *
 * @param good the good events in the order they were sent; empty if the generator was built with
 *     {@code retainGood(false)}
 * @param goodCount how many good records were sent
 * @param bad how many bad records were sent
 * @param sent how many records were sent in all
 * @param elapsed from the first send to the end of the final flush
 */
public record LoadResult(List<Event> good, long goodCount, int bad, long sent, Duration elapsed) {

  public LoadResult {
    good = List.copyOf(good);
  }

  /** Records per second over {@link #elapsed()}. */
  public double recordsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? sent / seconds : 0;
  }
}
