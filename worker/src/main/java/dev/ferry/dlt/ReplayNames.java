package dev.ferry.dlt;

import java.time.Instant;
import java.util.Optional;

/**
 * Decides what a replay run under a name that was used before does. A name keeps its progress (the
 * DLT offsets its consumer group committed), so a rerun can only mean "go on where it stopped":
 *
 * <ul>
 *   <li>a run that did not complete (killed, failed, stopped) is resumed, if it asks for the same;
 *   <li>a name asking for something else (other DLTs, filter, target, {@code --reapply}) is
 *       refused: it would start after the dead letters the earlier run passed and skip those the
 *       new filter selects among them, unseen;
 *   <li>a completed name is refused unless {@code --continue}: a rerun reads only dead letters that
 *       arrived since, which looks like "replayed nothing" to whom expected a fresh replay.
 * </ul>
 *
 * Pure; thread-safe.
 */
public final class ReplayNames {
  private ReplayNames() {}

  /** The last run of a name, from {@code ferry.replay_audit}. */
  public record PastRun(
      long id,
      Optional<String> request,
      String outcome,
      Instant startedAt,
      Optional<Instant> finishedAt,
      long replayed) {}

  /** What to do. */
  public enum Kind {
    NEW,
    RESUME,
    CONTINUE,
    REFUSE
  }

  /**
   * @param message what to tell the operator; empty for {@link Kind#NEW}
   */
  public record Decision(Kind kind, String message) {}

  /**
   * @param last the last run of the name, if any
   * @param continueCompleted {@code --continue}: the operator wants a completed name to go on
   */
  public static Decision decide(
      String name, Optional<PastRun> last, ReplayRequest now, boolean continueCompleted) {
    if (last.isEmpty()) {
      return continueCompleted
          ? new Decision(
              Kind.REFUSE,
              "--continue: no replay named '" + name + "' ran before; leave --continue out")
          : new Decision(Kind.NEW, "");
    }
    PastRun run = last.get();
    if (run.request().isPresent() && !run.request().get().equals(now.describe())) {
      return new Decision(
          Kind.REFUSE,
          "replay name '"
              + name
              + "' was used at "
              + run.startedAt()
              + " for "
              + run.request().get()
              + "; this run asks for "
              + now.describe()
              + ". A name keeps its progress in the DLTs: under it this run would start after the"
              + " dead letters the earlier run read and never see the ones it skipped. Use a new"
              + " --name (dead letters whose original record was applied are skipped anyway).");
    }
    if (run.outcome().equals("completed")) {
      if (!continueCompleted) {
        return new Decision(
            Kind.REFUSE,
            "replay '"
                + name
                + "' completed at "
                + run.finishedAt().orElse(run.startedAt())
                + " (replayed "
                + run.replayed()
                + "). Under its name a rerun reads only the dead letters that arrived since; add"
                + " --continue to do that, or use a new --name to replay from the start (dead"
                + " letters whose original record was applied are skipped).");
      }
      return new Decision(
          Kind.CONTINUE,
          "continuing replay '"
              + name
              + "', completed at "
              + run.finishedAt().orElse(run.startedAt())
              + ": only dead letters that arrived since are read");
    }
    return new Decision(
        Kind.RESUME,
        "resuming after the offsets this replay committed before (its last run, started "
            + run.startedAt()
            + ", did not complete: "
            + (run.outcome().equals("running") ? "killed, or still running" : run.outcome())
            + ")");
  }
}
