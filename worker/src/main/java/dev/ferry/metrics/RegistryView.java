package dev.ferry.metrics;

/** The schema registry client: its requests by outcome since start, and the schemas it holds. */
public interface RegistryView {
  /** Requests answered with a schema. */
  long requestsOk();

  /** Requests answered with "no such schema" (the record is dead-lettered, unknown-schema). */
  long requestsUnknownId();

  /** Requests that got no usable answer (unreachable, timeout, 5xx, refused credentials). */
  long requestsUnavailable();

  /** Schemas held in memory, by id and by reference. */
  int cachedSchemas();
}
