package dev.ferry.health;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Why the worker is not ready, as a set of short reasons ({@code sink-unavailable}, {@code
 * draining}, {@code pipeline-halted:events} …). Ready when the set is empty. Thread-safe.
 */
public final class Readiness {
  private final SortedSet<String> reasons = new TreeSet<>();

  public synchronized void set(String reason, boolean active) {
    if (active) {
      reasons.add(reason);
    } else {
      reasons.remove(reason);
    }
  }

  public synchronized boolean isReady() {
    return reasons.isEmpty();
  }

  public synchronized Set<String> reasons() {
    return Set.copyOf(reasons);
  }

  public synchronized boolean has(String reason) {
    return reasons.contains(reason);
  }
}
