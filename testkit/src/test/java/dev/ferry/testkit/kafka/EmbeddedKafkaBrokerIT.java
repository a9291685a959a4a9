package dev.ferry.testkit.kafka;

import static dev.ferry.testkit.kafka.TestClients.consume;
import static dev.ferry.testkit.kafka.TestClients.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-JVM broker on its own, outside the extension. */
class EmbeddedKafkaBrokerIT {

  @Test
  void servesClientsOnLoopbackAndClosesOnce() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    int port = TestClients.port(broker.bootstrapServers());
    try {
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
      broker.createTopic("t", 3);
      produce(broker.bootstrapServers(), "t", List.of("x", "y"));
      assertThat(consume(broker.bootstrapServers(), "t", 3, 2)).containsExactlyInAnyOrder("x", "y");
      assertThatThrownBy(() -> broker.createTopic("t", 3))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("could not create topic t");
    } finally {
      broker.close();
    }
    broker.close(); // a second close does nothing

    assertThat(TestClients.accepts(port)).isFalse();
  }

  @Test
  void runsTheFeatureLevelsOfANewProductionCluster() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        BrokerAdmin admin = new BrokerAdmin(broker.bootstrapServers())) {
      assertThat(admin.finalizedLevels())
          .containsEntry("transaction.version", (short) 2)
          .containsEntry("group.version", (short) 1)
          .isEqualTo(BrokerAdmin.productionFeatureLevels());
    }
  }

  @Test
  void twoBrokersRunSideBySide() {
    try (EmbeddedKafkaBroker a = EmbeddedKafkaBroker.start();
        EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start()) {
      assertThat(a.bootstrapServers()).isNotEqualTo(b.bootstrapServers());
      a.createTopic("same-name", 1);
      b.createTopic("same-name", 1);
    }
  }
}
