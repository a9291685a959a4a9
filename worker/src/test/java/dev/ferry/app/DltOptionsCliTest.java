package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad {@code ferry dlt} options: all listed at once, exit code 2, before the config is read. */
class DltOptionsCliTest {
  @Test
  void everyBadReplayOptionIsListedAtOnce(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));

    int exit =
        cli.execute(
            "dlt",
            "replay",
            "--config",
            dir.resolve("absent.yaml").toString(),
            "--rate",
            "-1",
            "--max-replays",
            "0",
            "--until",
            "soon",
            "--continue");

    assertThat(exit).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .startsWith("ferry: invalid options (4 problems):")
        .contains("  - --until 'soon' is not a time")
        .contains("  - --rate must be 0 (no limit) or more, was -1.0")
        .contains("  - --max-replays must be 1 or more, was 0")
        .contains("  - --continue needs the --name of the replay to continue");
  }

  @Test
  void everyBadListOptionIsListedAtOnce(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));

    int exit =
        cli.execute(
            "dlt",
            "list",
            "--config",
            dir.resolve("absent.yaml").toString(),
            "--limit",
            "0",
            "--format",
            "xml",
            "--from-offset",
            "9",
            "--to-offset",
            "3");

    assertThat(exit).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(err.toString())
        .startsWith("ferry: invalid options (3 problems):")
        .contains("--from-offset 9 is above --to-offset 3")
        .contains("--format must be table or json, was 'xml'")
        .contains("--limit must be 1 or more, was 0");
  }
}
