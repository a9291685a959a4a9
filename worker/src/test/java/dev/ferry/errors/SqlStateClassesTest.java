package dev.ferry.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's SQLSTATE overrides over the built-in rules. */
class SqlStateClassesTest {
  private static SQLException state(String sqlState) {
    return new SQLException("refused", sqlState);
  }

  @Test
  void byDefaultAForeignKeyRetriesLaterAndIsTheRecordsFailure() {
    SqlStateClasses classes = SqlStateClasses.defaults();
    assertThat(classes.retriesLater(state("23503"))).isTrue();
    assertThat(classes.classify(state("23503"))).isEqualTo(FailureClass.PERMANENT);
    assertThat(classes.retriesLater(state("23505"))).isFalse();
    assertThat(classes.classify(state("40001"))).isEqualTo(FailureClass.TRANSIENT);
    assertThat(classes.retriesLater(new RuntimeException(state("23503"))))
        .as("found through the causes")
        .isTrue();
  }

  @Test
  void anOverrideOfAStateWinsOverOneOfItsClassAndBothOverTheBuiltInRules() {
    SqlStateClasses classes =
        SqlStateClasses.of(Map.of("23", "retry-later", "23505", "permanent", "22003", "transient"));
    assertThat(classes.retriesLater(state("23514"))).isTrue();
    assertThat(classes.retriesLater(state("23505"))).isFalse();
    assertThat(classes.classify(state("23505"))).isEqualTo(FailureClass.PERMANENT);
    assertThat(classes.classify(state("22003"))).isEqualTo(FailureClass.TRANSIENT);
    assertThat(classes.classify(state("22001"))).isEqualTo(FailureClass.PERMANENT);
    assertThat(classes.classify(state("XX000"))).isEqualTo(FailureClass.UNKNOWN);
  }

  @Test
  void anOverrideCanTurnTheDefaultOff() {
    SqlStateClasses classes = SqlStateClasses.of(Map.of("23503", "permanent"));
    assertThat(classes.retriesLater(state("23503"))).isFalse();
    assertThat(classes.anyRetriesLater()).isFalse();
    assertThat(SqlStateClasses.BUILT_IN.retriesLater(state("23503"))).isFalse();
  }

  @Test
  void aRecordFailureIsNeverJudgedBySqlState() {
    RecordFailure failure = new RecordFailure(Reason.COERCION_FAILED, "bad");
    assertThat(SqlStateClasses.defaults().classify(failure)).isEqualTo(FailureClass.PERMANENT);
    assertThat(SqlStateClasses.defaults().retriesLater(failure)).isFalse();
  }

  @Test
  void refusesAKeyThatIsNeitherAStateNorAClass() {
    assertThat(SqlStateClasses.isValidKey("23503")).isTrue();
    assertThat(SqlStateClasses.isValidKey("0a")).isTrue();
    assertThat(SqlStateClasses.isValidKey("235")).isFalse();
    assertThatThrownBy(() -> SqlStateClasses.of(Map.of("2350x3", "permanent")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqlStateClasses.of(Map.of("23503", "later")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
