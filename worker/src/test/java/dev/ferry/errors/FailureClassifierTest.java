package dev.ferry.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

class FailureClassifierTest {
  @ParameterizedTest
  @CsvSource({
    "08006, TRANSIENT", // connection failure
    "08001, TRANSIENT",
    "53300, TRANSIENT", // too many connections
    "57P01, TRANSIENT", // admin shutdown
    "57P03, TRANSIENT", // cannot connect now
    "40001, TRANSIENT", // serialization failure
    "40P01, TRANSIENT", // deadlock
    "57014, TRANSIENT", // statement timeout
    "55P03, TRANSIENT", // lock timeout
    "22P02, PERMANENT", // invalid text representation
    "22001, PERMANENT", // string too long
    "23505, PERMANENT", // unique violation
    "23502, PERMANENT", // not null violation
    "42703, PERMANENT", // undefined column
    "XX000, UNKNOWN", // internal error
    "P0001, UNKNOWN" // raise exception
  })
  void sqlStatesAreClassified(String state, FailureClass expected) {
    assertThat(FailureClassifier.classify(new SQLException("x", state))).isEqualTo(expected);
  }

  @Test
  void causesAreSearched() {
    Exception wrapped = new RuntimeException(new SQLException("deadlock", "40P01"));
    assertThat(FailureClassifier.classify(wrapped)).isEqualTo(FailureClass.TRANSIENT);
    assertThat(FailureClassifier.classify(new RuntimeException(new ConnectException())))
        .isEqualTo(FailureClass.TRANSIENT);
    assertThat(FailureClassifier.classify(new IllegalStateException("?")))
        .isEqualTo(FailureClass.UNKNOWN);
    assertThat(FailureClassifier.classify(new RecordFailure(Reason.INVALID_JSON, "bad")))
        .isEqualTo(FailureClass.PERMANENT);
  }

  @ParameterizedTest
  @CsvSource({
    "23502, not-null-violation",
    "23505, unique-violation",
    "23503, foreign-key-violation",
    "23514, check-violation",
    "23P01, constraint-violation",
    "22001, value-too-long",
    "22003, numeric-out-of-range",
    "22P02, invalid-value",
    "22007, invalid-value",
    "42703, schema-mismatch",
    "XX000, sink-error"
  })
  void sinkReasonsNameTheKindOfProblem(String state, String reason) {
    assertThat(FailureClassifier.sinkReason(new SQLException("x", state)).code()).isEqualTo(reason);
  }

  @Test
  void aFailureWithoutSqlStateHasTheGenericSinkReason() {
    assertThat(FailureClassifier.sinkReason(new SQLException("x"))).isEqualTo(Reason.SINK_ERROR);
  }

  /** Every way a bounded wait on Postgres ends, as the drivers report it. */
  static Stream<Arguments> timeouts() {
    return Stream.of(
        Arguments.of(
            new PSQLException(
                "ERROR: canceling statement due to statement timeout", PSQLState.QUERY_CANCELED),
            "statement"),
        Arguments.of(
            new SQLException("ERROR: canceling statement due to lock timeout", "55P03"), "lock"),
        Arguments.of(
            new PSQLException(
                "An I/O error occurred while sending to the backend.",
                PSQLState.CONNECTION_FAILURE,
                new SocketTimeoutException("Read timed out")),
            "socket"),
        Arguments.of(
            new SQLTransientConnectionException(
                "ferry-db - Connection is not available, request timed out after 10000ms",
                "08001",
                new PSQLException(
                    "The connection attempt failed.",
                    PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                    new SocketTimeoutException("Connect timed out"))),
            "acquire"),
        Arguments.of(
            new SQLTransientConnectionException(
                "ferry-db - Connection is not available, request timed out after 10000ms"),
            "acquire"),
        Arguments.of(new RuntimeException(new SocketTimeoutException("Read timed out")), "socket"));
  }

  @ParameterizedTest
  @MethodSource("timeouts")
  void everyTimeoutIsTransientAndNamed(Exception timeout, String kind) {
    assertThat(FailureClassifier.classify(timeout)).isEqualTo(FailureClass.TRANSIENT);
    assertThat(FailureClassifier.timeoutKind(timeout).map(TimeoutKind::label)).contains(kind);
  }

  @Test
  void otherFailuresAreNoTimeouts() {
    assertThat(FailureClassifier.timeoutKind(new SQLException("deadlock", "40P01"))).isEmpty();
    assertThat(
            FailureClassifier.timeoutKind(
                new PSQLException(
                    "An I/O error occurred while sending to the backend.",
                    PSQLState.CONNECTION_FAILURE,
                    new SocketException("Socket closed"))))
        .isEmpty();
  }

