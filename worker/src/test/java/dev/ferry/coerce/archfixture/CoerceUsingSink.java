package dev.ferry.coerce.archfixture;

import dev.ferry.sink.archfixture.SinkSide;

/**
 * A fixture of ArchitectureRulesTest: coerce calling back into sink, which uses coerce: a cycle
 * between the two packages.
 */
public final class CoerceUsingSink {
  private CoerceUsingSink() {}

  public static String coerceAndWrite(String value) {
    return SinkSide.write(value);
  }
}
