package dev.ferry.config;

import java.util.Map;

/**
 * OpenTelemetry tracing of records.
 *
 * @param enabled whether Ferry records spans at all; off, a record costs no tracing work
 * @param serviceName {@code service.name} of the spans, unless {@code OTEL_SERVICE_NAME} says
 *     otherwise
 * @param properties OpenTelemetry SDK properties ({@code otel.exporter.otlp.endpoint} …), defaults
 *     that the {@code OTEL_*} environment variables and {@code -Dotel.*} override
 */
public record TracingSettings(boolean enabled, String serviceName, Map<String, String> properties) {
  public TracingSettings {
    properties = Map.copyOf(properties);
  }

  @Override
  public String toString() {
    Map<String, String> shown = new java.util.TreeMap<>(ClientProperties.masked(properties));
    // otel.exporter.otlp.headers carries the collector's credentials, if any.
    shown.replaceAll((key, value) -> key.contains("headers") ? "****" : value);
    return "tracing{enabled="
        + enabled
        + ", service-name="
        + serviceName
        + ", properties="
        + shown
        + "}";
  }
}
