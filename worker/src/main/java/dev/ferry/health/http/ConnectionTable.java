package dev.ferry.health.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The open connections of the HTTP server, each in a phase since an instant, and the rules that cut
 * them: the deadlines of {@link HttpLimits} and, at the connection limit, which one makes room for
 * a new one. Pure bookkeeping with the time passed in; confined to the server's selector thread.
 *
 * @param <C> the connection
 */
final class ConnectionTable<C> {
  /** What a connection is doing. */
  enum Phase {
    /** Waiting for the first byte of a request (after accept or after a keep-alive response). */
    IDLE,
    /** Has sent part of a request. */
    RECEIVING,
    /** Its request is with a handler. */
    SERVING,
    /** Its response is being written. */
    SENDING
  }

  private record Entry(Phase phase, Instant since) {}

  private final HttpLimits limits;
  private final Map<C, Entry> entries = new LinkedHashMap<>();

  ConnectionTable(HttpLimits limits) {
    this.limits = limits;
  }

  void enter(C connection, Phase phase, Instant now) {
    entries.put(connection, new Entry(phase, now));
  }

  void remove(C connection) {
    entries.remove(connection);
  }

  Optional<Phase> phase(C connection) {
    return Optional.ofNullable(entries.get(connection)).map(Entry::phase);
  }

  int size() {
    return entries.size();
  }

  boolean isFull() {
    return entries.size() >= limits.maxConnections();
  }

  /**
   * At the limit, the connection to close so that a new one fits: the one idle the longest, else
   * the one that has been sending its request the longest (the nearest to its deadline). Empty when
   * every connection is being served: then the new one is refused.
   */
  Optional<C> evictionCandidate() {
    return oldestIn(Phase.IDLE).or(() -> oldestIn(Phase.RECEIVING));
  }

  private Optional<C> oldestIn(Phase phase) {
    return entries.entrySet().stream()
        .filter(e -> e.getValue().phase() == phase)
        .min(Comparator.comparing(e -> e.getValue().since()))
        .map(Map.Entry::getKey);
  }

  /** The connections past their deadline at {@code now}, oldest first. */
  List<C> expired(Instant now) {
    List<C> out = new ArrayList<>();
    entries.forEach(
        (connection, entry) -> {
          Optional<Duration> limit = deadline(entry.phase());
          if (limit.isPresent() && !now.isBefore(entry.since().plus(limit.get()))) {
            out.add(connection);
          }
        });
    return out;
  }

  private Optional<Duration> deadline(Phase phase) {
    return switch (phase) {
      case IDLE -> Optional.of(limits.idleTimeout());
      case RECEIVING, SENDING -> Optional.of(limits.requestTimeout());
      case SERVING -> Optional.empty(); // bounded by the handlers, which answer from memory
    };
  }
}
