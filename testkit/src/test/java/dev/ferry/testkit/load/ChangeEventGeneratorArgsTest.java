package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChangeEventGeneratorArgsTest {

  @Test
  void aQuarterOfTheEventsAreKeysUnlessGiven() {
    ChangeEventGeneratorArgs args =
        ChangeEventGeneratorArgs.parse("--bootstrap", "b:1", "--topic", "t", "--count", "100000");

    assertThat(args.keys()).isEqualTo(25_000);
    assertThat(args)
        .extracting(
            ChangeEventGeneratorArgs::topicPrefix,
            ChangeEventGeneratorArgs::schema,
            ChangeEventGeneratorArgs::table,
            ChangeEventGeneratorArgs::schemas)
        .containsExactly("bench", "public", "events", true);
    assertThat(
            ChangeEventGeneratorArgs.parse(
                    "--bootstrap", "b:1", "--topic", "t", "--count", "3", "--keys", "7")
                .keys())
        .isEqualTo(7);
    assertThat(
            ChangeEventGeneratorArgs.parse("--bootstrap", "b:1", "--topic", "t", "--count", "3")
                .keys())
        .isEqualTo(1);
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> ChangeEventGeneratorArgs.parse("--bootstrap", "b:1", "--topic", "t"))
        .hasMessageContaining("--count");
    assertThatThrownBy(
            () ->
                ChangeEventGeneratorArgs.parse(
                    "--bootstrap", "b:1", "--topic", "t", "--count", "1", "--table", "events"))
        .hasMessageContaining("SCHEMA.TABLE");
    assertThatThrownBy(
            () ->
                ChangeEventGeneratorArgs.parse(
                    "--bootstrap", "b:1", "--topic", "t", "--count", "x"))
        .hasMessageContaining("--count must be a number");
    assertThatThrownBy(
            () ->
                ChangeEventGeneratorArgs.parse(
                    "--bootstrap", "b:1", "--topic", "t", "--count", "1", "--schemas", "yes"))
        .hasMessageContaining("--schemas must be true or false");
  }
}
