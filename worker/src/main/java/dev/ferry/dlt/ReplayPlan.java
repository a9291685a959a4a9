package dev.ferry.dlt;

import dev.ferry.deadletter.FirstOrigin;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Which selected dead letters a replay copies, per original record (guarantee 9): one dead letter
 * per first origin, the newest (most replays, then latest failure, then highest DLT offset), since
 * a replayed record that failed again has a dead letter beside its first one; and none of an origin
 * an earlier replay applied, unless {@code --reapply}. Built from a first read of the replay's
 * scope. Immutable once built.
 */
public final class ReplayPlan {
  /** The skip reason of a dead letter whose original record a replay applied before. */
  public static final String ALREADY_APPLIED =
      "already applied (a replay applied its original record before; --reapply applies it again)";

  /** The skip reason of a dead letter with a newer dead letter of the same original record. */
  public static final String SUPERSEDED =
      "superseded (a newer dead letter of the same original record is replayed instead)";

  /** A plan that skips nothing: for dead letters without origins, or none read first. */
  public static final ReplayPlan NONE = new ReplayPlan(Map.of(), Set.of());

  private static final Comparator<Candidate> NEWEST =
      Comparator.comparingInt(Candidate::replayCount)
          .thenComparing(Candidate::failedAt)
          .thenComparing(Candidate::topic)
          .thenComparingInt(Candidate::partition)
          .thenComparingLong(Candidate::offset);

  private final Map<FirstOrigin, Candidate> newest;
  private final Set<FirstOrigin> applied;

  private ReplayPlan(Map<FirstOrigin, Candidate> newest, Set<FirstOrigin> applied) {
    this.newest = newest;
    this.applied = applied;
  }

  /** One dead letter of an origin: where it is in the DLT and how new it is. */
  private record Candidate(
      String topic, int partition, long offset, int replayCount, Instant failedAt) {
    static Candidate of(ConsumerRecord<byte[], byte[]> r, DeadLetterInfo info) {
      return new Candidate(
          r.topic(), r.partition(), r.offset(), info.replayCount(), info.failedAt());
    }
  }

  /** Collects the selected dead letters of the first read. Not thread-safe. */
  public static final class Builder {
    private final Map<FirstOrigin, Candidate> newest = new HashMap<>();

    /** Notes one selected dead letter. */
    public void add(ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info) {
      info.firstOrigin()
          .ifPresent(
              origin ->
                  newest.merge(
                      origin,
                      Candidate.of(record, info),
                      (a, b) -> NEWEST.compare(a, b) >= 0 ? a : b));
    }

    /** The original records of the dead letters noted, to ask which were applied. */
    public Set<FirstOrigin> origins() {
      return Set.copyOf(newest.keySet());
    }

    /**
     * @param applied the origins (of {@link #origins}) that a replay applied before
     */
    public ReplayPlan build(Set<FirstOrigin> applied) {
      return new ReplayPlan(Map.copyOf(newest), Set.copyOf(applied));
    }
  }

  /**
   * A first read of what a replay will read: the newest dead letter of each original record among
   * those {@code filter} selects, and which original records a replay applied before.
   */
  public static ReplayPlan read(
      DltScanner scanner,
      DltScanner.Scope scope,
      Map<TopicPartition, Long> start,
      DltFilter filter,
      AppliedOrigins appliedOrigins)
      throws Exception {
    Builder plan = new Builder();
    scanner.scan(
        scope,
        start,
        r -> {
          DeadLetterInfo info = DeadLetterInfo.of(r);
          if (filter.matches(r, info)) {
            plan.add(r, info);
          }
          return true;
        });
    return plan.build(appliedOrigins.applied(plan.origins()));
  }

  /**
   * Why the dead letter is not replayed, if it is not.
   *
   * @param reapply the operator asked to apply original records again
   */
  public Optional<String> skip(
      ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info, boolean reapply) {
    if (info.firstOrigin().isEmpty()) {
      return Optional.empty();
    }
    FirstOrigin origin = info.firstOrigin().get();
    if (!reapply && applied.contains(origin)) {
      return Optional.of(ALREADY_APPLIED);
    }
    Candidate chosen = newest.get(origin);
    if (chosen != null && !chosen.equals(Candidate.of(record, info))) {
      return Optional.of(SUPERSEDED);
    }
    return Optional.empty();
  }

  /** How many original records of the plan a replay applied before. */
  public int appliedCount() {
    return applied.size();
  }
}
