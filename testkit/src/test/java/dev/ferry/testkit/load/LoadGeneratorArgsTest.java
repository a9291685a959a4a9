package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadGeneratorArgsTest {

  @Test
  void readsEveryOption() {
    LoadGeneratorArgs args =
        LoadGeneratorArgs.parse(
            "--bootstrap",
            "127.0.0.1:9092",
            "--topic",
            "events",
            "--count",
            "500",
            "--rate",
            "250.5",
            "--bad-fraction",
            "0.1",
            "--seed",
            "7",
            "--users",
            "20");

    assertThat(args)
        .isEqualTo(new LoadGeneratorArgs("127.0.0.1:9092", "events", 500, 250.5, 0.1, 7, 20));
  }

  @Test
  void defaultsToUnlimitedRateNoBadRecordsSeed42() {
    LoadGeneratorArgs args =
        LoadGeneratorArgs.parse("--bootstrap", "h:1", "--topic", "t", "--count", "1");

    assertThat(args.rate()).isZero();
    assertThat(args.badFraction()).isZero();
    assertThat(args.seed()).isEqualTo(42);
    assertThat(args.users()).isEqualTo(1_000);
  }

  @Test
  void namesWhatIsWrong() {
    assertThatThrownBy(() -> LoadGeneratorArgs.parse("--topic", "t"))
        .hasMessageContaining("--bootstrap, --topic and --count are required");
    assertThatThrownBy(() -> LoadGeneratorArgs.parse("--count", "many"))
        .hasMessageContaining("--count must be a number, was 'many'");
    assertThatThrownBy(() -> LoadGeneratorArgs.parse("--speed", "3"))
        .hasMessageContaining("unknown option --speed");
    assertThatThrownBy(() -> LoadGeneratorArgs.parse("--rate"))
        .hasMessageContaining("--rate needs a value");
    assertThatThrownBy(
            () ->
                LoadGeneratorArgs.parse(
                    "--bootstrap", "h:1", "--topic", "t", "--count", "1", "--bad-fraction", "2"))
        .hasMessageContaining("badFraction must be in [0, 1], was 2.0");
  }
}
