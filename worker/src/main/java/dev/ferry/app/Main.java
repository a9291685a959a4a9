package dev.ferry.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code ferry} command line. */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Moves records from Kafka topics into PostgreSQL.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      MigrateCommand.class,
      DltCommand.class,
      HelpCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  public static void main(String[] args) {
    chooseLogFormat(System.getenv("FERRY_LOG_FORMAT"), System.console() != null);
    chooseLogTarget(args);
    System.exit(commandLine().execute(args));
  }

  /**
   * The worker logs to stdout, as containers expect; {@code check}, {@code migrate} and {@code dlt}
   * print their report on stdout and log (the Kafka clients' warnings, say) to stderr, so that the
   * report can be read or piped alone. Runs before the first logger is created.
   */
  static void chooseLogTarget(String[] args) {
    boolean worker = args.length > 0 && args[0].equals("run");
    if (!worker && System.getProperty("ferry.log.target") == null) {
      System.setProperty("ferry.log.target", "System.err");
    }
  }

  /**
   * JSON lines in containers, plain text on a terminal; {@code FERRY_LOG_FORMAT=json|text} decides
   * explicitly, and {@code -Dlogback.configurationFile} wins over both. Runs before the first
   * logger is created.
   */
  static void chooseLogFormat(String format, boolean terminal) {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    boolean json = format == null || format.isBlank() ? !terminal : format.trim().equals("json");
    if (json) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }
}
