package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client properties that pass one by one but not together with Ferry's own client settings. */
class KafkaClientsCheckTest {
  private static FerryConfig config(String clientProperties) throws Exception {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(
            """
            kafka:
              bootstrap-servers: 127.0.0.1:9092
              client-properties: %s
            database: {url: "jdbc:postgresql://h/d"}
            pipelines:
              - {name: p, topics: [t], table: t, columns: {a: /a}}
            """
                .formatted(clientProperties),
            "t.yaml");
  }

  @Test
  void propertiesThatFitEveryClientPass() throws Exception {
    assertThat(
            KafkaClientsCheck.problems(
                config("{max.poll.records: \"50\", security.protocol: PLAINTEXT, acks: \"1\"}")))
        .isEmpty();
  }

  @Test
  void aPropertyThatBreaksTheIdempotentProducersIsAProblemNamingThem() throws Exception {
    assertThat(
            KafkaClientsCheck.problems(config("{max.in.flight.requests.per.connection: \"10\"}")))
        .hasSize(2)
        .allSatisfy(
            p ->
                assertThat(p)
                    .startsWith("kafka.client-properties do not work for the Kafka")
                    .contains("max.in.flight.requests.per.connection"))
        .anySatisfy(p -> assertThat(p).contains("dead-letter producer"))
        .anySatisfy(p -> assertThat(p).contains("replay producer"));
  }
}
