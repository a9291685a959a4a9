package dev.ferry.cdc;

import java.util.Optional;

/** What a Debezium change event says happened, by its {@code op} code. */
public enum Op {
  /** {@code r}: a row read by the connector's snapshot. */
  READ("r"),
  /** {@code c}: an insert. */
  CREATE("c"),
  /** {@code u}: an update. */
  UPDATE("u"),
  /** {@code d}: a delete (followed on the topic by a tombstone of the same key). */
  DELETE("d"),
  /** {@code t}: a truncate of the whole table (null key, no row images). */
  TRUNCATE("t");

  private final String code;

  Op(String code) {
    this.code = code;
  }

  /** The code in the envelope's {@code op} field. */
  public String code() {
    return code;
  }

  /** The operation of {@code code}; empty for a code Ferry does not know. */
  public static Optional<Op> of(String code) {
    for (Op op : values()) {
      if (op.code.equals(code)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
