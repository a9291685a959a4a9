package dev.ferry.coerce.archfixture;

/** A fixture of ArchitectureRulesTest: a coerce class that uses no other Ferry package. */
public final class CoerceSide {
  private CoerceSide() {}

  public static String coerce(String value) {
    return value.trim();
  }
}
