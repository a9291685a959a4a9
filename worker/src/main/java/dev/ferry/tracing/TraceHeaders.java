package dev.ferry.tracing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C Trace Context in Kafka record headers: the producer's {@code traceparent} and {@code
 * tracestate}, and the two headers Ferry adds: {@value #DEAD_LETTERED_IN} on a dead letter (the
 * context of the attempt that dead-lettered it) and {@value #REPLAYED_FROM} on a replayed record
 * (the same context, carried back to the input topic, so that the next attempt links to it).
 */
public final class TraceHeaders {
  public static final String TRACEPARENT = "traceparent";

  /** On a dead letter: the {@code traceparent} of Ferry's span of the failed attempt. */
  public static final String DEAD_LETTERED_IN = "ferry.dlt.traceparent";

  /** On a replayed record: the {@code traceparent} of the attempt it was dead-lettered from. */
  public static final String REPLAYED_FROM = "ferry.replay.traceparent";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public String get(Headers headers, String key) {
          Header h = headers == null ? null : headers.lastHeader(key);
          return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
        }
      };

  private TraceHeaders() {}

  /** The context a producer put on the record; invalid when it carries none (or a broken one). */
  public static SpanContext producerContext(Headers headers) {
    return Span.fromContext(W3C.extract(Context.root(), headers, GETTER)).getSpanContext();
  }

  /** The context in one {@code traceparent}-formatted header, when the record carries it. */
  public static Optional<SpanContext> contextIn(Headers headers, String header) {
    Header h = headers.lastHeader(header);
    if (h == null || h.value() == null) {
      return Optional.empty();
    }
    Map<String, String> carrier = Map.of(TRACEPARENT, new String(h.value(), UTF_8));
    SpanContext context =
        Span.fromContext(W3C.extract(Context.root(), carrier, MapGetter.INSTANCE)).getSpanContext();
    return context.isValid() ? Optional.of(context) : Optional.empty();
  }

  /** {@code context} as a {@code traceparent} value ({@code 00-trace-span-flags}). */
  public static String traceparent(SpanContext context) {
    Map<String, String> carrier = new HashMap<>();
    W3C.inject(Context.root().with(Span.wrap(context)), carrier, MapSetter.INSTANCE);
    return carrier.get(TRACEPARENT);
  }

  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  }

  private enum MapSetter implements TextMapSetter<Map<String, String>> {
    INSTANCE;

    @Override
    public void set(Map<String, String> carrier, String key, String value) {
      if (carrier != null) {
        carrier.put(key, value);
      }
    }
  }
}
