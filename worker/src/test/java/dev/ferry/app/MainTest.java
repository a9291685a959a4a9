package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line as an operator meets it: where the commands log, what {@code --version} and
 * {@code help} print, how a mistyped option and bad logging variables are reported.
 */
class MainTest {
  @AfterEach
  void clear() {
    System.clearProperty("ferry.log.target");
    System.clearProperty("FERRY_LOG_LEVEL");
  }

  @Test
  void theWorkerLogsToStdout() {
    Main.chooseLogTarget(new String[] {"run", "--config", "f.yaml"});

    assertThat(System.getProperty("ferry.log.target")).isNull();
  }

  @Test
  void reportCommandsLogToStderr() {
    for (String command : new String[] {"check", "migrate", "dlt", "--version"}) {
      System.clearProperty("ferry.log.target");

      Main.chooseLogTarget(new String[] {command});

      assertThat(System.getProperty("ferry.log.target")).as(command).isEqualTo("System.err");
    }
  }

  @Test
  void anExplicitTargetWins() {
    System.setProperty("ferry.log.target", "System.out");

    Main.chooseLogTarget(new String[] {"check"});

    assertThat(System.getProperty("ferry.log.target")).isEqualTo("System.out");
  }

  @Test
  void everyCommandPrintsTheVersion() {
    for (String[] args :
        List.of(
            new String[] {"--version"},
            new String[] {"run", "--version"},
            new String[] {"check", "--version"},
            new String[] {"migrate", "-V"},
            new String[] {"dlt", "--version"},
            new String[] {"dlt", "replay", "--version"})) {
      Run run = Run.of(args);

      assertThat(run.exit).as(String.join(" ", args)).isZero();
      assertThat(run.out)
          .as(String.join(" ", args))
          .startsWith("ferry " + VersionProvider.version());
    }
  }

  @Test
  void helpOfANestedCommandShowsThatCommand() {
    Run run = Run.of("help", "dlt", "replay");

    assertThat(run.exit).isZero();
    assertThat(run.out).startsWith("Usage: ferry dlt replay").contains("--dry-run");
  }

  @Test
  void helpOfAnUnknownCommandSaysSo() {
    Run run = Run.of("help", "dlt", "replya");

    assertThat(run.exit).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(run.err).contains("Unknown subcommand 'replya'").contains("Usage: ferry dlt");
  }

  @Test
  void anUnknownOptionIsReportedAsTheUnknownOption() {
    for (String[] args :
        List.of(
            new String[] {"check", "--confg", "ferry.yaml"},
            new String[] {"run", "--confg=ferry.yaml"},
            new String[] {"dlt", "stats", "--confg", "ferry.yaml"})) {
      Run run = Run.of(args);

      assertThat(run.exit).as(String.join(" ", args)).isEqualTo(ExitCodes.BAD_CONFIG);
      assertThat(run.err)
          .as(String.join(" ", args))
          .containsPattern("Unknown options?: '--confg")
          .doesNotContain("Missing required option");
    }
  }

  @Test
  void aMissingConfigIsStillReportedAsMissing() {
    Run run = Run.of("check");

    assertThat(run.exit).isEqualTo(ExitCodes.BAD_CONFIG);
    assertThat(run.err).contains("Missing required option: '--config=FILE'");
  }

  @Test
  void badLoggingVariablesAreRefusedTogether() {
    assertThat(Main.logEnvironmentProblems("verbose", "xml"))
        .containsExactly(
            "FERRY_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR or OFF, was 'verbose'",
            "FERRY_LOG_FORMAT must be json or text, was 'xml'");
  }

  @Test
  void goodLoggingVariablesPassInAnyCase() {
    assertThat(Main.logEnvironmentProblems(null, null)).isEmpty();
    assertThat(Main.logEnvironmentProblems("", " ")).isEmpty();
    assertThat(Main.logEnvironmentProblems("debug", "JSON")).isEmpty();
    assertThat(Main.logEnvironmentProblems(" Warn ", "text")).isEmpty();
  }

  @Test
  void theLevelReachesLogbackNormalised() {
    Main.chooseLogLevel(" debug ");
    assertThat(System.getProperty("FERRY_LOG_LEVEL")).isEqualTo("DEBUG");

    Main.chooseLogLevel("");
    assertThat(System.getProperty("FERRY_LOG_LEVEL")).isEqualTo("INFO");
  }

  /** One in-process run of the command line, its output captured. */
  private record Run(int exit, String out, String err) {
    static Run of(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Main.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute(args);
      return new Run(exit, out.toString(), err.toString());
    }
  }
}
