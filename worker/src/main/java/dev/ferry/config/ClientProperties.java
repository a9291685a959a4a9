package dev.ferry.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Masking of Kafka client properties that carry credentials: every key Kafka's own client config
 * definitions type as a password ({@code ssl.key.password}, {@code
 * sasl.oauthbearer.assertion.private.key.passphrase}, …), and any key whose name looks like a
 * secret ({@code password}, {@code passphrase}, {@code jaas}, {@code secret}, a trailing {@code
 * .key}), which covers plugins' own keys that Kafka does not define.
 */
public final class ClientProperties {
  private ClientProperties() {}

  public static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return KafkaClientConfigs.isPassword(name)
        || n.contains("password")
        || n.contains("passphrase")
        || n.contains("jaas")
        || n.contains("secret")
        || n.endsWith(".key");
  }

  public static Map<String, String> masked(Map<String, String> properties) {
    Map<String, String> out = new LinkedHashMap<>();
    properties.forEach((k, v) -> out.put(k, isSecret(k) ? "****" : v));
    return out;
  }
}
