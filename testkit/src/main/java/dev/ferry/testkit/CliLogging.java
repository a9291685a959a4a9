package dev.ferry.testkit;

/**
 * Logging for the testkit's command-line entry points. Without a configuration Logback logs
 * everything at DEBUG, which buries a command's one line of output under Kafka client chatter.
 */
public final class CliLogging {

  static final String CONFIG_RESOURCE = "dev/ferry/testkit/cli-logback.xml";

  private CliLogging() {}

  /**
   * Points Logback at the testkit's quiet console configuration (warnings only, on stderr) unless
   * {@code -Dlogback.configurationFile} was given. Call it first in {@code main}, before anything
   * creates a logger.
   */
  public static void quietKafka() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", CONFIG_RESOURCE);
    }
  }
}
