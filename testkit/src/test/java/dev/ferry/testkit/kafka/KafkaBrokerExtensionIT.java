package dev.ferry.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs a fixture test class and checks what the extension did around it. */
class KafkaBrokerExtensionIT {

  /** Written by the fixture while it runs; read after it ran. */
  private static final AtomicReference<String> FIXTURE_BOOTSTRAP = new AtomicReference<>();

  private static final Set<String> FIXTURE_TOPICS = ConcurrentHashMap.newKeySet();

  @Test
  void oneBrokerServesTheWholeClassAndStopsAfterIt() {
    var results =
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute();

    results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
    assertThat(FIXTURE_TOPICS).hasSize(3);
    int port = TestClients.port(FIXTURE_BOOTSTRAP.get());
    assertThat(TestClients.accepts(port)).as("broker port open after the class").isFalse();
  }

  static class Fixture {

    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void first() {
      useTheBroker();
    }

    @Test
    void second() {
      useTheBroker();
    }

    @Nested
    class Inner {
      @Test
      void sharesTheOuterBroker() {
        useTheBroker();
      }
    }

    private static void useTheBroker() {
      String bootstrap = KAFKA.bootstrapServers();
      FIXTURE_BOOTSTRAP.compareAndSet(null, bootstrap);
      assertThat(bootstrap).isEqualTo(FIXTURE_BOOTSTRAP.get());
      String topic = KAFKA.uniqueTopic("fixture");
      assertThat(topic).matches("fixture-\\d+-[0-9a-f]{6}");
      KAFKA.createTopic(topic, 2);
      FIXTURE_TOPICS.add(topic);
    }
  }
}
