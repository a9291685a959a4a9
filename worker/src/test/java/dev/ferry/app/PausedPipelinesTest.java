package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.bookkeeping.PipelinePauses.Pause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a worker takes the pauses it read: new ones stop a pipeline, lifted ones restart it. */
class PausedPipelinesTest {
  private final List<String> resumed = new ArrayList<>();
  private final PausedPipelines pauses = new PausedPipelines(Set.of("a", "b"), resumed::add);

  private static Pause pause(String pipeline) {
    return new Pause(pipeline, Instant.parse("2026-12-02T02:00:00Z"), "cli:ops@host", "backfill");
  }

  @Test
  void aPauseStopsThePipelineAndItsLiftRestartsIt() {
    pauses.apply(Map.of("b", pause("b")));
    assertThat(pauses.isPaused("b")).isTrue();
    assertThat(pauses.isPaused("a")).isFalse();
    assertThat(resumed).isEmpty();

    pauses.apply(Map.of("b", pause("b"))); // read again, unchanged: nothing happens
    assertThat(resumed).isEmpty();

    pauses.apply(Map.of());
    assertThat(pauses.isPaused("b")).isFalse();
    assertThat(resumed).containsExactly("b");
  }

  @Test
  void pausesOfPipelinesThisConfigDoesNotHaveAreIgnored() {
    pauses.apply(Map.of("other", pause("other")));
    assertThat(pauses.isPaused("other")).isFalse();
    pauses.apply(Map.of());
    assertThat(resumed).isEmpty();
  }

  @Test
  void withoutTheTableNothingIsPausedAndARefreshDoesNothing() {
    pauses.refresh();
    assertThat(pauses.store()).isEmpty();
    assertThat(pauses.isPaused("a")).isFalse();
  }

  @Test
  void describesSinceByAndWhy() {
    assertThat(PausedPipelines.describe(pause("a")))
        .isEqualTo("since 2026-12-02T02:00:00Z by cli:ops@host (backfill)");
    assertThat(
            PipelineStates.json(
                "a",
                java.util.Optional.of(pause("a")),
                true,
                dev.ferry.config.RateLimit.UNLIMITED,
                java.util.Optional.empty()))
        .isEqualTo(
            "{\"pipeline\":\"a\",\"state\":\"paused\",\"paused\":{\"since\":"
                + "\"2026-12-02T02:00:00Z\",\"by\":\"cli:ops@host\",\"reason\":\"backfill\"},"
                + "\"halted\":true,\"rate-limit\":{\"records-per-second\":null,"
                + "\"max-transactions\":null,\"source\":\"config\"}}");
    assertThat(
            PipelineStates.json(
                "q\"\n",
                java.util.Optional.empty(),
                false,
                dev.ferry.config.RateLimit.UNLIMITED,
                java.util.Optional.empty()))
        .startsWith(
            "{\"pipeline\":\"q\\\"\\u000a\",\"state\":\"running\",\"paused\":null,\"halted\":false,");
  }
}
