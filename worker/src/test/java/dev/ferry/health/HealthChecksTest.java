package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.lifecycle.State;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Readiness and liveness as /health/ready and /health/live report them, from a worker's parts. */
class HealthChecksTest {
  private final Readiness readiness = new Readiness();
  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private final AtomicBoolean awaitingJoin = new AtomicBoolean();
  private final AtomicBoolean pollLoopStopped = new AtomicBoolean();
  private final List<String> deadWorkers = new CopyOnWriteArrayList<>();
  private final HealthChecks health =
      new HealthChecks(
          readiness::reasons,
          state::get,
          awaitingJoin::get,
          pollLoopStopped::get,
          () -> deadWorkers);

  @Test
  void notReadyWhileStartingWithTheReasonsOfTheStart() {
    readiness.set("kafka-unreachable", true);

    assertThat(health.readinessReasons()).containsExactly("kafka-unreachable", "starting");
    assertThat(health.livenessProblems()).as("live while starting").isEmpty();
  }

  @Test
  void readyOnlyWhenRunningJoinedAndWithoutReasons() {
    state.set(State.RUNNING);
    awaitingJoin.set(true);
    assertThat(health.readinessReasons()).containsExactly("not-joined");

    awaitingJoin.set(false);
    assertThat(health.readinessReasons()).isEmpty();

    readiness.set("sink-unavailable", true);
    readiness.set("pipeline-halted:events", true);
    assertThat(health.readinessReasons())
        .containsExactlyInAnyOrder("sink-unavailable", "pipeline-halted:events");
  }

  @Test
  void everyStateButRunningIsAReasonInLowerCase() {
    for (State s : List.of(State.DRAINING, State.STOPPED, State.FAILED)) {
      state.set(s);
      assertThat(health.readinessReasons()).containsExactly(s.name().toLowerCase(Locale.ROOT));
    }
  }

  @Test
  void notLiveOnceThePollLoopOrAWorkerThreadStopped() {
    state.set(State.RUNNING);
    assertThat(health.livenessProblems()).isEmpty();

    deadWorkers.add("ferry-worker-3");
    assertThat(health.livenessProblems()).containsExactly("worker-stopped:ferry-worker-3");

    pollLoopStopped.set(true);
    assertThat(health.livenessProblems())
        .containsExactly("poll-loop-stopped", "worker-stopped:ferry-worker-3");
    assertThat(health.readinessReasons()).as("liveness is not readiness").isEmpty();
  }
}
