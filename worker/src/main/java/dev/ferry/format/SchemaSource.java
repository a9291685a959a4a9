package dev.ferry.format;

import dev.ferry.errors.RecordFailure;

/**
 * Where schemas come from by id: the registry client, which caches every schema it fetched (so a
 * registry outage after warm-up costs nothing); a map in unit tests. Thread-safe.
 */
public interface SchemaSource {
  /**
   * The schema of {@code id}.
   *
   * @throws RecordFailure reason {@code unknown-schema} when the registry says it has no such id
   * @throws RegistryUnavailableException when the registry could not be asked
   */
  RegistrySchema byId(int id) throws RecordFailure, RegistryUnavailableException;

  /**
   * The text of a schema another one refers to, by subject and version (Protobuf imports).
   *
   * @throws RecordFailure reason {@code unknown-schema} when the registry has no such version
   * @throws RegistryUnavailableException when the registry could not be asked
   */
  RegistrySchema byReference(RegistrySchema.Reference reference)
      throws RecordFailure, RegistryUnavailableException;
}
