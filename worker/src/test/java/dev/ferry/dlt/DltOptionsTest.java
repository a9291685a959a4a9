package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DltOptionsTest {
  @Test
  void everyProblemOfAReplaysOptionsIsListedAtOnce() {
    List<String> problems = new ArrayList<>();
    DltFilter.parse("", "yesterday", null, null, -1L, null, Clock.systemUTC(), problems);
    DltOptions.replay(-2, 0, "bad name", true, problems);

    assertThat(problems)
        .containsExactly(
            "--since 'yesterday' is not a time: use 2026-11-25T10:00:00Z, 2026-11-25 (UTC) or an"
                + " age such as 30m, 2h, 7d",
            "--from-offset must be 0 or more, was -1",
            "--reason is empty",
            "--rate must be 0 (no limit) or more, was -2.0",
            "--max-replays must be 1 or more, was 0",
            "--name may hold letters, digits, '.', '_' and '-' only, was 'bad name'");
    assertThatThrownBy(() -> DltOptionsException.throwIfAny(problems))
        .isInstanceOf(DltOptionsException.class)
        .hasMessageStartingWith("invalid options (6 problems):")
        .hasMessageContaining("  - --max-replays must be 1 or more, was 0");
  }

  @Test
  void listOptionsAreCheckedTogether() {
    List<String> problems = new ArrayList<>();
    DltOptions.list(0, "yaml\u001b[2J", problems);

    assertThat(problems)
        .containsExactly(
            "--format must be table or json, was 'yaml\\x1b[2J'",
            "--limit must be 1 or more, was 0");
  }

  @Test
  void continueNeedsAName() {
    List<String> problems = new ArrayList<>();
    DltOptions.replay(0, 3, null, true, problems);

    assertThat(problems).containsExactly("--continue needs the --name of the replay to continue");
  }
}
