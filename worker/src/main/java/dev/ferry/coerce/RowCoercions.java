package dev.ferry.coerce;

import java.util.Map;
import java.util.Optional;

/**
 * Where a pipeline finds the current {@link RowCoercer} of each of its tables, by target key. In a
 * running worker the sink's table definitions, which follow schema changes; a fixed map in tests.
 * Implementations are thread-safe.
 */
public interface RowCoercions {
  /** Whether {@code target} is known. */
  boolean has(String target);

  /** The coercion of the column types last read for {@code target}. */
  RowCoercer current(String target);

  /**
   * After {@code failed} refused a value of {@code target}: the coercion of fresher column types,
   * when the table's definition changed since {@code failed} was built (re-read now, within a rate
   * limit, or by another thread meanwhile); empty when nothing newer is known, and the refusal
   * stands.
   */
  Optional<RowCoercer> newerThan(String target, RowCoercer failed);

  /** Coercions that never change. */
  static RowCoercions fixed(Map<String, RowCoercer> coercers) {
    Map<String, RowCoercer> copy = Map.copyOf(coercers);
    return new RowCoercions() {
      @Override
      public boolean has(String target) {
        return copy.containsKey(target);
      }

      @Override
      public RowCoercer current(String target) {
        return copy.get(target);
      }

      @Override
      public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
        return Optional.empty();
      }
    };
  }
}
