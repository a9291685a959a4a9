package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.lifecycle.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's states and exit codes through a start, a drain, a crash and the end. */
class WorkerLifecycleTest {
  private final WorkerLifecycle lifecycle = new WorkerLifecycle();

  @Test
  void aCleanRunEndsStoppedWithExitCodeZero() throws InterruptedException {
    assertThat(lifecycle.state()).isEqualTo(State.STARTING);
    assertThat(lifecycle.started()).isTrue();
    assertThat(lifecycle.state()).isEqualTo(State.RUNNING);

    lifecycle.requestStop();
    assertThat(lifecycle.state()).isEqualTo(State.DRAINING);
    assertThat(lifecycle.stopSignal().isStopped()).isTrue();
    assertThat(lifecycle.awaitEnd(Duration.ZERO)).as("not ended by the stop request").isFalse();

    lifecycle.end();
    assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
    assertThat(lifecycle.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(lifecycle.awaitEnd(Duration.ZERO)).isTrue();
  }

  @Test
  void aStopRequestedDuringTheStartSetsTheSignalAndTheWorkerStillComesUp() {
    lifecycle.requestStop();
    assertThat(lifecycle.state()).isEqualTo(State.STARTING);
    assertThat(lifecycle.stopSignal().isStopped()).isTrue();

    assertThat(lifecycle.started()).isTrue();
    assertThat(lifecycle.state()).isEqualTo(State.RUNNING);
  }

  @Test
  void aCrashDuringTheStartIsNotOverwrittenByTheEndOfTheStart() {
    lifecycle.fail(ExitCodes.FAILURE);

    assertThat(lifecycle.started()).isFalse();
    lifecycle.requestStop();
    lifecycle.end();
    assertThat(lifecycle.state()).isEqualTo(State.FAILED);
    assertThat(lifecycle.exitCode()).isEqualTo(ExitCodes.FAILURE);
  }

  @Test
  void aDrainThatRanOutOfTimeEndsFailedWithExitCodeThree() {
    lifecycle.started();
    lifecycle.requestStop();
    lifecycle.raiseExitCode(ExitCodes.DRAIN_TIMEOUT);
    lifecycle.raiseExitCode(ExitCodes.FAILURE);

    lifecycle.end();
    assertThat(lifecycle.state()).isEqualTo(State.FAILED);
    assertThat(lifecycle.exitCode()).isEqualTo(ExitCodes.DRAIN_TIMEOUT);
  }

  @Test
  void aFailedStartKeepsItsExitCode() {
    lifecycle.fail(ExitCodes.BAD_CONFIG);
    lifecycle.end();

    assertThat(lifecycle.state()).isEqualTo(State.FAILED);
    assertThat(lifecycle.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
  }

  @Test
  void theEndComesAfterTheShutdownAlsoWhenTheShutdownThrows() throws InterruptedException {
    lifecycle.started();
    lifecycle.requestStop();
    List<State> duringShutdown = new ArrayList<>();

    assertThatThrownBy(
            () ->
                lifecycle.endAfter(
                    () -> {
                      duringShutdown.add(lifecycle.state());
                      throw new IllegalStateException("a close step escaped");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(duringShutdown).containsExactly(State.DRAINING);
    assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
    assertThat(lifecycle.awaitEnd(Duration.ZERO)).isTrue();
  }
}
