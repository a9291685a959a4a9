package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks record values against a pipeline's JSON Schema (draft 2020-12 unless the schema names
 * another with {@code $schema}), with the networknt validator. Thread-safe once built.
 */
public final class SchemaValidator {
  private static final int MAX_ERRORS_IN_MESSAGE = 5;

  private final String name;
  private final Schema schema;

  private SchemaValidator(String name, Schema schema) {
    this.name = name;
    this.schema = schema;
  }

  /**
   * Loads and compiles the schema file.
   *
   * @throws IllegalArgumentException when the file cannot be read or is not a JSON Schema
   */
  public static SchemaValidator load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read JSON Schema " + file + ": " + e, e);
    }
    try {
      Schema schema =
          SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(text, InputFormat.JSON);
      schema.initializeValidators();
      return new SchemaValidator(file.getFileName().toString(), schema);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "JSON Schema " + file + " cannot be used: " + e.getMessage(), e);
    }
  }

  private static String describe(Error error) {
    String location = String.valueOf(error.getInstanceLocation());
    return (location.isEmpty() ? "(root)" : location) + " " + error.getMessage();
  }

  /**
   * @throws RecordFailure stage validate, reason {@code schema-violation}, naming each problem
   */
  public void validate(JsonNode value) throws RecordFailure {
    List<Error> errors = schema.validate(value);
    if (errors.isEmpty()) {
      return;
    }
    String problems =
        errors.stream()
            .limit(MAX_ERRORS_IN_MESSAGE)
            .map(SchemaValidator::describe)
            .collect(Collectors.joining("; "));
    if (errors.size() > MAX_ERRORS_IN_MESSAGE) {
      problems += "; and " + (errors.size() - MAX_ERRORS_IN_MESSAGE) + " more";
    }
    throw new RecordFailure(
        Reason.SCHEMA_VIOLATION, "value does not match schema " + name + ": " + problems);
  }
}
