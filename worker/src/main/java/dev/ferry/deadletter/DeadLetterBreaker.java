package dev.ferry.deadletter;

import dev.ferry.config.DeadLetterSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The dead-letter circuit breaker: halts a pipeline that dead-letters more than {@code max-share}
 * of a full window of its most recent records, or {@code max-consecutive} records in a row, so that
 * a broken producer or a schema change fills the DLT with a handful of records instead of a whole
 * topic. A halted pipeline stays halted until {@link #resume} (an operator) or a restart. It also
 * holds the halts of pipelines whose dead letter the DLT refused ({@link #halt}). Thread-safe.
 */
public final class DeadLetterBreaker {
  private final DeadLetterSettings.Breaker settings;
  private final BiConsumer<String, String> onHalt;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final Map<String, String> halted = new ConcurrentHashMap<>();
  private final Map<String, String> haltKinds = new ConcurrentHashMap<>();

  /**
   * @param onHalt called once per halt with the pipeline and the reason
   */
  public DeadLetterBreaker(DeadLetterSettings.Breaker settings, BiConsumer<String, String> onHalt) {
    this.settings = settings;
    this.onHalt = onHalt;
  }

  /** The outcome ring of one pipeline. */
  private static final class Window {
    private final boolean[] bad;
    private int next;
    private int filled;
    private int badInWindow;
    private int consecutive;

    Window(int size) {
      bad = new boolean[size];
    }

    synchronized void add(boolean isBad, int times) {
      for (int i = 0; i < times; i++) {
        if (filled == bad.length && bad[next]) {
          badInWindow--;
        }
        bad[next] = isBad;
        if (isBad) {
          badInWindow++;
        }
        next = (next + 1) % bad.length;
        filled = Math.min(filled + 1, bad.length);
      }
      consecutive = isBad ? consecutive + times : 0;
    }

    synchronized String verdict(DeadLetterSettings.Breaker s) {
      if (consecutive >= s.maxConsecutive()) {
        return consecutive
            + " records in a row were dead-lettered (max-consecutive "
            + s.maxConsecutive()
            + ")";
      }
      if (filled == bad.length && badInWindow > s.maxShare() * bad.length) {
        return badInWindow
            + " of the last "
            + bad.length
            + " records were dead-lettered"
            + " (max-share "
            + s.maxShare()
            + ")";
      }
      return null;
    }

    synchronized void reset() {
      java.util.Arrays.fill(bad, false);
      next = 0;
      filled = 0;
      badInWindow = 0;
      consecutive = 0;
    }
  }

  private Window window(String pipeline) {
    return windows.computeIfAbsent(pipeline, p -> new Window(settings.window()));
  }

  /** Records applied (or skipped) without a dead letter. */
  public void recordApplied(String pipeline, int records) {
    if (records > 0) {
      window(pipeline).add(false, records);
    }
  }

  /**
   * Records one dead letter; may halt the pipeline.
   *
   * @return true if the pipeline is halted now
   */
  public boolean recordDeadLettered(String pipeline) {
    Window w = window(pipeline);
    w.add(true, 1);
    if (!settings.enabled() || halted.containsKey(pipeline)) {
      return halted.containsKey(pipeline);
    }
    String reason = w.verdict(settings);
    if (reason != null && halted.putIfAbsent(pipeline, reason) == null) {
      onHalt.accept(pipeline, reason);
    }
    return halted.containsKey(pipeline);
  }

  /**
   * Halts a pipeline whatever its window says, for a reason other than the breaker's own: a dead
   * letter of it that its topic refuses. The {@code onHalt} callback is not called; the caller
   * reports the halt. Lifted by {@link #resume} like any halt.
   *
   * @param kind the readiness reason without the pipeline, e.g. {@code dead-letter-too-large}
   * @return true if this call halted it, false if it was halted already
   */
  public boolean halt(String pipeline, String kind, String why) {
    if (halted.putIfAbsent(pipeline, why) != null) {
      return false;
    }
    haltKinds.put(pipeline, kind);
    return true;
  }

  /** Whether the pipeline is halted by {@link #halt} with this kind. */
  public boolean isHaltedFor(String pipeline, String kind) {
    return halted.containsKey(pipeline) && kind.equals(haltKinds.get(pipeline));
  }

  public boolean isHalted(String pipeline) {
    return halted.containsKey(pipeline);
  }

  /**
   * Lifts the halt of a pipeline and starts its window afresh.
   *
   * @return false if the pipeline was not halted
   */
  public boolean resume(String pipeline) {
    boolean was = halted.remove(pipeline) != null;
    haltKinds.remove(pipeline);
    if (was) {
      window(pipeline).reset();
    }
    return was;
  }
}
