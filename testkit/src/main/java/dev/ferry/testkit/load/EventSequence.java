package dev.ferry.testkit.load;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The deterministic sequence of records behind {@link LoadGenerator}: the same seed, user count and
 * bad fraction give the same records, byte for byte, on every run and machine.
 *
 * <p>Record {@code i} carries an event that depends only on the seed, the user count and {@code i}
 * (every record draws the same random numbers, good or bad); the bad fraction only decides which
 * records are sent in a bad form. Not thread-safe.
 */
public final class EventSequence {

  /** {@code ts} of record {@code i} is this plus {@code i} seconds plus under one second. */
  public static final Instant BASE_TIME = Instant.parse("2025-01-01T00:00:00Z");

  private static final List<String> SOURCES = List.of("web", "app", "api");
  private static final BadRecordKind[] BAD_KINDS = BadRecordKind.values();

  private final SplittableRandom random;
  private final int users;
  private final double badFraction;
  private long index;
  private int badCount;

  public EventSequence(long seed, int users, double badFraction) {
    if (users < 1) {
      throw new IllegalArgumentException("users must be >= 1, was " + users);
    }
    if (!(badFraction >= 0.0 && badFraction <= 1.0)) {
      throw new IllegalArgumentException("badFraction must be in [0, 1], was " + badFraction);
    }
    this.random = new SplittableRandom(seed);
    this.users = users;
    this.badFraction = badFraction;
  }

  /** The next record. */
  public GeneratedRecord next() {
    long i = index++;
    boolean bad = random.nextDouble() < badFraction;
    Event event = nextEvent(i);
    if (!bad) {
      return new GeneratedRecord(i, event.userId(), event.toJson(), event, null);
    }
    BadRecordKind kind = BAD_KINDS[badCount++ % BAD_KINDS.length];
    return new GeneratedRecord(i, event.userId(), badValue(event, kind), event, kind);
  }

  private Event nextEvent(long i) {
    UUID eventId = randomUuid();
    String userId = "user-" + random.nextInt(users);
    String type = Event.TYPES.get(random.nextInt(Event.TYPES.size()));
    BigDecimal amount = BigDecimal.valueOf(random.nextLong(1_000_000), 2); // [0.00, 9999.99]
    Instant ts = BASE_TIME.plusSeconds(i).plusMillis(random.nextInt(1_000));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("source", SOURCES.get(random.nextInt(SOURCES.size())));
    attrs.put("n", i <= Integer.MAX_VALUE ? (Object) (int) i : (Object) i);
    return new Event(eventId, userId, type, amount, ts, attrs);
  }

  /** A version 4 UUID from the seeded random, so that it repeats with the seed. */
  private UUID randomUuid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xCL << 60)) | (0x8L << 60);
    return new UUID(msb, lsb);
  }

  private static String badValue(Event event, BadRecordKind kind) {
    return switch (kind) {
      case INVALID_JSON -> {
        String json = event.toJson();
        yield json.substring(0, json.length() / 2);
      }
      case JSON_ARRAY -> Event.toJson(List.copyOf(event.toMap().values()));
      case INVALID_EVENT_ID -> {
        Map<String, Object> fields = event.toMap();
        fields.put("event_id", "not-a-uuid");
        yield Event.toJson(fields);
      }
    };
  }
}
