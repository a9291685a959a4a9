package dev.ferry.dlt;

import java.util.List;

/**
 * What a replay asks for, as the operator typed it: the identity a replay name keeps across runs
 * (not the pace or the cap, which a rerun may change).
 *
 * @param filter the filter options as typed, e.g. {@code reason=x since=2h}; times given as ages
 *     stay ages, so a rerun with the same options asks for the same
 */
public record ReplayRequest(List<String> dltTopics, String target, String filter, boolean reapply) {
  public ReplayRequest {
    dltTopics = List.copyOf(dltTopics);
  }

  /** The canonical text kept in {@code ferry.replay_audit.request} and compared across runs. */
  public String describe() {
    return "dlt="
        + String.join(",", dltTopics.stream().sorted().toList())
        + " target="
        + target
        + " filter="
        + (filter.isEmpty() ? "all" : filter)
        + (reapply ? " reapply" : "");
  }
}
