package dev.ferry.sink.archfixture;

import dev.ferry.coerce.archfixture.CoerceSide;

/** A fixture of ArchitectureRulesTest: a sink class using coerce, as the real sink does. */
public final class SinkSide {
  private SinkSide() {}

  public static String write(String value) {
    return CoerceSide.coerce(value);
  }
}
