package dev.ferry.errors;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one place that decides whether a failure is transient, permanent or unknown. Postgres errors
 * are judged by SQLSTATE: connection (08), insufficient resources (53), operator intervention
 * (57P01..57P03), serialization failure (40001), deadlock (40P01), query cancelled (57014) and lock
 * timeout (55P03) are transient; data exceptions (22), integrity violations (23) and syntax or
 * access problems (42) are the record's fault. Failed sends to the dead-letter topic are judged by
 * {@link #classifySend}.
 */
public final class FailureClassifier {
  private FailureClassifier() {}

  public static FailureClass classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RecordFailure) {
        return FailureClass.PERMANENT;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return classifySqlState(sql.getSQLState());
      }
      if (t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || t instanceof SocketTimeoutException
          || t instanceof java.net.ConnectException) {
        return FailureClass.TRANSIENT;
      }
    }
    return FailureClass.UNKNOWN;
  }

  public static FailureClass classifySqlState(String sqlState) {
    String state = sqlState.toUpperCase(Locale.ROOT);
    return switch (state) {
      case "57P01", // admin shutdown
          "57P02", // crash shutdown
          "57P03", // cannot connect now
          "40001", // serialization failure
          "40P01", // deadlock detected
          "57014", // query cancelled (statement_timeout)
          "55P03" -> // lock not available (lock_timeout)
          FailureClass.TRANSIENT;
      default ->
          switch (state.substring(0, Math.min(2, state.length()))) {
            case "08", "53" -> FailureClass.TRANSIENT;
            case "22", "23", "42" -> FailureClass.PERMANENT;
            default -> FailureClass.UNKNOWN;
          };
    };
  }

  /**
   * Whether a failed statement says that a target table's definition changed under Ferry's
   * statements, so that its column types are worth reading again before the failure is judged:
   * {@code 42804} datatype mismatch (what Postgres answers an INSERT whose {@code CAST(? AS text)}
   * now meets an integer column after {@code ALTER … TYPE}), {@code 42703} undefined column, {@code
   * 42P01} undefined table, and {@code 0A000} "cached plan must not change result type" (PgJDBC's
   * server-prepared statements returning rows). The failure keeps its class: if nothing changed, it
   * is judged as before.
   */
  public static boolean signalsTableChange(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return switch (sql.getSQLState().toUpperCase(Locale.ROOT)) {
          case "42804", "42703", "42P01" -> true;
          case "0A000" ->
              String.valueOf(sql.getMessage()).contains("cached plan must not change result type");
          default -> false;
        };
      }
    }
    return false;
  }

  /** Which bound ran out, when {@code failure} is a timeout; empty for any other failure. */
  public static Optional<TimeoutKind> timeoutKind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        // HikariCP's "request timed out", whatever the cause
        return Optional.of(TimeoutKind.ACQUIRE);
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        switch (sql.getSQLState().toUpperCase(Locale.ROOT)) {
          case "57014":
            return Optional.of(TimeoutKind.STATEMENT);
          case "55P03":
            return Optional.of(TimeoutKind.LOCK);
          default:
            break;
        }
      }
      if (t instanceof SocketTimeoutException) {
        return Optional.of(TimeoutKind.SOCKET);
      }
    }
    return Optional.empty();
  }

  /**
   * The reason of a permanent sink failure, for the {@code ferry.dlt.reason} header: specific for
   * the common SQLSTATEs, by class otherwise.
   */
  public static Reason sinkReason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState().toUpperCase(Locale.ROOT);
        return switch (state) {
          case "23502" -> Reason.NOT_NULL_VIOLATION;
          case "23505" -> Reason.UNIQUE_VIOLATION;
          case "23503" -> Reason.FOREIGN_KEY_VIOLATION;
          case "23514" -> Reason.CHECK_VIOLATION;
          case "22001" -> Reason.VALUE_TOO_LONG;
          case "22003" -> Reason.NUMERIC_OUT_OF_RANGE;
          default ->
              switch (state.substring(0, Math.min(2, state.length()))) {
                case "22" -> Reason.INVALID_VALUE;
                case "23" -> Reason.CONSTRAINT_VIOLATION;
                case "42" -> Reason.SCHEMA_MISMATCH;
                default -> Reason.SINK_ERROR;
              };
        };
      }
    }
    return Reason.SINK_ERROR;
  }

  /**
   * Whether a failed send of a dead letter is worth retrying. {@code PERMANENT}: the broker or the
   * producer refuses this record or this client for good, and the same send gives the same answer
   * (too large for the topic or the producer, an invalid record or timestamp, an invalid topic
   * name, a policy, no authorization or authentication, an unsupported version or compression).
   * {@code TRANSIENT}: Kafka's own retriable errors and timeouts (a broker down, no leader, no
   * metadata in time; a missing dead-letter topic with auto-creation off also ends in such a
   * timeout, since the producer cannot tell it from an unreachable broker). {@code UNKNOWN}:
   * anything else; the publisher retries it like a transient one, because dropping a dead letter is
   * never an option.
   */
  public static FailureClass classifySend(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isTooLarge(t)
          || t instanceof InvalidRecordException
          || t instanceof InvalidTimestampException
          || t instanceof InvalidTopicException
          || t instanceof PolicyViolationException
          || t instanceof AuthorizationException
          || t instanceof AuthenticationException
          || t instanceof UnsupportedVersionException
          || t instanceof UnsupportedCompressionTypeException
          || t instanceof SerializationException) {
        return FailureClass.PERMANENT;
      }
      if (t instanceof RetriableException || t instanceof java.util.concurrent.TimeoutException) {
        return FailureClass.TRANSIENT;
      }
    }
    return FailureClass.UNKNOWN;
  }

  /**
   * Whether a failed send was refused for the record's size: larger than the producer's {@code
   * max.request.size} or the topic's {@code max.message.bytes}. Permanent; only a smaller record or
   * a larger limit helps.
   */
  public static boolean isTooLarge(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
        return true;
      }
    }
    return false;
  }
}
