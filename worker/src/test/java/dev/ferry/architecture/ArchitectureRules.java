package dev.ferry.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The package graph of {@code dev.ferry.*} in the worker, as rules (docs/architecture.md shows it
 * as a table). Every package is a layer and names the layers it may use; everything else is an
 * upward or sideways import and fails the build. A new edge is a design decision: add it here and
 * to docs/architecture.md in the same change.
 */
final class ArchitectureRules {
  /** Used by nearly everyone and using nobody: settings, failure classification, lifecycle. */
  private static final String[] FOUNDATION = {"config", "errors", "lifecycle"};

  /**
   * Each package is a layer; the layers it may use are listed below it, from the top (the
   * composition root) to the foundation.
   */
  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .withOptionalLayers(true) // the fixtures of ArchitectureRulesTest fill few
          .layer("app")
          .definedBy("dev.ferry.app..")
          .layer("dlt")
          .definedBy("dev.ferry.dlt..")
          .layer("pipeline")
          .definedBy("dev.ferry.pipeline..")
          .layer("dispatch")
          .definedBy("dev.ferry.dispatch..")
          .layer("sink")
          .definedBy("dev.ferry.sink..")
          .layer("deadletter")
          .definedBy("dev.ferry.deadletter..")
          .layer("plugin")
          .definedBy("dev.ferry.plugin..")
          .layer("bookkeeping")
          .definedBy("dev.ferry.bookkeeping..")
          .layer("source")
          .definedBy("dev.ferry.source..")
          .layer("ddl")
          .definedBy("dev.ferry.ddl..")
          .layer("cdc")
          .definedBy("dev.ferry.cdc..")
          .layer("format")
          .definedBy("dev.ferry.format..")
          .layer("coerce")
          .definedBy("dev.ferry.coerce..")
          .layer("metrics")
          .definedBy("dev.ferry.metrics..")
          .layer("health")
          .definedBy("dev.ferry.health..")
          .layer("tracing")
          .definedBy("dev.ferry.tracing..")
          .layer("config")
          .definedBy("dev.ferry.config..")
          .layer("errors")
          .definedBy("dev.ferry.errors..")
          .layer("lifecycle")
          .definedBy("dev.ferry.lifecycle..")
          .layer("spi")
          .definedBy("dev.ferry.spi..")
          // app wires everything and nothing uses it.
          .whereLayer("app")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("dlt")
          .mayOnlyAccessLayers(foundationAnd("deadletter", "bookkeeping", "tracing", "format"))
          .whereLayer("pipeline")
          .mayOnlyAccessLayers(
              foundationAnd(
                  "dispatch",
                  "sink",
                  "ddl",
                  "deadletter",
                  "source",
                  "cdc",
                  "format",
                  "coerce",
                  "metrics",
                  "health",
                  "tracing",
                  "spi"))
          .whereLayer("dispatch")
          .mayOnlyAccessLayers(foundationAnd("source"))
          .whereLayer("sink")
          .mayOnlyAccessLayers(foundationAnd("bookkeeping", "coerce", "health"))
          .whereLayer("deadletter")
          .mayOnlyAccessLayers(foundationAnd("health", "tracing"))
          .whereLayer("plugin")
          .mayOnlyAccessLayers(foundationAnd("spi"))
          .whereLayer("bookkeeping")
          .mayOnlyAccessLayers(foundationAnd("source"))
          .whereLayer("source")
          .mayOnlyAccessLayers(FOUNDATION)
          // ddl creates and widens tables from declared schemas (Avro, JSON Schema, Debezium's).
          .whereLayer("ddl")
          .mayOnlyAccessLayers(foundationAnd("format", "cdc", "coerce"))
          .whereLayer("cdc")
          .mayOnlyAccessLayers(foundationAnd("coerce"))
          .whereLayer("format")
          .mayOnlyAccessLayers(FOUNDATION)
          // coerce reads the text a decoded jsonb value kept (format.RawJson).
          .whereLayer("coerce")
          .mayOnlyAccessLayers(foundationAnd("format"))
          .whereLayer("metrics")
          .mayOnlyAccessLayers(foundationAnd("tracing"))
          .whereLayer("health")
          .mayOnlyAccessLayers(FOUNDATION)
          .whereLayer("tracing")
          .mayOnlyAccessLayers(FOUNDATION)
          .whereLayer("config")
          .mayNotAccessAnyLayer()
          .whereLayer("errors")
          .mayNotAccessAnyLayer()
          .whereLayer("lifecycle")
          .mayNotAccessAnyLayer()
          .whereLayer("spi")
          .mayNotAccessAnyLayer()
          .ensureAllClassesAreContainedInArchitecture()
          .because("dependencies point inward, and only app wires subsystems together");

  /** No two packages use each other, directly or through others. */
  static final ArchRule NO_CYCLES =
      slices()
          .matching("dev.ferry.(*)..")
          .should()
          .beFreeOfCycles()
          .because("a package is understood, tested and changed on its own");

  private ArchitectureRules() {}

  private static String[] foundationAnd(String... layers) {
    return Stream.concat(Arrays.stream(layers), Arrays.stream(FOUNDATION)).toArray(String[]::new);
  }
}
