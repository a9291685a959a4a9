package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shutdown steps: each guarded on its own, in order, unopened parts skipped, interrupts kept. */
class CloseStepsTest {
  private final List<String> closed = new ArrayList<>();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aFailingStepDoesNotKeepTheNextOnesFromRunning() {
    CloseSteps.step("first", "a", closed::add);
    CloseSteps.step(
        "broken",
        "b",
        part -> {
          throw new IllegalStateException("broken " + part);
        });
    CloseSteps.step(
        "checked",
        "c",
        part -> {
          throw new Exception("checked " + part);
        });
    CloseSteps.step("last", "d", closed::add);

    assertThat(closed).containsExactly("a", "d");
  }

  @Test
  void aPartThatWasNeverOpenedIsSkipped() {
    CloseSteps.step("never opened", null, part -> closed.add("called"));

    assertThat(closed).isEmpty();
  }

  @Test
  void anInterruptEndsItsStepOnlyAndStaysSet() {
    CloseSteps.step(
        "interrupted",
        "a",
        part -> {
          throw new InterruptedException("stop");
        });
    assertThat(Thread.currentThread().isInterrupted()).isTrue();

    CloseSteps.step("after", "b", closed::add);
    assertThat(closed).containsExactly("b");
  }
}
