package dev.ferry.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
      PipelineCommand.class,
      NestedHelpCommand.class
    })
public final class Main implements Runnable {
  /** The levels FERRY_LOG_LEVEL may name, as logback spells them. */
  private static final Set<String> LEVELS =
      Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /**
   * The command line: every command and subcommand answers {@code --version}, and a mistyped option
   * is reported as unknown rather than as the required option it failed to fill.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    giveEveryCommandTheVersion(cli);
    cli.setParameterExceptionHandler(new UnknownOptionFirst(cli.getParameterExceptionHandler()));
    return cli;
  }

  private static void giveEveryCommandTheVersion(CommandLine cli) {
    cli.getCommandSpec().versionProvider(new VersionProvider());
    cli.getSubcommands().values().forEach(Main::giveEveryCommandTheVersion);
  }

  public static void main(String[] args) {
    String level = System.getenv("FERRY_LOG_LEVEL");
    String format = System.getenv("FERRY_LOG_FORMAT");
    List<String> problems = logEnvironmentProblems(level, format);
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("ferry: " + p));
      System.exit(ExitCodes.BAD_CONFIG);
    }
    chooseLogLevel(level);
    chooseLogFormat(format, System.console() != null);
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
   * What is wrong with {@code FERRY_LOG_LEVEL} and {@code FERRY_LOG_FORMAT}; empty when both are
   * unset, blank or valid (in any case). Logback itself would quietly turn an unknown level into
   * DEBUG, so they are checked before the first logger exists.
   */
  static List<String> logEnvironmentProblems(String level, String format) {
    List<String> problems = new ArrayList<>();
    if (level != null && !level.isBlank() && !LEVELS.contains(normalised(level))) {
      problems.add(
          "FERRY_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR or OFF, was '"
              + level
              + "'");
    }
    if (format != null
        && !format.isBlank()
        && !Set.of("json", "text").contains(format.trim().toLowerCase(Locale.ROOT))) {
      problems.add("FERRY_LOG_FORMAT must be json or text, was '" + format + "'");
    }
    return problems;
  }

  /**
   * Hands the checked level to logback as a system property (which its {@code ${FERRY_LOG_LEVEL}}
   * reads before the environment): trimmed, upper case, and {@code INFO} when blank. Runs before
   * the first logger is created.
   */
  static void chooseLogLevel(String level) {
    System.setProperty(
        "FERRY_LOG_LEVEL", level == null || level.isBlank() ? "INFO" : normalised(level));
  }

  private static String normalised(String level) {
    return level.trim().toUpperCase(Locale.ROOT);
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
    boolean json =
        format == null || format.isBlank() ? !terminal : format.trim().equalsIgnoreCase("json");
    if (json) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
  }
}
