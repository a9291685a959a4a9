package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Where a dead letter came from, read from Ferry's, Kafka Connect's and Spring Kafka's headers. */
class DeadLetterInfoTest {
  private static final long TIMESTAMP = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private static ConsumerRecord<byte[], byte[]> record(RecordHeaders headers) {
    return new ConsumerRecord<>(
        "x.dlt",
        0,
        5,
        TIMESTAMP,
        TimestampType.CREATE_TIME,
        0,
        0,
        "k".getBytes(UTF_8),
        "{}".getBytes(UTF_8),
        headers,
        Optional.empty());
  }

  private static RecordHeaders headers(String... namesAndValues) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.add(namesAndValues[i], namesAndValues[i + 1].getBytes(UTF_8));
    }
    return h;
  }

  @Test
  void ferryHeaders() {
    DeadLetterInfo info =
        DeadLetterInfo.of(
            record(
                headers(
                    "ferry.dlt.original.topic", "events",
                    "ferry.dlt.original.partition", "3",
                    "ferry.dlt.original.offset", "1042",
                    "ferry.dlt.reason", "check-violation",
                    "ferry.dlt.stage", "sink",
                    "ferry.dlt.pipeline", "events",
                    "ferry.dlt.failed-at", "2026-11-25T10:00:00Z",
                    "ferry.dlt.exception.message", "boom",
                    "ferry.dlt.replay-count", "2")));

    assertThat(info.format()).isEqualTo("ferry");
    assertThat(info.origin()).isEqualTo("events-3@1042");
    assertThat(info.reason()).isEqualTo("check-violation");
    assertThat(info.stage()).isEqualTo("sink");
    assertThat(info.failedAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(info.replayCount()).isEqualTo(2);
    assertThat(info.message()).hasValue("boom");
  }

  @Test
  void kafkaConnectHeaders() {
    DeadLetterInfo info =
        DeadLetterInfo.of(
            record(
                headers(
                    "__connect.errors.topic", "orders",
                    "__connect.errors.partition", "1",
                    "__connect.errors.offset", "77",
                    "__connect.errors.connector.name", "jdbc-sink",
                    "__connect.errors.stage", "VALUE_CONVERTER",
                    "__connect.errors.exception.class.name",
                        "org.apache.kafka.connect.errors.DataException",
                    "__connect.errors.exception.message", "bad json")));

    assertThat(info.format()).isEqualTo("connect");
    assertThat(info.origin()).isEqualTo("orders-1@77");
    assertThat(info.reason()).isEqualTo("connect-error");
    assertThat(info.stage()).isEqualTo("value_converter");
    assertThat(info.pipeline()).isEqualTo("jdbc-sink");
    assertThat(info.failedAt()).isEqualTo(Instant.ofEpochMilli(TIMESTAMP));
    assertThat(info.exceptionClass()).hasValue("org.apache.kafka.connect.errors.DataException");
    assertThat(info.replayCount()).isZero();
  }

  @Test
  void springKafkaHeadersWithBinaryPartitionAndOffset() {
    RecordHeaders h = headers("kafka_dlt-original-topic", "payments");
    h.add("kafka_dlt-original-partition", ByteBuffer.allocate(4).putInt(7).array());
    h.add("kafka_dlt-original-offset", ByteBuffer.allocate(8).putLong(5_000_000_123L).array());
    h.add("kafka_dlt-exception-fqcn", "java.lang.IllegalStateException".getBytes(UTF_8));
    h.add("kafka_dlt-original-consumer-group", "payments-app".getBytes(UTF_8));

    DeadLetterInfo info = DeadLetterInfo.of(record(h));

    assertThat(info.format()).isEqualTo("spring");
    assertThat(info.origin()).isEqualTo("payments-7@5000000123");
    assertThat(info.reason()).isEqualTo("spring-error");
    assertThat(info.pipeline()).isEqualTo("payments-app");
    assertThat(info.exceptionClass()).hasValue("java.lang.IllegalStateException");
  }

  @Test
  void aSpringPartitionOfTheWrongWidthIsUnknownNotGarbage() {
    RecordHeaders h = headers("kafka_dlt-original-topic", "payments");
    h.add("kafka_dlt-original-partition", new byte[] {1, 2});

    assertThat(DeadLetterInfo.of(record(h)).origin()).isEqualTo("payments-?@?");
  }

  @Test
  void aRecordWithoutDiagnosticsHasAnUnknownOrigin() {
    DeadLetterInfo info = DeadLetterInfo.of(record(new RecordHeaders()));

    assertThat(info.format()).isEqualTo("unknown");
    assertThat(info.topic()).isEmpty();
    assertThat(info.origin()).isEqualTo("?-?@?");
  }

  @Test
  void diagnosticHeadersOfEveryFormatAreRecognised() {
    assertThat(DeadLetterInfo.isDiagnostic("ferry.dlt.reason")).isTrue();
    assertThat(DeadLetterInfo.isDiagnostic("__connect.errors.topic")).isTrue();
    assertThat(DeadLetterInfo.isDiagnostic("kafka_dlt-original-offset")).isTrue();
    assertThat(DeadLetterInfo.isDiagnostic("traceparent")).isFalse();
  }
}
