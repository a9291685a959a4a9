package dev.ferry.sink;

import dev.ferry.config.TableName;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables looked up per record (routed, or created under {@code auto-create}) that were found
 * dropped while Ferry ran, by target key ({@link PostgresSink#targetKey}). Such a table counts as
 * missing to its next lookup, so that it is created again where the pipeline may, and the records
 * whose rows were built for it are routed again. Thread-safe.
 */
final class DroppedTables {
  private static final Logger log = LoggerFactory.getLogger(DroppedTables.class);

  private final Set<String> targets = ConcurrentHashMap.newKeySet();

  boolean contains(String target) {
    return !targets.isEmpty() && targets.contains(target);
  }

  /** Takes {@code target} as dropped, and says so once (WARN). */
  void add(String target, String pipeline, TableName table, String noticedOn) {
    if (targets.add(target)) {
      log.warn(
          "table {} of pipeline {} was dropped (noticed on {}): its records look it up again; it is"
              + " created again where the pipeline may (auto-create), else they are dead-lettered"
              + " as table-missing until it exists",
          table,
          pipeline,
          noticedOn);
    }
  }

  /** {@code target} was described anew: no longer dropped. */
  void remove(String target) {
    targets.remove(target);
  }

  /** Those of {@code among} that are dropped, in their order. */
  Set<String> among(Collection<String> among) {
    if (targets.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String target : among) {
      if (targets.contains(target)) {
        out.add(target);
      }
    }
    return out;
  }
}
