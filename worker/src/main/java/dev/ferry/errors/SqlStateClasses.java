package dev.ferry.errors;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How Postgres errors are judged, with the operator's overrides ({@code retry.sqlstates}) over
 * {@link FailureClassifier}'s built-in rules. An override names a SQLSTATE ({@code 23503}) or a
 * class of them (its first two characters, {@code 23}); a SQLSTATE's own entry wins over its
 * class's. {@link Kind#RETRY_LATER} is a record's failure ({@link FailureClass#PERMANENT} for the
 * write) that may go away by itself, a foreign key whose parent row has not arrived yet: its record
 * is written again after growing delays before it is dead-lettered. Immutable.
 */
public final class SqlStateClasses {
  /** What an override makes of a SQLSTATE. */
  public enum Kind {
    TRANSIENT("transient", FailureClass.TRANSIENT),
    RETRY_LATER("retry-later", FailureClass.PERMANENT),
    PERMANENT("permanent", FailureClass.PERMANENT);

    private final String label;
    private final FailureClass failureClass;

    Kind(String label, FailureClass failureClass) {
      this.label = label;
      this.failureClass = failureClass;
    }

    public String label() {
      return label;
    }

    /** The label's kind, if {@code label} is one. */
    public static Optional<Kind> of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** The overrides in force when the configuration names none: foreign keys retry later. */
  public static final Map<String, Kind> DEFAULT_OVERRIDES = Map.of("23503", Kind.RETRY_LATER);

  /** The built-in rules alone: nothing retries later. */
  public static final SqlStateClasses BUILT_IN = new SqlStateClasses(Map.of());

  private static final Pattern KEY = Pattern.compile("[0-9A-Z]{2}|[0-9A-Z]{5}");

  private final Map<String, Kind> overrides;

  /**
   * @param overrides by SQLSTATE or class, each key {@linkplain #isValidKey valid}
   */
  public SqlStateClasses(Map<String, Kind> overrides) {
    Map<String, Kind> keyed = new TreeMap<>();
    overrides.forEach(
        (key, kind) -> {
          String k = key.trim().toUpperCase(Locale.ROOT);
          if (!KEY.matcher(k).matches()) {
            throw new IllegalArgumentException("not a SQLSTATE or a class of them: " + key);
          }
          keyed.put(k, kind);
        });
    this.overrides = Map.copyOf(keyed);
  }

  private static final SqlStateClasses DEFAULTS = new SqlStateClasses(DEFAULT_OVERRIDES);

  /** The defaults: the built-in rules with {@link #DEFAULT_OVERRIDES}. */
  public static SqlStateClasses defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults with the operator's overrides ({@code retry.sqlstates}, validated by the config
   * reader) merged over them.
   *
   * @param labels by SQLSTATE or class: {@code transient}, {@code retry-later} or {@code permanent}
   */
  public static SqlStateClasses of(Map<String, String> labels) {
    Map<String, Kind> merged = new TreeMap<>(DEFAULT_OVERRIDES);
    labels.forEach(
        (key, label) ->
            merged.put(
                key.trim().toUpperCase(Locale.ROOT),
                Kind.of(label)
                    .orElseThrow(() -> new IllegalArgumentException("not a kind: " + label))));
    return new SqlStateClasses(merged);
  }

  /** Whether {@code key} names a SQLSTATE (five letters or digits) or a class (two). */
  public static boolean isValidKey(String key) {
    return KEY.matcher(key.trim().toUpperCase(Locale.ROOT)).matches();
  }

  /** {@link FailureClassifier#classify}, with the overrides. */
  public FailureClass classify(Throwable failure) {
    return kind(failure)
        .map(k -> k.failureClass)
        .orElseGet(() -> FailureClassifier.classify(failure));
  }

  /** Whether {@code failure} is a Postgres error its record should be written again for later. */
  public boolean retriesLater(Throwable failure) {
    return kind(failure).orElse(null) == Kind.RETRY_LATER;
  }

  /** Whether any SQLSTATE retries later. */
  public boolean anyRetriesLater() {
    return overrides.containsValue(Kind.RETRY_LATER);
  }

  /** The overrides, by SQLSTATE or class. */
  public Map<String, Kind> overrides() {
    return overrides;
  }

  private Optional<Kind> kind(Throwable failure) {
    if (overrides.isEmpty()) {
      return Optional.empty();
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RecordFailure) {
        return Optional.empty();
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState().toUpperCase(Locale.ROOT);
        Kind exact = overrides.get(state);
        if (exact != null || state.length() < 2) {
          return Optional.ofNullable(exact);
        }
        return Optional.ofNullable(overrides.get(state.substring(0, 2)));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    overrides.forEach(
        (k, v) -> out.append(out.length() > 1 ? ", " : "").append(k).append('=').append(v.label));
    return out.append('}').toString();
  }
}
