package dev.ferry.config;

/** A value that must never reach a log line, a metric or a header: {@link #toString()} masks it. */
public record Secret(String value) {
  public Secret {
    value = value == null ? "" : value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "" : "****";
  }
}
