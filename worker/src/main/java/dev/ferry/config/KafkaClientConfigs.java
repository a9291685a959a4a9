package dev.ferry.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka's own definitions of the clients Ferry builds from {@code kafka.client-properties}: the
 * consumers, the producers (dead letters, replays) and the admin client. Each of those clients gets
 * the keys its definition knows (see {@code app.KafkaClients}), so a value is checked against the
 * definition of every client that will receive it, exactly as that client's constructor would, but
 * while the config is validated instead of after Postgres was migrated. Thread-safe; the
 * definitions are read once.
 */
final class KafkaClientConfigs {
  /** Client name → definition, in the order problems name them. */
  private static final Map<String, ConfigDef> CLIENTS = clients();

  /** Every key a definition types as {@link ConfigDef.Type#PASSWORD}. */
  private static final Set<String> PASSWORDS =
      CLIENTS.values().stream()
          .flatMap(def -> def.configKeys().values().stream())
          .filter(key -> key.type == ConfigDef.Type.PASSWORD)
          .map(key -> key.name)
          .collect(Collectors.toUnmodifiableSet());

  /**
   * A reference to a Kafka config provider ({@code ${file:/path:key}}); the client resolves it when
   * it is created, so its value is not known before.
   */
  private static final Pattern PROVIDER_REFERENCE = Pattern.compile("\\$\\{[^}]*:[^}]*}");

  private KafkaClientConfigs() {}

  private static Map<String, ConfigDef> clients() {
    Map<String, ConfigDef> clients = new LinkedHashMap<>();
    clients.put("consumer", ConsumerConfig.configDef());
    clients.put("producer", ProducerConfig.configDef());
    clients.put("admin client", AdminClientConfig.configDef());
    return clients;
  }

  /** Whether a Kafka client definition types {@code name} as a password. */
  static boolean isPassword(String name) {
    return PASSWORDS.contains(name);
  }

  /**
   * Why a client would refuse {@code value} for {@code name}, naming the client and what it
   * expected; empty when every client that takes the key accepts the value, when no client knows
   * the key (no client receives it), or when the value refers to a config provider. A secret value
   * is never repeated in the reason.
   */
  static Optional<String> problem(String name, String value) {
    if (PROVIDER_REFERENCE.matcher(value).find()) {
      return Optional.empty();
    }
    for (Map.Entry<String, ConfigDef> client : CLIENTS.entrySet()) {
      ConfigDef.ConfigKey key = client.getValue().configKeys().get(name);
      if (key == null) {
        continue;
      }
      try {
        Object parsed = ConfigDef.parseType(name, value, key.type);
        if (key.validator != null) {
          key.validator.ensureValid(name, parsed);
        }
      } catch (ConfigException refused) {
        return Optional.of(
            "is refused by the Kafka "
                + client.getKey()
                + ", was '"
                + (ClientProperties.isSecret(name) ? "****" : value)
                + "': "
                + reason(refused, name)
                + " (expected "
                + expected(key)
                + ")");
      }
    }
    return Optional.empty();
  }

  /** Kafka's message without its "Invalid value … for configuration …:" preamble. */
  private static String reason(ConfigException refused, String name) {
    String message = String.valueOf(refused.getMessage());
    String marker = "for configuration " + name + ":";
    int at = message.indexOf(marker);
    return at < 0 ? message : message.substring(at + marker.length()).trim();
  }

  private static String expected(ConfigDef.ConfigKey key) {
    String type =
        switch (key.type) {
          case INT, SHORT, LONG ->
              "a whole number (" + key.type.name().toLowerCase(Locale.ROOT) + ")";
          case DOUBLE -> "a number";
          case BOOLEAN -> "true or false";
          case LIST -> "a comma-separated list";
          case CLASS -> "a class name on the classpath";
          default -> "a " + key.type.name().toLowerCase(Locale.ROOT);
        };
    return key.validator == null ? type : type + ", " + key.validator;
  }
}
