package dev.ferry.config;

/**
 * The HTTP endpoint for metrics and health probes.
 *
 * @param port TCP port; 0 picks a free one
 */
public record HttpSettings(int port) {
  @Override
  public String toString() {
    return "http{port=" + port + "}";
  }
}