  /** Each way the real decoder refuses a value: the record's fault, never retried. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"event_id\": | invalid-json",
        "'' | invalid-json",
        "[1, 2] | not-an-object",
        "\"text\" | not-an-object",
        "42 | not-an-object",
        "C3 28 | invalid-utf8"
      })
  void everyDecodeFailureIsPermanent(String value, String reason) {
    byte[] bytes =
        value.equals("C3 28")
            ? new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}
            : value.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    RecordFailure failure =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            RecordFailure.class, () -> new dev.ferry.format.JsonFormat().decode(bytes));

    assertThat(failure.reason().code()).isEqualTo(reason);
    assertThat(failure.stage()).isEqualTo(Stage.DECODE);
    assertThat(FailureClassifier.classify(failure)).isEqualTo(FailureClass.PERMANENT);
  }

  @Test
  void refusalsThatSayATableChangedAreRecognised() {
    assertThat(FailureClassifier.signalsTableChange(new SQLException("mismatch", "42804")))
        .isTrue();
    assertThat(FailureClassifier.signalsTableChange(new SQLException("no column", "42703")))
        .isTrue();
    assertThat(FailureClassifier.signalsTableChange(new SQLException("no table", "42P01")))
        .isTrue();
    assertThat(
            FailureClassifier.signalsTableChange(
                new SQLException("ERROR: cached plan must not change result type", "0A000")))
        .isTrue();
    assertThat(
            FailureClassifier.signalsTableChange(
                new java.sql.BatchUpdateException(
                    "Batch entry 0 … was aborted", "42804", 0, new int[0], null)))
        .isTrue();
    assertThat(
            FailureClassifier.signalsTableChange(
                new RuntimeException(new SQLException("m", "42804"))))
        .isTrue();
  }

  @Test
  void otherRefusalsSayNothingAboutTables() {
    assertThat(
            FailureClassifier.signalsTableChange(
                new SQLException("feature not supported", "0A000")))
        .isFalse();
    assertThat(FailureClassifier.signalsTableChange(new SQLException("unique", "23505"))).isFalse();
    assertThat(FailureClassifier.signalsTableChange(new SQLException("privilege", "42501")))
        .isFalse();
    assertThat(FailureClassifier.signalsTableChange(new SQLException("no state"))).isFalse();
    assertThat(FailureClassifier.signalsTableChange(new IllegalStateException())).isFalse();
  }

  static Stream<Arguments> deadLetterSendFailures() {
    return Stream.of(
        // Refused for good: the same send gets the same answer.
        Arguments.of(
            new RecordTooLargeException("too large for the topic"), FailureClass.PERMANENT),
        Arguments.of(new RecordBatchTooLargeException("batch too large"), FailureClass.PERMANENT),
        Arguments.of(new InvalidRecordException("invalid"), FailureClass.PERMANENT),
        Arguments.of(new InvalidTimestampException("too old"), FailureClass.PERMANENT),
        Arguments.of(new InvalidTopicException("bad name"), FailureClass.PERMANENT),
        Arguments.of(new PolicyViolationException("policy"), FailureClass.PERMANENT),
        Arguments.of(new TopicAuthorizationException("no WRITE"), FailureClass.PERMANENT),
        Arguments.of(new ClusterAuthorizationException("no idempotent"), FailureClass.PERMANENT),
        Arguments.of(new SaslAuthenticationException("bad password"), FailureClass.PERMANENT),
        Arguments.of(new UnsupportedVersionException("old broker"), FailureClass.PERMANENT),
        Arguments.of(new UnsupportedCompressionTypeException("zstd"), FailureClass.PERMANENT),
        Arguments.of(new SerializationException("serializer"), FailureClass.PERMANENT),
        // Worth another try: a broker down, no leader, no metadata in time.
        Arguments.of(
            new org.apache.kafka.common.errors.TimeoutException("not present in metadata"),
            FailureClass.TRANSIENT),
        Arguments.of(new java.util.concurrent.TimeoutException(), FailureClass.TRANSIENT),
        Arguments.of(new NotLeaderOrFollowerException("moved"), FailureClass.TRANSIENT),
        Arguments.of(new NotEnoughReplicasException("isr"), FailureClass.TRANSIENT),
        Arguments.of(new UnknownTopicOrPartitionException("being created"), FailureClass.TRANSIENT),
        Arguments.of(new NetworkException("disconnected"), FailureClass.TRANSIENT),
        // Neither: retried like a transient one by the publisher, never dropped.
        Arguments.of(new KafkaException("something else"), FailureClass.UNKNOWN),
        Arguments.of(new IllegalStateException("?"), FailureClass.UNKNOWN));
  }

  @ParameterizedTest
  @MethodSource("deadLetterSendFailures")
  void deadLetterSendFailuresAreClassified(Exception failure, FailureClass expected) {
    assertThat(FailureClassifier.classifySend(failure)).isEqualTo(expected);
    assertThat(FailureClassifier.classifySend(new ExecutionException(failure)))
        .as("as the cause of a failed future")
        .isEqualTo(expected);
  }

  @Test
  void onlySizeRefusalsAreTooLarge() {
    assertThat(FailureClassifier.isTooLarge(new RecordTooLargeException("x"))).isTrue();
    assertThat(FailureClassifier.isTooLarge(new KafkaException(new RecordTooLargeException("x"))))
        .isTrue();
    assertThat(FailureClassifier.isTooLarge(new RecordBatchTooLargeException("x"))).isTrue();
    assertThat(FailureClassifier.isTooLarge(new TopicAuthorizationException("x"))).isFalse();
    assertThat(FailureClassifier.isTooLarge(new NetworkException("x"))).isFalse();
  }
}
