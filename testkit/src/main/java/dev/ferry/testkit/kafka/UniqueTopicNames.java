package dev.ferry.testkit.kafka;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Topic names that the tests sharing one broker or cluster do not share, {@code
 * prefix-<n>-<random>}. Thread-safe.
 */
final class UniqueTopicNames {

  private static final Pattern LEGAL_TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  private final AtomicInteger counter = new AtomicInteger();

  /**
   * A name not returned before by this instance; it does not create the topic.
   *
   * @throws IllegalArgumentException if {@code prefix} is not 1-200 of {@code [a-zA-Z0-9._-]}
   */
  String next(String prefix) {
    if (!LEGAL_TOPIC_PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix must be 1-200 of [a-zA-Z0-9._-], was '" + prefix + "'");
    }
    int random = ThreadLocalRandom.current().nextInt(0x100000, 0x1000000);
    return prefix + "-" + counter.incrementAndGet() + "-" + Integer.toHexString(random);
  }
}
