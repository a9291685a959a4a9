package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A replay run against Kafka's mock clients: what a copy carries, and an interrupt kept. */
class ReplayerTest {
  private static final TopicPartition DLT = new TopicPartition("events.dlt", 0);

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // a failing test must not leave the flag to the next
  }

  /** A Ferry dead letter of events-1@7, never replayed. */
  private static ConsumerRecord<byte[], byte[]> deadLetter() {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(DLT.topic(), 0, 0, "k".getBytes(UTF_8), "v".getBytes(UTF_8));
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, "events".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_PARTITION, "1".getBytes(UTF_8))
        .add(DeadLetterHeaders.ORIGINAL_OFFSET, "7".getBytes(UTF_8))
        .add(DeadLetterHeaders.REASON, "invalid-json".getBytes(UTF_8))
        .add("trace", "t1".getBytes(UTF_8));
    return r;
  }

  private static Replayer.Options options(boolean dryRun) {
    return new Replayer.Options(
        "t",
        DltFilter.ALL,
        Optional.empty(),
        3,
        0,
        dryRun,
        Set.of("events")::contains,
        false,
        ReplayPlan.NONE);
  }

  private Replayer.Summary run(Replayer replayer) throws Exception {
    DltScanner scanner =
        new DltScanner(
            consumer,
            FakeAdmin.of(Map.of(DLT.topic(), 1L)),
            Duration.ofSeconds(5),
            Clock.systemUTC());
    DltScanner.Scope scope = scanner.scope(List.of(DLT.topic()));
    consumer.schedulePollTask(() -> consumer.addRecord(deadLetter()));
    return replayer.run(scanner, scope, Map.of());
  }

  @Test
  void aCopyGoesToItsOriginalPartitionNamingItsOriginalRecordWithoutTheDiagnostics()
      throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
    Admin twoPartitions =
        FakeAdmin.answering(
            names ->
                Map.of("events", KafkaFuture.completedFuture(FakeAdmin.description("events", 2))),
            Map.of());
    Replayer replayer =
        new Replayer(
            options(false),
            new Replayer.Kafka(
                twoPartitions,
                Optional.of(producer),
                consumer.groupMetadata(),
                Duration.ofSeconds(5)),
            s -> {},
            (r, i, a) -> {},
            new StopSignal(),
            Clock.systemUTC());

    Replayer.Summary summary = run(replayer);

    assertThat(summary.replayed()).isEqualTo(1);
    assertThat(producer.transactionCommitted()).isTrue();
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertThat(sent).hasSize(1);
    ProducerRecord<byte[], byte[]> copy = sent.get(0);
    assertThat(copy.topic()).isEqualTo("events");
    assertThat(copy.partition()).isEqualTo(1);
    assertThat(header(copy, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("1");
    assertThat(header(copy, FirstOrigin.REPLAY_TOPIC)).isEqualTo("events");
    assertThat(header(copy, FirstOrigin.REPLAY_OFFSET)).isEqualTo("7");
    assertThat(header(copy, FirstOrigin.REPLAY_NAME)).isEqualTo("t");
    assertThat(header(copy, "trace")).isEqualTo("t1");
    assertThat(copy.headers().lastHeader(DeadLetterHeaders.REASON)).isNull();
    assertThat(replayer.committed()).isEqualTo(summary);
  }

  @Test
  void anInterruptWhileLookingUpTheTargetEndsTheRunWithTheFlagSet() {
    Admin interrupting =
        FakeAdmin.answering(
            names -> {
              Thread.currentThread().interrupt(); // arrives while the lookup waits
              return Map.of("events", new KafkaFutureImpl<>());
            },
            Map.of());
    List<String> actions = new ArrayList<>();
    Replayer replayer =
        new Replayer(
            options(true),
            new Replayer.Kafka(
                interrupting, Optional.empty(), consumer.groupMetadata(), Duration.ofSeconds(30)),
            s -> {},
            (r, i, action) -> actions.add(action),
            new StopSignal(),
            Clock.systemUTC());

    assertThatThrownBy(() -> run(replayer))
        .isInstanceOf(DltException.class)
        .hasMessage(
            "interrupted while looking up the partitions of events; run the replay again with its"
                + " --name to resume")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag").isTrue();
    assertThat(actions).as("nothing was replayed").isEmpty();
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), UTF_8);
  }
}
