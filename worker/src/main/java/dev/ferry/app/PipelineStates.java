package dev.ferry.app;

import dev.ferry.bookkeeping.PipelinePauses.Pause;
import dev.ferry.bookkeeping.PipelineRateLimits.RateOverride;
import dev.ferry.config.RateLimit;
import java.util.Optional;

/** One pipeline's state as JSON, for {@code GET /pipelines}. */
final class PipelineStates {
  private PipelineStates() {}

  /**
   * {@code {"pipeline":NAME,"state":"running|paused|halted","paused":{…}|null,"halted":bool,
   * "rate-limit":{"records-per-second":N|null,"max-transactions":M|null,"source":"config|override",
   * "set-at":…,"set-by":…}}}; a pipeline both paused and halted is {@code paused} (the operator's
   * pause outlives the halt); {@code set-at} and {@code set-by} are there for an override only.
   */
  static String json(
      String name,
      Optional<Pause> pause,
      boolean halted,
      RateLimit limit,
      Optional<RateOverride> override) {
    String state = pause.isPresent() ? "paused" : halted ? "halted" : "running";
    String paused =
        pause
            .map(
                p ->
                    "{\"since\":"
                        + quote(p.since().toString())
                        + ",\"by\":"
                        + quote(p.by())
                        + ",\"reason\":"
                        + quote(p.reason())
                        + "}")
            .orElse("null");
    return "{\"pipeline\":"
        + quote(name)
        + ",\"state\":\""
        + state
        + "\",\"paused\":"
        + paused
        + ",\"halted\":"
        + halted
        + ",\"rate-limit\":"
        + rateLimit(limit, override)
        + "}";
  }

  private static String rateLimit(RateLimit limit, Optional<RateOverride> override) {
    String values = limit.json();
    String source =
        override
            .map(
                o ->
                    ",\"source\":\"override\",\"set-at\":"
                        + quote(o.setAt().toString())
                        + ",\"set-by\":"
                        + quote(o.setBy()))
            .orElse(",\"source\":\"config\"");
    return values.substring(0, values.length() - 1) + source + "}";
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
