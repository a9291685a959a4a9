package dev.ferry.deadletter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.DeadLetterSettings;
import dev.ferry.errors.Backoff;
import dev.ferry.errors.Reason;
import dev.ferry.health.Readiness;
import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What the publisher does with each kind of failed send, against a producer that fails the sends a
 * test scripts: transient ones are retried, a too-large one is sent again without the bulky
 * headers, and permanent ones end in {@link DeadLetterRefused} instead of endless retries.
 */
class DeadLetterPublisherTest {
  /** Fails each send with the next scripted exception, then acknowledges. */
  private static final class ScriptedProducer extends MockProducer<byte[], byte[]> {
    final Deque<RuntimeException> failures = new ArrayDeque<>();
    final List<ProducerRecord<byte[], byte[]>> attempts = new ArrayList<>();

    ScriptedProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      attempts.add(record);
      RuntimeException next = failures.poll();
      if (next != null) {
        return CompletableFuture.failedFuture(next);
      }
      return super.send(record, callback);
    }
  }

  private final ScriptedProducer producer = new ScriptedProducer();
  private final Readiness readiness = new Readiness();
  private final byte[] value = "{\"id\": \"not a number\"}".getBytes(UTF_8);

  private DeadLetterPublisher publisher(boolean includeStacktrace) {
    return new DeadLetterPublisher(
        producer,
        new DeadLetterSettings(
            "{topic}.dlt",
            includeStacktrace,
            new DeadLetterSettings.Breaker(true, 100, 0.5, 10),
            Duration.ofSeconds(5)),
        "g",
        new Backoff(Duration.ZERO, Duration.ZERO, new SplittableRandom(1)),
        new StopSignal(),
        Clock.systemUTC(),
        Duration.ofSeconds(5),
        readiness);
  }

  private DeadLetter letter(String message) {
    return new DeadLetter(
        new ConsumerRecord<>("t", 2, 41L, "k".getBytes(UTF_8), value),
        "p",
        Reason.INVALID_VALUE,
        new IllegalArgumentException(message),
        1);
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  @Test
  void aTransientFailureIsRetriedUntilTheSendGoesThrough() throws Exception {
    DeadLetterPublisher publisher = publisher(true);
    producer.failures.add(new TimeoutException("Topic t.dlt not present in metadata after 5 ms."));
    producer.failures.add(new NotLeaderOrFollowerException("moved"));

    assertThat(publisher.publish(letter("bad"))).isTrue();

    assertThat(producer.attempts).hasSize(3);
    assertThat(producer.history()).hasSize(1);
    assertThat(publisher.failedSends()).isEqualTo(2);
    assertThat(publisher.refused()).isZero();
    assertThat(readiness.isReady()).isTrue();
  }

  @Test
  void aDeadLetterTooLargeForItsTopicIsSentAgainWithoutItsBulkyHeaders() throws Exception {
    DeadLetterPublisher publisher = publisher(true);
    producer.failures.add(new RecordTooLargeException("larger than max.message.bytes"));
    String longMessage = "x".repeat(5_000);

    assertThat(publisher.publish(letter(longMessage))).isTrue();

    assertThat(producer.attempts).hasSize(2);
    ProducerRecord<byte[], byte[]> whole = producer.attempts.get(0);
    ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
    assertThat(header(whole, DeadLetterHeaders.EXCEPTION_STACKTRACE)).isNotNull();
    assertThat(header(whole, DeadLetterHeaders.HEADERS_SHED)).isNull();
    assertThat(header(sent, DeadLetterHeaders.EXCEPTION_STACKTRACE)).isNull();
    assertThat(header(sent, DeadLetterHeaders.EXCEPTION_MESSAGE))
        .hasSize(DeadLetterPublisher.SHED_MESSAGE_CHARS);
    assertThat(header(sent, DeadLetterHeaders.HEADERS_SHED))
        .isEqualTo(
            DeadLetterHeaders.EXCEPTION_MESSAGE + "," + DeadLetterHeaders.EXCEPTION_STACKTRACE);
    // The record itself and the headers that identify it and say why are kept.
    assertThat(sent.value()).isEqualTo(value);
    assertThat(sent.key()).isEqualTo("k".getBytes(UTF_8));
    assertThat(sent.topic()).isEqualTo("t.dlt");
    assertThat(header(sent, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo("t");
    assertThat(header(sent, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo("2");
    assertThat(header(sent, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("41");
    assertThat(header(sent, DeadLetterHeaders.REASON)).isEqualTo("invalid-value");
    assertThat(header(sent, DeadLetterHeaders.EXCEPTION_CLASS))
        .isEqualTo(IllegalArgumentException.class.getName());
    assertThat(publisher.headersShed()).isEqualTo(1);
    assertThat(publisher.failedSends()).isZero();
  }

  @Test
  void aDeadLetterThatDoesNotFitEvenWithoutThemIsRefusedNotRetried() {
    DeadLetterPublisher publisher = publisher(true);
    producer.failures.add(new RecordTooLargeException("larger than max.message.bytes"));
    producer.failures.add(new RecordTooLargeException("larger than max.message.bytes"));

    assertThatThrownBy(() -> publisher.publish(letter("bad")))
        .isInstanceOfSatisfying(
            DeadLetterRefused.class,
            refused -> {
              assertThat(refused.tooLarge()).isTrue();
              assertThat(refused.kind()).isEqualTo(DeadLetterRefused.TOO_LARGE);
              assertThat(refused.topic()).isEqualTo("t.dlt");
              assertThat(refused.shedHeaders())
                  .containsExactly(DeadLetterHeaders.EXCEPTION_STACKTRACE);
              assertThat(refused.size()).isGreaterThan(value.length);
              assertThat(refused.remedy("p"))
                  .contains("max.message.bytes", "t.dlt", "POST /pipelines/p/resume");
            });
    assertThat(producer.attempts).hasSize(2);
    assertThat(producer.history()).isEmpty();
    assertThat(publisher.refusedTooLarge()).isEqualTo(1);
    assertThat(publisher.failedSends()).isZero();
  }

  @Test
  void withNothingToShedATooLargeDeadLetterIsRefusedAtOnce() {
    DeadLetterPublisher publisher = publisher(false);
    producer.failures.add(new RecordTooLargeException("larger than max.request.size"));

    assertThatThrownBy(() -> publisher.publish(letter("short")))
        .isInstanceOfSatisfying(
            DeadLetterRefused.class, refused -> assertThat(refused.shedHeaders()).isEmpty());
    assertThat(producer.attempts).hasSize(1);
  }

  @Test
  void anAuthorizationFailureIsRefusedWithoutRetries() {
    DeadLetterPublisher publisher = publisher(true);
    producer.failures.add(new TopicAuthorizationException("not authorized to write t.dlt"));

    assertThatThrownBy(() -> publisher.publish(letter("bad")))
        .isInstanceOfSatisfying(
            DeadLetterRefused.class,
            refused -> {
              assertThat(refused.tooLarge()).isFalse();
              assertThat(refused.kind()).isEqualTo(DeadLetterRefused.REFUSED);
            });
    assertThat(producer.attempts).hasSize(1);
    assertThat(publisher.refused()).isEqualTo(1);
    assertThat(publisher.refusedTooLarge()).isZero();
  }
}
