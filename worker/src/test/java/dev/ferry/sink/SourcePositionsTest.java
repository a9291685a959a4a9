package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SourcePositionsTest {
  private static final String ONE = "[\"1\"]";
  private static final String TWO = "[\"2\"]";

  @Test
  void keyTextIsAJsonArrayThatTellsNullFromTextAndSeparatorsFromValues() {
    assertThat(SourcePositions.keyText(new String[] {"42", "eu"})).isEqualTo("[\"42\",\"eu\"]");
    assertThat(SourcePositions.keyText(new String[] {"a\",\"b"})).isEqualTo("[\"a\\\",\\\"b\"]");
    assertThat(SourcePositions.keyText(new String[] {null})).isEqualTo("[null]");
    assertThat(SourcePositions.keyText(new String[] {"null"})).isEqualTo("[\"null\"]");
    assertThat(SourcePositions.keyText(new String[0]))
        .isEqualTo("[]")
        .isNotEqualTo(SourcePositions.FLOOR);
  }

  @Test
  void aRowLowerThanItsKeysRunningMaximumIsStaleAnEqualOneIsNot() {
    SourcePositions.TargetState state = new SourcePositions.TargetState("p:t");
    state.remember(ONE, 10);

    assertThat(state.current(ONE)).isEqualTo(10);
    assertThat(state.current(TWO)).isEqualTo(Long.MIN_VALUE);
    state.advance(ONE, 20);
    assertThat(state.current(ONE)).isEqualTo(20);
    state.advance(ONE, 15); // never lowers what the key reflects
    assertThat(state.current(ONE)).isEqualTo(20);
    state.advance(TWO, 5);
    assertThat(state.current(TWO)).isEqualTo(5);
  }

  @Test
  void theFloorHoldsEveryKeyAndATruncateMustBeNewerThanEveryKey() {
    SourcePositions.TargetState state = new SourcePositions.TargetState("p:t");
    state.remember(SourcePositions.FLOOR, 30);
    state.remember(ONE, 10);
    state.advance(TWO, 40);

    assertThat(state.current(ONE)).isEqualTo(30);
    assertThat(state.current(TWO)).isEqualTo(40);
    assertThat(state.current(null)).as("a truncate").isEqualTo(40);

    state.advance(null, 50);
    assertThat(state.current(ONE)).isEqualTo(50);
    assertThat(state.current(TWO)).isEqualTo(50);
    assertThat(state.current(null)).isEqualTo(50);
  }

  @Test
  void aRecordIsStaleOnlyWhenEveryOneOfItsRowsIs() {
    TopicPartition tp = new TopicPartition("t", 0);
    Origin a = new Origin(tp, 1, 1);
    Origin b = new Origin(tp, 1, 2);
    Origin c = new Origin(tp, 1, 3);
    List<Row> rows = Arrays.asList(row(a), row(a), row(b), row(b), row(c));
    java.util.BitSet stale = new java.util.BitSet();
    stale.set(0);
    stale.set(1);
    stale.set(2);

    assertThat(RowWrites.staleRecords(rows, stale)).containsExactly(a);
  }

  private static Row row(Origin origin) {
    return Row.insert("p", "p:t", new String[] {"1"}, origin);
  }
}
