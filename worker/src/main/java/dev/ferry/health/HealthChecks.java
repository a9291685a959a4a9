package dev.ferry.health;

import dev.ferry.lifecycle.State;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether a worker is live and ready, computed on every call from what its parts report; what
 * {@code /health/live}, {@code /health/ready} and the ready gauge show.
 *
 * <p>Ready when there is no reason not to be: no active {@link Readiness} reason, the lifecycle
 * {@code RUNNING} (any other state is a reason, in lower case: {@code starting}, {@code draining}
 * …), and the poll loop joined to its group ({@code not-joined} until then). Live while the poll
 * loop's thread runs ({@code poll-loop-stopped} once it ended) and every worker thread does ({@code
 * worker-stopped:NAME}). Parts that do not exist yet (during the start) report nothing.
 *
 * <p>Thread-safe when the suppliers are: they are called on the HTTP server's handler threads,
 * concurrently.
 */
public final class HealthChecks {
  private final Supplier<? extends Collection<String>> reasons;
  private final Supplier<State> state;
  private final BooleanSupplier awaitingJoin;
  private final BooleanSupplier pollLoopStopped;
  private final Supplier<? extends Collection<String>> deadWorkers;

  /**
   * @param reasons the active readiness reasons ({@link Readiness#reasons()})
   * @param state the worker's lifecycle state
   * @param awaitingJoin true while a poll loop exists and has not yet joined its group
   * @param pollLoopStopped true once the poll loop's thread was started and has ended
   * @param deadWorkers the names of the worker threads that ended; empty before the pool exists
   */
  public HealthChecks(
      Supplier<? extends Collection<String>> reasons,
      Supplier<State> state,
      BooleanSupplier awaitingJoin,
      BooleanSupplier pollLoopStopped,
      Supplier<? extends Collection<String>> deadWorkers) {
    this.reasons = reasons;
    this.state = state;
    this.awaitingJoin = awaitingJoin;
    this.pollLoopStopped = pollLoopStopped;
    this.deadWorkers = deadWorkers;
  }

  /**
   * Why the worker is not ready: the readiness reasons, then the state, then the join; empty when
   * ready.
   */
  public List<String> readinessReasons() {
    List<String> why = new ArrayList<>(reasons.get());
    State now = state.get();
    if (now != State.RUNNING) {
      why.add(now.name().toLowerCase(Locale.ROOT));
    }
    if (awaitingJoin.getAsBoolean()) {
      why.add("not-joined");
    }
    return why;
  }

  /** Why the worker is not live; empty while the poll loop and every worker thread run. */
  public List<String> livenessProblems() {
    List<String> problems = new ArrayList<>();
    if (pollLoopStopped.getAsBoolean()) {
      problems.add("poll-loop-stopped");
    }
    deadWorkers.get().forEach(w -> problems.add("worker-stopped:" + w));
    return problems;
  }
}
