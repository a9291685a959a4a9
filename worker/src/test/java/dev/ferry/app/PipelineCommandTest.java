package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ferry pipeline}: what is refused (exit 2) before Postgres is contacted. */
class PipelineCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int ferry(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void aPipelineTheConfigDoesNotNameIsRefused(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        """
        kafka: {bootstrap-servers: "localhost:9", group-id: g}
        database: {url: "jdbc:postgresql://127.0.0.1:9/none"}
        pipelines:
          - {name: events, topics: [events], table: events, columns: {event_id: /event_id}}
        """);

    assertThat(ferry("pipeline", "pause", "orders", "-c", config.toString()))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .isEqualTo("ferry: the config has no pipeline 'orders' (pipelines: [events])\n");
    assertThat(ferry("pipeline", "resume", "orders", "-c", config.toString()))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aBadConfigAndAMissingSubcommandAreRefused(@TempDir Path dir) {
    assertThat(ferry("pipeline", "status", "-c", dir.resolve("absent.yaml").toString()))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(ferry("pipeline")).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .contains("a subcommand is required: pause, resume, status, rate-limit or rewind");
  }

  @Test
  void aRateLimitNeedsALimitOrClearButNotBothAndPositiveValues(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        """
        kafka: {bootstrap-servers: "localhost:9", group-id: g}
        database: {url: "jdbc:postgresql://127.0.0.1:9/none"}
        pipelines:
          - {name: events, topics: [events], table: events, columns: {event_id: /event_id}}
        """);
    String c = config.toString();

    assertThat(ferry("pipeline", "rate-limit", "events", "-c", c)).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(
            ferry(
                "pipeline", "rate-limit", "events", "--clear", "--max-transactions", "2", "-c", c))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .contains("give --records-per-second and/or --max-transactions, or --clear (not both)");
    assertThat(ferry("pipeline", "rate-limit", "events", "--records-per-second", "0", "-c", c))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString()).contains("--records-per-second must be a number above 0");
    assertThat(ferry("pipeline", "rate-limit", "events", "--max-transactions", "0", "-c", c))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString()).contains("--max-transactions must be ≥ 1, was 0");
    assertThat(ferry("pipeline", "rate-limit", "orders", "--clear", "-c", c))
        .isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString()).contains("the config has no pipeline 'orders'");
    assertThat(out.toString()).isEmpty(); // Postgres (port 9) was never asked
  }
}
