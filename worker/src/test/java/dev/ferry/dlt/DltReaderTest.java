package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

class DltReaderTest {
  @Test
  void emptyTopicsAreSaidToBeEmptyAndNotRead() throws Exception {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    DltClients clients =
        new DltClients() {
          @Override
          public Admin admin() {
            return FakeAdmin.of(Map.of("a.dlt", 0L, "b.dlt", 0L));
          }

          @Override
          public Consumer<byte[], byte[]> dltConsumer(Optional<String> group) {
            assertThat(group).as("stats and list keep no progress").isEmpty();
            return consumer;
          }

          @Override
          public Producer<byte[], byte[]> replayProducer(String transactionalId) {
            throw new AssertionError("reading produces nothing");
          }
        };
    StringWriter out = new StringWriter();

    boolean any =
        new DltReader(clients, Duration.ofSeconds(5), Clock.systemUTC())
            .readAll(
                List.of("a.dlt", "b.dlt"),
                new PrintWriter(out, true),
                r -> {
                  throw new AssertionError("nothing to visit");
                });

    assertThat(any).isFalse();
    assertThat(out.toString().trim()).isEqualTo("a.dlt, b.dlt: empty, no dead letters");
    assertThat(consumer.closed()).as("the reader closes what it opened").isTrue();
  }
}
