package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A poison mix: 20,000 records, 2% of them bad in nine ways. Every good record lands once; every
 * bad one is in the DLT once, with its original coordinates, the stage and reason of its fault;
 * nothing else is in the DLT.
 */
@Timeout(180)
class PoisonMixIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 20_000;
  private static final String GROUP = "ferry-poison";

  /** Each bad kind with the stage and reason it must be dead-lettered with. */
  enum Kind {
    INVALID_JSON("decode", "invalid-json"),
    NOT_AN_OBJECT("decode", "not-an-object"),
    MISSING_REQUIRED_FIELD("sink", "not-null-violation"),
    WRONG_TYPE("transform", "coercion-failed"),
    CHECK_VIOLATION("sink", "check-violation"),
    TOO_LONG("transform", "coercion-failed"),
    INVALID_UTF8("decode", "invalid-utf8"),
    TOMBSTONE("decode", "tombstone"),
    // Postgres refuses it in jsonb (22P05); Ferry catches it first.
    NUL_IN_JSONB("transform", "nul-character");

    final String stage;
    final String reason;

    Kind(String stage, String reason) {
      this.stage = stage;
      this.reason = reason;
    }
  }

  @BeforeAll
  static void table() {
    PG.execute(
        "CREATE TABLE poison (event_id uuid NOT NULL, user_id varchar(16) NOT NULL, type text NOT"
            + " NULL, amount numeric(12,2) CHECK (amount >= 0), ts timestamptz NOT NULL, attrs"
            + " jsonb)");
  }

  @Test
  void everyBadRecordIsDeadLetteredOnceWithItsReasonAndEveryGoodOneLandsOnce() throws Exception {
    String topic = KAFKA.uniqueTopic("poison");
    KAFKA.createTopic(topic, 6);
    Map<String, Kind> badAt = new ConcurrentHashMap<>();
    int good = produce(topic, badAt);

    RunningWorker worker =
        RunningWorker.runUntilCaughtUp(
            FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
                .group(GROUP)
                .table("poison")
                .tombstones("dead-letter")
                .load(),
            KAFKA.bootstrapServers(),
            GROUP,
            topic,
            Duration.ofSeconds(120));

    assertThat(badAt).hasSize(RECORDS / 50);
    assertThat(PG.queryLong("SELECT count(*) FROM poison")).isEqualTo(good);
    assertThat(PG.queryLong("SELECT count(DISTINCT event_id) FROM poison")).isEqualTo(good);
    List<ConsumerRecord<byte[], byte[]>> dead =
        DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
    assertThat(dead).hasSize(badAt.size());
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      assertThat(DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(topic);
      String at =
          DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_PARTITION)
              + "@"
              + DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_OFFSET);
      Kind kind = badAt.get(at);
      assertThat(kind).as("dead letter of %s is one of the bad records", at).isNotNull();
      assertThat(DeadLetters.header(r, DeadLetterHeaders.STAGE)).as(at).isEqualTo(kind.stage);
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REASON)).as(at).isEqualTo(kind.reason);
      assertThat(DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE)).isNotBlank();
      assertThat(seen.merge(at, 1, Integer::sum)).as("copies of %s", at).isEqualTo(1);
    }
    assertThat(worker.counters().deadLettered()).isEqualTo(badAt.size());
  }

  /** Produces the mix; returns the number of good records and fills {@code badAt}. */
  private static int produce(String topic, Map<String, Kind> badAt) throws Exception {
    int good = 0;
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (int i = 0; i < RECORDS; i++) {
        byte[] key = ("user-" + (i % 500)).getBytes(UTF_8);
        if (i % 50 == 7) {
          Kind kind = Kind.values()[(i / 50) % Kind.values().length];
          producer.send(
              new ProducerRecord<>(topic, key, bad(kind, i)),
              (meta, error) -> {
                if (error == null) {
                  badAt.put(meta.partition() + "@" + meta.offset(), kind);
                }
              });
        } else {
          good++;
          producer.send(new ProducerRecord<>(topic, key, json(i, "user-" + (i % 500), "12.50")));
        }
      }
      producer.flush();
    }
    return good;
  }

  private static byte[] json(int i, String user, String amount) {
    return ("{\"event_id\":\"%s\",\"user_id\":\"%s\",\"type\":\"click\",\"amount\":%s,"
            + "\"ts\":\"2026-01-01T00:00:00Z\",\"attrs\":{\"n\":%d}}")
        .formatted(UUID.nameUUIDFromBytes(("e" + i).getBytes(UTF_8)), user, amount, i)
        .getBytes(UTF_8);
  }

  private static byte[] bad(Kind kind, int i) {
    return switch (kind) {
      case INVALID_JSON -> "{\"event_id\": \"".getBytes(UTF_8);
      case NOT_AN_OBJECT -> "[1, 2, 3]".getBytes(UTF_8);
      case MISSING_REQUIRED_FIELD ->
          "{\"user_id\":\"u\",\"type\":\"click\",\"amount\":1,\"ts\":\"2026-01-01T00:00:00Z\"}"
              .getBytes(UTF_8);
      case WRONG_TYPE -> json(i, "u", "\"lots\"");
      case CHECK_VIOLATION -> json(i, "u", "-1");
      case TOO_LONG -> json(i, "a-user-name-far-too-long-for-sixteen", "1");
      case INVALID_UTF8 -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"event_id\":\"".getBytes(UTF_8));
        out.write(0xFF);
        out.write(0xFE);
        out.writeBytes("\"}".getBytes(UTF_8));
        yield out.toByteArray();
      }
      case TOMBSTONE -> null;
      case NUL_IN_JSONB ->
          new String(json(i, "u", "1"), UTF_8)
              .replace("{\"n\":", "{\"note\":\"a\\u0000b\",\"n\":")
              .getBytes(UTF_8);
    };
  }
}
