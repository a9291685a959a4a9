package dev.ferry.deadletter.archfixture;

import dev.ferry.sink.archfixture.SinkSide;

/**
 * A fixture of ArchitectureRulesTest: a sideways import between two subsystems that do not use each
 * other (deadletter into sink).
 */
public final class DeadLetterUsingSink {
  private DeadLetterUsingSink() {}

  public static String publish(String value) {
    return SinkSide.write(value);
  }
}
