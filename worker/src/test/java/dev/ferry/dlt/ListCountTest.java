package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

class ListCountTest {
  private static final DltFilter BY_REASON =
      DltFilter.parse("invalid-json", null, null, null, null, null, Clock.systemUTC());

  @Test
  void saysHowManyMatchBeyondTheLimit() {
    ListCount count = new ListCount(120, 50);

    assertThat(count.line(BY_REASON))
        .isEqualTo(
            "50 shown of 120 matching (filter: reason=invalid-json, limit 50); 70 more match"
                + " beyond --limit 50: raise it or narrow the filter");
  }

  @Test
  void saysNothingMoreWhenAllAreShown() {
    ListCount count = new ListCount(3, 50);

    assertThat(count.line(DltFilter.ALL))
        .isEqualTo("3 shown of 3 matching (filter: all, limit 50)");
    assertThat(count.beyondNote()).isEmpty();
  }
}
