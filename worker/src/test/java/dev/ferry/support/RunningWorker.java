package dev.ferry.support;

import static org.awaitility.Awaitility.await;

import dev.ferry.app.ExitCodes;
import dev.ferry.app.FerryWorker;
import dev.ferry.app.StartupException;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.DeadLetterBreaker;
import dev.ferry.dispatch.Lanes;
import dev.ferry.lifecycle.State;
import dev.ferry.metrics.WorkerCounters;
import dev.ferry.source.PollLoop;
import java.time.Duration;

/**
 * A worker started in the test's JVM, for try-with-resources: {@link #close()} stops it gracefully
 * and fails the test unless it stopped cleanly, so no integration test passes with a worker that
 * did not drain.
 *
 * <pre>{@code
 * RunningWorker worker = RunningWorker.start(yaml.load());
 * try (worker) {
 *   await().until(() -> worker.counters().applied() == 10);
 * }
 * assertThat(worker.counters().deadLettered()).isZero(); // the counters of the stopped worker
 * }</pre>
 *
 * <p>Stopping cleanly means: the worker terminated within {@link #STOP_DEADLINE} of the stop
 * request, and its exit code is the expected one, {@code 0} unless the test said otherwise with
 * {@link #expectExitCode}. Exit code {@code 0} is only given when the drain finished (in-flight
 * work applied and committed) and every close step ran; a drain that ran out of {@code
 * worker.drain-timeout} exits {@code 3}, a crashed worker {@code 1}.
 *
 * <p>Not thread-safe: one test thread starts, uses and closes it (the accessors may be read from
 * other threads, as Awaitility does).
 */
public final class RunningWorker implements AutoCloseable {
  /**
   * How long {@link #close()} waits for the worker to stop: the default {@code
   * worker.drain-timeout} (30 s) and the bounded close steps after it.
   */
  public static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

  private final FerryWorker worker;
  private int expectedExitCode = ExitCodes.OK;
  private boolean stopped;

  private RunningWorker(FerryWorker worker) {
    this.worker = worker;
  }

  /**
   * Starts a worker; see {@link FerryWorker#start(FerryConfig)}.
   *
   * @throws StartupException as the worker's start does; nothing is left running then
   */
  public static RunningWorker start(FerryConfig config) throws StartupException {
    return new RunningWorker(FerryWorker.start(config));
  }

  /**
   * Starts a worker, waits until its group has committed everything on {@code topic}, then stops it
   * and checks that it stopped cleanly.
   *
   * @return the stopped worker, for its counters
   */
  public static RunningWorker runUntilCaughtUp(
      FerryConfig config, String bootstrap, String group, String topic, Duration timeout)
      throws Exception {
    RunningWorker worker = start(config);
    try (worker) {
      await("group " + group + " caught up on " + topic)
          .atMost(timeout)
          .until(() -> GroupLag.of(bootstrap, group, topic) == 0);
    }
    return worker;
  }

  /**
   * Makes {@link #close()} expect {@code exitCode} instead of {@code 0}, for a test whose worker
   * must not stop cleanly ({@link ExitCodes}).
   *
   * @return this worker
   */
  public RunningWorker expectExitCode(int exitCode) {
    this.expectedExitCode = exitCode;
    return this;
  }

  /**
   * Begins the graceful drain and returns at once, for a test that watches the worker drain; {@link
   * #close()} then waits for it and checks how it ended.
   */
  public void requestStop() {
    worker.requestStop();
  }

  /**
   * Requests the graceful stop, waits up to {@link #STOP_DEADLINE} for the worker to terminate and
   * asserts that its exit code is the expected one. Only the first call does anything, so a test
   * may stop the worker early to assert on what the stop did, and try-with-resources still closes
   * it.
   *
   * @throws AssertionError if the worker did not terminate in time or ended with another exit code
   * @throws IllegalStateException if the thread is interrupted while it waits (the flag is kept)
   */
  @Override
  public void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    worker.requestStop();
    boolean terminated;
    try {
      terminated = worker.awaitTermination(STOP_DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the worker to stop", e);
    }
    if (!terminated) {
      throw new AssertionError(
          "the worker did not stop within "
              + STOP_DEADLINE
              + " of the stop request (state "
              + worker.state()
              + ")");
    }
    if (worker.exitCode() != expectedExitCode) {
      throw new AssertionError(
          "the worker stopped with exit code "
              + worker.exitCode()
              + " ("
              + meaning(worker.exitCode())
              + ", state "
              + worker.state()
              + "), expected "
              + expectedExitCode
              + " ("
              + meaning(expectedExitCode)
              + ")");
    }
  }

  private static String meaning(int exitCode) {
    return switch (exitCode) {
      case ExitCodes.OK -> "drained and stopped cleanly";
      case ExitCodes.FAILURE -> "a worker or the poll loop failed";
      case ExitCodes.DRAIN_TIMEOUT -> "the drain ran out of worker.drain-timeout";
      case ExitCodes.FORCED -> "stopped at once";
      default -> "see ExitCodes";
    };
  }

  /** The worker itself, for what this fixture does not pass on. */
  public FerryWorker worker() {
    return worker;
  }

  /** Reads the worker's {@code /metrics} and {@code /health/*}. */
  public Scrape scrape() {
    return new Scrape(worker.httpPort());
  }

  public int httpPort() {
    return worker.httpPort();
  }

  public WorkerCounters counters() {
    return worker.counters();
  }

  public State state() {
    return worker.state();
  }

  public Lanes lanes() {
    return worker.lanes();
  }

  public PollLoop pollLoop() {
    return worker.pollLoop();
  }

  public DeadLetterBreaker breaker() {
    return worker.breaker();
  }
}
