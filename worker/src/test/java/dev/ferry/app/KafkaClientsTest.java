package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.KafkaSettings;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private final KafkaClients clients =
      new KafkaClients(new KafkaSettings("broker-1:9093", "g", Map.of()));

  @Test
  void aRefusedSaslLoginInsideAnAdminFutureIsNamedWithTheBroker() {
    var failure =
        new ExecutionException(new SaslAuthenticationException("invalid credentials (SCRAM)"));

    assertThat(clients.authenticationFailure(failure))
        .contains(
            "Kafka at broker-1:9093 refused the client's credentials: invalid credentials (SCRAM);"
                + " check security.protocol, sasl.* and ssl.* in kafka.client-properties");
  }

  @Test
  void aFailedTlsHandshakeCountsAsARefusal() {
    var failure = new KafkaException("wrapped", new SslAuthenticationException("SSL handshake"));

    assertThat(clients.authenticationFailure(failure)).get().asString().contains("SSL handshake");
  }

  @Test
  void otherFailuresAreNotRefusals() {
    assertThat(clients.authenticationFailure(new TimeoutException("no answer"))).isEmpty();
    assertThat(clients.authenticationFailure(new KafkaException("Failed to create"))).isEmpty();
  }
}
