package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Checks the complete configuration of every Kafka client Ferry will build (the user's {@code
 * kafka.client-properties} merged with Ferry's own settings, exactly as {@link KafkaClients} merges
 * them) the way the client's constructor would, without connecting anywhere. The config loader
 * checks each value on its own; this catches what only the combination refuses, such as {@code
 * max.in.flight.requests.per.connection: 10} with the idempotent dead-letter producer, so that it
 * is a config problem (exit 2) and not a failure after Postgres was migrated.
 */
final class KafkaClientsCheck {
  private KafkaClientsCheck() {}

  /** One problem per client that refuses its configuration; empty when all accept theirs. */
  static List<String> problems(FerryConfig config) {
    KafkaClients clients = new KafkaClients(config.kafka(), config.deadLetter().sendTimeout());
    List<String> problems = new ArrayList<>();
    check("consumer", clients.consumerProperties(), KafkaClientsCheck::consumer, problems);
    check(
        "dead-letter producer",
        clients.deadLetterProducerProperties(),
        KafkaClientsCheck::producer,
        problems);
    check(
        "replay producer",
        clients.replayProducerProperties("ferry-check"),
        KafkaClientsCheck::producer,
        problems);
    check("admin client", clients.adminProperties(), AdminClientConfig::new, problems);
    return problems;
  }

  private static Object consumer(Map<String, Object> props) {
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new ConsumerConfig(props);
  }

  private static Object producer(Map<String, Object> props) {
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new ProducerConfig(props);
  }

  private static void check(
      String client,
      Map<String, Object> props,
      Function<Map<String, Object>, Object> parse,
      List<String> problems) {
    try {
      parse.apply(new HashMap<>(props));
    } catch (KafkaException refused) {
      problems.add(
          "kafka.client-properties do not work for the Kafka "
              + client
              + " Ferry builds from them: "
              + refused.getMessage());
    }
  }
}
