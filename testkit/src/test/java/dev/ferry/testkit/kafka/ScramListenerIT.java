package dev.ferry.testkit.kafka;

import static dev.ferry.testkit.kafka.TestClients.consume;
import static dev.ferry.testkit.kafka.TestClients.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker's SASL_PLAINTEXT listener: SCRAM-SHA-256 logins only, beside the plaintext one. */
@Timeout(120)
class ScramListenerIT {

  @RegisterExtension
  static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.withScram("ferry", "right-pw-1");

  @Test
  void theUserProducesAndConsumesOnTheSaslListener() throws Exception {
    String topic = KAFKA.uniqueTopic("scram");
    KAFKA.createTopic(topic, 2);
    Map<String, String> login = KAFKA.scramCredentials().clientProperties();

    produce(KAFKA.saslBootstrapServers(), login, topic, List.of("a", "b", "c"));

    assertThat(KAFKA.saslBootstrapServers())
        .startsWith("127.0.0.1:")
        .isNotEqualTo(KAFKA.bootstrapServers());
    assertThat(consume(KAFKA.saslBootstrapServers(), login, topic, 2, 3))
        .containsExactlyInAnyOrder("a", "b", "c");
    // The plaintext listener serves the same broker, unchanged.
    assertThat(consume(KAFKA.bootstrapServers(), topic, 2, 3))
        .containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aWrongPasswordIsRejected() {
    ScramCredentials wrong = KAFKA.scramCredentials().withPassword("wrong-pw-2");
    Map<String, Object> config = new HashMap<>(wrong.clientProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.saslBootstrapServers());

    try (Admin admin = Admin.create(config)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("invalid credentials");
    }
  }

  @Test
  void anUnknownUserIsRejected() {
    ScramCredentials stranger = new ScramCredentials("stranger", "right-pw-1");
    Map<String, Object> config = new HashMap<>(stranger.clientProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.saslBootstrapServers());

    try (Admin admin = Admin.create(config)) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void credentialsNeverShowTheirPassword() {
    ScramCredentials credentials = KAFKA.scramCredentials();

    assertThat(credentials.toString()).contains("ferry").doesNotContain("right-pw-1");
    assertThat(credentials.jaasConfig())
        .isEqualTo(
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"ferry\" password=\"right-pw-1\";");
    assertThatThrownBy(() -> credentials.withPassword("has\"quote"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("has\"quote");
  }

  @Test
  void aPlainBrokerHasNoSaslListener() {
    try (EmbeddedKafkaBroker plain = EmbeddedKafkaBroker.start()) {
      assertThatThrownBy(plain::saslBootstrapServers)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("startWithScram");
    }
  }
}
