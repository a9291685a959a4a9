package dev.ferry.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.ferry.coerce.archfixture.CoerceSide;
import dev.ferry.coerce.archfixture.CoerceUsingSink;
import dev.ferry.config.archfixture.ConfigReachingUp;
import dev.ferry.deadletter.archfixture.DeadLetterUsingSink;
import dev.ferry.sink.archfixture.SinkSide;
import dev.ferry.unplaced.archfixture.Unplaced;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ArchitectureRules} catch what they are there for: fixture classes under
 * {@code dev.ferry.*.archfixture} (test code, so {@link ArchitectureTest} does not see them) import
 * upward, sideways or in a circle, and the same rule objects the build applies report them.
 */
class ArchitectureRulesTest {
  @Test
  void aDownwardImportPasses() {
    JavaClasses classes = classes(SinkSide.class, CoerceSide.class);

    assertThat(ArchitectureRules.LAYERS.evaluate(classes).hasViolation()).isFalse();
    assertThat(ArchitectureRules.NO_CYCLES.evaluate(classes).hasViolation()).isFalse();
  }

  @Test
  void anUpwardImportFails() {
    EvaluationResult result =
        ArchitectureRules.LAYERS.evaluate(
            classes(ConfigReachingUp.class, SinkSide.class, CoerceSide.class));

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .isNotEmpty()
        .allSatisfy(
            violation ->
                assertThat(violation)
                    .contains(ConfigReachingUp.class.getName(), SinkSide.class.getName()));
  }

  @Test
  void aSidewaysImportFails() {
    EvaluationResult result =
        ArchitectureRules.LAYERS.evaluate(
            classes(DeadLetterUsingSink.class, SinkSide.class, CoerceSide.class));

    assertThat(result.getFailureReport().getDetails())
        .isNotEmpty()
        .allSatisfy(
            violation ->
                assertThat(violation)
                    .contains(DeadLetterUsingSink.class.getName(), SinkSide.class.getName()));
  }

  @Test
  void aCycleFails() {
    EvaluationResult result =
        ArchitectureRules.NO_CYCLES.evaluate(
            classes(SinkSide.class, CoerceSide.class, CoerceUsingSink.class));

    assertThat(result.hasViolation()).isTrue();
    assertThat(String.join("\n", result.getFailureReport().getDetails()))
        .contains("Cycle detected", CoerceUsingSink.class.getName(), SinkSide.class.getName());
  }

  @Test
  void aPackageNoLayerNamesFails() {
    EvaluationResult result = ArchitectureRules.LAYERS.evaluate(classes(Unplaced.class));

    assertThat(result.getFailureReport().getDetails())
        .isNotEmpty()
        .allSatisfy(violation -> assertThat(violation).contains(Unplaced.class.getName()));
  }

  private static JavaClasses classes(Class<?>... classes) {
    return new ClassFileImporter().importClasses(classes);
  }
}
