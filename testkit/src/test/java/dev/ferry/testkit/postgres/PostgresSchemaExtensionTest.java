package dev.ferry.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresSchemaExtensionTest {

  @Test
  void schemaNameIsTheLowerCasedClassNameAndSixRandomCharacters() {
    assertThat(PostgresSchemaExtension.schemaName(PostgresSchemaExtensionTest.class))
        .matches("ferry_test_postgresschemaextensiontest_[a-z0-9]{6}");
  }

  @Test
  void schemaNameFitsAPostgresIdentifier() {
    class AVeryLongTestClassNameThatGoesOnAndOnWellPastSixtyThreeCharactersIT {}

    String name =
        PostgresSchemaExtension.schemaName(
            AVeryLongTestClassNameThatGoesOnAndOnWellPastSixtyThreeCharactersIT.class);

    assertThat(name)
        .hasSize(63)
        .startsWith("ferry_test_averylongtestclassname")
        .matches("[a-z0-9_]+");
  }

  @Test
  void schemaNamesDiffer() {
    assertThat(PostgresSchemaExtension.schemaName(String.class))
        .isNotEqualTo(PostgresSchemaExtension.schemaName(String.class));
  }

  @Test
  void databaseSettingsComeFromTheEnvironmentWithDefaults() {
    PostgresSchemaExtension defaults = new PostgresSchemaExtension(Map.of());
    assertThat(defaults.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres");
    assertThat(defaults.user()).isEqualTo("postgres");
    assertThat(defaults.password()).isEmpty();

    PostgresSchemaExtension custom =
        new PostgresSchemaExtension(
            Map.of(
                "FERRY_TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5433/ferry",
                "FERRY_TEST_DATABASE_USER", "ferry",
                "FERRY_TEST_DATABASE_PASSWORD", "s3cret"));
    assertThat(custom.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/ferry");
    assertThat(custom.user()).isEqualTo("ferry");
    assertThat(custom.password()).isEqualTo("s3cret");
  }
}
