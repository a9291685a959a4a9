package dev.ferry.app;

import dev.ferry.bookkeeping.PipelinePauses.Pause;
import java.util.Optional;

/** One pipeline's state as JSON, for {@code GET /pipelines}. */
final class PipelineStates {
  private PipelineStates() {}

  /**
   * {@code {"pipeline":NAME,"state":"running|paused|halted","paused":{…}|null,"halted":bool}}; a
   * pipeline both paused and halted is {@code paused} (the operator's pause outlives the halt).
   */
  static String json(String name, Optional<Pause> pause, boolean halted) {
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
        + "}";
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
