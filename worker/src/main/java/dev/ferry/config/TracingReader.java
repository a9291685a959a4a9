package dev.ferry.config;

import java.util.Map;

/**
 * Reads the {@code tracing} section: whether spans are exported, the service name, and the
 * OpenTelemetry SDK properties passed on to the SDK.
 */
final class TracingReader {
  private TracingReader() {}

  static TracingSettings read(Section s) {
    boolean enabled = s.bool("enabled", false);
    String serviceName = s.string("service-name", "ferry");
    Map<String, String> properties = s.stringMap("properties");
    properties.keySet().stream()
        .filter(key -> !key.startsWith("otel."))
        .forEach(
            key ->
                s.problem(
                    s.key("properties." + key),
                    "is not an OpenTelemetry SDK property (they start with otel.)"));
    s.rejectUnknownKeys();
    return new TracingSettings(enabled, serviceName, properties);
  }
}
