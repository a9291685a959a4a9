package dev.ferry.format;

import dev.ferry.errors.RecordFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Schemas by key (an id, a subject and version), fetched once: successful answers are kept for good
 * (a schema id never changes its schema), failures are not kept, so a schema registered later is
 * found when the record is read again. Concurrent misses for one key wait for a single fetch and
 * share its answer, failure included. Thread-safe.
 *
 * @param <K> the key
 */
final class SchemaCache<K> {
  /** Fetches the schema of a key from the registry. */
  @FunctionalInterface
  interface Fetch<K> {
    RegistrySchema fetch(K key) throws RecordFailure, RegistryUnavailableException;
  }

  private final ConcurrentHashMap<K, RegistrySchema> known = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<K, CompletableFuture<RegistrySchema>> inFlight =
      new ConcurrentHashMap<>();

  int size() {
    return known.size();
  }

  RegistrySchema get(K key, Fetch<K> fetch) throws RecordFailure, RegistryUnavailableException {
    RegistrySchema cached = known.get(key);
    if (cached != null) {
      return cached;
    }
    CompletableFuture<RegistrySchema> mine = new CompletableFuture<>();
    CompletableFuture<RegistrySchema> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return await(running);
    }
    try {
      cached = known.get(key); // fetched while this thread was between the two lookups
      RegistrySchema schema = cached != null ? cached : fetch.fetch(key);
      known.put(key, schema);
      mine.complete(schema);
      return schema;
    } catch (RecordFailure | RegistryUnavailableException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /** The answer of another thread's fetch, its failure rethrown as this thread's. */
  private static RegistrySchema await(CompletableFuture<RegistrySchema> running)
      throws RecordFailure, RegistryUnavailableException {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while waiting for a schema", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RecordFailure f) {
        throw new RecordFailure(f.reason(), f.getMessage(), f);
      }
      if (cause instanceof RegistryUnavailableException u) {
        throw new RegistryUnavailableException(u.getMessage(), u);
      }
      throw new IllegalStateException("fetching a schema failed: " + cause, cause);
    }
  }
}
