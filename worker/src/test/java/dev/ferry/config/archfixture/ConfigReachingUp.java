package dev.ferry.config.archfixture;

import dev.ferry.sink.archfixture.SinkSide;

/**
 * A fixture of ArchitectureRulesTest: a deliberate upward import, from the foundation (config) into
 * a subsystem (sink).
 */
public final class ConfigReachingUp {
  private ConfigReachingUp() {}

  public static String validate(String value) {
    return SinkSide.write(value);
  }
}
