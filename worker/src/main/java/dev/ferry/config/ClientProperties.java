package dev.ferry.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Masking of Kafka client properties that carry credentials (sasl.jaas.config, ssl.*password). */
public final class ClientProperties {
  private ClientProperties() {}

  public static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("password")
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
