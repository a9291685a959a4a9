package dev.ferry.unplaced.archfixture;

/** A fixture of ArchitectureRulesTest: a class in a package no layer names. */
public final class Unplaced {
  private Unplaced() {}
}
