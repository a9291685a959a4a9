package dev.ferry.errors;

import java.util.Locale;

/** Where in the pipeline a record failed; written to the {@code ferry.dlt.stage} header. */
public enum Stage {
  DECODE,
  VALIDATE,
  TRANSFORM,
  SINK;

  /** The lower-case name used in headers and metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
