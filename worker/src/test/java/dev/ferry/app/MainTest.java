package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the commands log: the worker to stdout, the report-printing commands to stderr. */
class MainTest {
  @AfterEach
  void clear() {
    System.clearProperty("ferry.log.target");
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
}
