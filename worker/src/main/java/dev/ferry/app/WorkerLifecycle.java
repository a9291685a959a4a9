package dev.ferry.app;

import dev.ferry.lifecycle.State;
import dev.ferry.lifecycle.StopSignal;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A worker's lifecycle: its {@link State}, its exit code, the stop request and the end.
 *
 * <p>The state only moves forward: {@code STARTING → RUNNING → DRAINING → STOPPED}, and {@code
 * FAILED} from any state before the end. Every transition is a compare-and-set, so a crash, a
 * signal and the end of the start racing each other never undo one another (a worker that failed
 * while starting stays {@code FAILED}). {@link #end()} sets the final state and releases {@link
 * #awaitEnd}; the worker calls it last, in a {@code finally} block after closing everything ({@link
 * #endAfter}). Thread-safe.
 */
final class WorkerLifecycle {
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final AtomicInteger exitCode = new AtomicInteger(ExitCodes.OK);
  private final StopSignal stop = new StopSignal();
  private final CountDownLatch ended = new CountDownLatch(1);

  State state() {
    return state.get();
  }

  int exitCode() {
    return exitCode.get();
  }

  /** Set by {@link #requestStop()}; cuts the start's waits and the poll loop short. */
  StopSignal stopSignal() {
    return stop;
  }

  /**
   * {@code STARTING → RUNNING}, once everything runs.
   *
   * @return false when the worker already failed (a worker thread crashed during the start)
   */
  boolean started() {
    return state.compareAndSet(State.STARTING, State.RUNNING);
  }

  /**
   * Begins the graceful drain: {@code RUNNING → DRAINING} and the stop signal set. A worker still
   * starting keeps its state and stops as soon as it runs. Idempotent; returns at once.
   */
  void requestStop() {
    state.compareAndSet(State.RUNNING, State.DRAINING);
    stop.stop();
  }

  /** A failure: the exit code becomes {@code code} and the state {@code FAILED}. */
  void fail(int code) {
    exitCode.set(code);
    state.getAndUpdate(s -> s == State.STOPPED ? s : State.FAILED);
  }

  /** Raises the exit code to at least {@code code} (a drain that ran out of time). */
  void raiseExitCode(int code) {
    exitCode.accumulateAndGet(code, Math::max);
  }

  /**
   * Runs {@code shutdown} (closing every part), then ends: the final state is set last, also when
   * the shutdown throws. Called once.
   */
  void endAfter(Runnable shutdown) {
    try {
      shutdown.run();
    } finally {
      end();
    }
  }

  /**
   * The end, called once and last: {@code STOPPED} with exit code 0, otherwise {@code FAILED}; then
   * {@link #awaitEnd} returns.
   */
  void end() {
    boolean clean = exitCode.get() == ExitCodes.OK;
    state.getAndUpdate(s -> s == State.FAILED || !clean ? State.FAILED : State.STOPPED);
    ended.countDown();
  }

  /**
   * Waits up to {@code timeout} for {@link #end()}.
   *
   * @return whether the worker has ended
   */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
