package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayNamesTest {
  private static final ReplayRequest BY_REASON =
      new ReplayRequest(List.of("events.dlt"), "original", "reason=x", false);
  private static final Instant STARTED = Instant.parse("2026-11-25T10:00:00Z");

  private static Optional<ReplayNames.PastRun> run(ReplayRequest request, String outcome) {
    return Optional.of(
        new ReplayNames.PastRun(
            7,
            Optional.of(request.describe()),
            outcome,
            STARTED,
            Optional.of(STARTED.plusSeconds(60)),
            12));
  }

  @Test
  void aNewNameStartsAfresh() {
    assertThat(ReplayNames.decide("n", Optional.empty(), BY_REASON, false).kind())
        .isEqualTo(ReplayNames.Kind.NEW);
  }

  @Test
  void aRunThatDidNotCompleteIsResumedWhenItAsksForTheSame() {
    ReplayNames.Decision d = ReplayNames.decide("n", run(BY_REASON, "running"), BY_REASON, false);

    assertThat(d.kind()).isEqualTo(ReplayNames.Kind.RESUME);
    assertThat(d.message()).contains("resuming after the offsets this replay committed before");
  }

  @Test
  void otherFiltersTargetsOrReapplyUnderAUsedNameAreRefusedWithTheReason() {
    for (ReplayRequest other :
        List.of(
            new ReplayRequest(List.of("events.dlt"), "original", "key=k", false),
            new ReplayRequest(List.of("events.dlt"), "elsewhere", "reason=x", false),
            new ReplayRequest(List.of("events.dlt"), "original", "reason=x", true))) {
      ReplayNames.Decision d = ReplayNames.decide("n", run(BY_REASON, "failed"), other, true);

      assertThat(d.kind()).as(other.describe()).isEqualTo(ReplayNames.Kind.REFUSE);
      assertThat(d.message())
          .contains("replay name 'n' was used at 2026-11-25T10:00:00Z for " + BY_REASON.describe())
          .contains("this run asks for " + other.describe())
          .contains("Use a new --name");
    }
  }

  @Test
  void aCompletedNameIsRefusedUnlessContinued() {
    ReplayNames.Decision refused =
        ReplayNames.decide("n", run(BY_REASON, "completed"), BY_REASON, false);
    ReplayNames.Decision continued =
        ReplayNames.decide("n", run(BY_REASON, "completed"), BY_REASON, true);

    assertThat(refused.kind()).isEqualTo(ReplayNames.Kind.REFUSE);
    assertThat(refused.message())
        .contains("replay 'n' completed at 2026-11-25T10:01:00Z (replayed 12)")
        .contains("--continue");
    assertThat(continued.kind()).isEqualTo(ReplayNames.Kind.CONTINUE);
  }

  @Test
  void continueWithoutAnEarlierRunIsRefused() {
    assertThat(ReplayNames.decide("n", Optional.empty(), BY_REASON, true).kind())
        .isEqualTo(ReplayNames.Kind.REFUSE);
  }
}
