package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code ferry pipeline rewind}, checked before the config is read. */
class RewindCommandTest {
  private record Run(int exit, String err) {}

  private static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, err.toString());
  }

  @Test
  void exactlyOneTargetIsRequired() {
    Run none = ferry("pipeline", "rewind", "events", "--config", "/nowhere.yaml");
    Run two =
        ferry(
            "pipeline",
            "rewind",
            "events",
            "--config",
            "/nowhere.yaml",
            "--to-earliest",
            "--to-offsets",
            "t:0=1");

    assertThat(none.exit()).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(none.err())
        .contains("Missing required argument")
        .contains("--to-timestamp=ISO | --to-earliest | --to-offsets=T:P=O,...");
    assertThat(two.exit()).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(two.err()).contains("mutually exclusive");
  }

  @Test
  void badTargetsAreReportedBeforeTheConfigIsRead() {
    Run time =
        ferry("pipeline", "rewind", "events", "--config", "/nowhere.yaml", "--to-timestamp", "2h");
    Run offsets =
        ferry("pipeline", "rewind", "events", "--config", "/nowhere.yaml", "--to-offsets", "t=1");

    assertThat(time.exit()).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(time.err())
        .isEqualTo(
            "ferry: --to-timestamp: '2h' is not an ISO instant (2026-12-01T10:00:00Z)"
                + System.lineSeparator());
    assertThat(offsets.exit()).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(offsets.err())
        .isEqualTo(
            "ferry: --to-offsets: 't=1' is not TOPIC:PARTITION=OFFSET" + System.lineSeparator());
  }

  @Test
  void anUnknownPipelineIsNamed() throws Exception {
    java.nio.file.Path config = java.nio.file.Files.createTempFile("ferry", ".yaml");
    try {
      java.nio.file.Files.writeString(
          config,
          """
          kafka:
            bootstrap-servers: 127.0.0.1:1
            group-id: g
          database:
            url: jdbc:postgresql://127.0.0.1:1/x
          pipelines:
            - name: events
              topics: [t]
              table: public.events
              columns:
                id: "/id"
          """);
      Run run =
          ferry("pipeline", "rewind", "orders", "--config", config.toString(), "--to-earliest");

      assertThat(run.exit()).isEqualTo(ExitCodes.BAD_CONFIG);
      assertThat(run.err()).contains("ferry: no pipeline named 'orders' in " + config);
    } finally {
      java.nio.file.Files.delete(config);
    }
  }
}
