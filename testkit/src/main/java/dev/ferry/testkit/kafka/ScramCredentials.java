package dev.ferry.testkit.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SCRAM-SHA-256 user name and password, and the Kafka client properties that log in with them
 * over SASL_PLAINTEXT.
 *
 * @param username 1-64 of {@code [A-Za-z0-9._-]}
 * @param password not blank, without {@code "} or {@code \} (which the JAAS line would need to
 *     escape)
 */
public record ScramCredentials(String username, String password) {

  /** The only SASL mechanism the test broker's SASL listener offers. */
  public static final String MECHANISM = "SCRAM-SHA-256";

  public ScramCredentials {
    if (username == null || !username.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "username must be 1-64 of [A-Za-z0-9._-], was '" + username + "'");
    }
    if (password == null
        || password.isBlank()
        || password.contains("\"")
        || password.contains("\\")) {
      throw new IllegalArgumentException("password must be non-blank, without '\"' or '\\'");
    }
  }

  /** The same user with another password, e.g. a wrong one. */
  public ScramCredentials withPassword(String otherPassword) {
    return new ScramCredentials(username, otherPassword);
  }

  /** {@code sasl.jaas.config} of a client logging in as this user. */
  public String jaasConfig() {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + username
        + "\" password=\""
        + password
        + "\";";
  }

  /** {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}. */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("security.protocol", "SASL_PLAINTEXT");
    properties.put("sasl.mechanism", MECHANISM);
    properties.put("sasl.jaas.config", jaasConfig());
    return properties;
  }

  /** Hides the password, so that a credentials object in a log or assertion message leaks none. */
  @Override
  public String toString() {
    return "ScramCredentials[username=" + username + ", password=****]";
  }
}
