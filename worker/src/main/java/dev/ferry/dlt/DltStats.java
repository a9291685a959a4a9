package dev.ferry.dlt;

import dev.ferry.deadletter.FirstOrigin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What {@code ferry dlt stats} prints: counts of dead letters by reason, pipeline, original topic,
 * stage, replays and header format, when they failed, and per DLT how many original records are
 * already applied by a replay and how many are outstanding. Every line is labelled in words, so it
 * reads without the docs. Not thread-safe.
 */
public final class DltStats {
  private static final String LABEL = "%-16s %s";

  private final List<String> topics;
  private final Map<String, Map<String, Long>> by = new LinkedHashMap<>();
  private final Map<String, Set<FirstOrigin>> originsByDlt = new TreeMap<>();
  private final Map<String, Long> withoutOrigin = new TreeMap<>();
  private long total;
  private Instant oldest = Instant.MAX;
  private Instant newest = Instant.MIN;

  public DltStats(List<String> topics) {
    this.topics = List.copyOf(topics);
    for (String dimension :
        List.of("reason", "pipeline", "original topic", "stage", "times replayed", "format")) {
      by.put(dimension, new TreeMap<>());
    }
  }

  /** Counts one dead letter. */
  public void add(ConsumerRecord<byte[], byte[]> record, DeadLetterInfo info) {
    total++;
    count("reason", info.reason());
    count("pipeline", info.pipeline());
    count("original topic", info.topic().orElse("unknown"));
    count("stage", info.stage());
    count("times replayed", replays(info.replayCount()));
    count("format", info.format());
    oldest = info.failedAt().isBefore(oldest) ? info.failedAt() : oldest;
    newest = info.failedAt().isAfter(newest) ? info.failedAt() : newest;
    if (info.firstOrigin().isPresent()) {
      originsByDlt
          .computeIfAbsent(record.topic(), t -> new HashSet<>())
          .add(info.firstOrigin().get());
    } else {
      withoutOrigin.merge(record.topic(), 1L, Long::sum);
    }
  }

  /** The original records of the dead letters counted, to ask which a replay applied. */
  public Set<FirstOrigin> origins() {
    Set<FirstOrigin> all = new HashSet<>();
    originsByDlt.values().forEach(all::addAll);
    return all;
  }

  /**
   * The report.
   *
   * @param applied which of {@link #origins} a replay applied; empty when it is not known, with
   *     {@code unknownWhy} saying why
   */
  public List<String> lines(Optional<Set<FirstOrigin>> applied, String unknownWhy) {
    List<String> out = new ArrayList<>();
    out.add(String.format(LABEL, "dead letters", total + " in " + String.join(", ", topics)));
    by.forEach((dimension, counts) -> out.add(String.format(LABEL, dimension, joined(counts))));
    out.add(String.format(LABEL, "failed", "oldest " + oldest + ", newest " + newest));
    for (String dlt : topics) {
      Set<FirstOrigin> origins = originsByDlt.getOrDefault(dlt, Set.of());
      long unknown = withoutOrigin.getOrDefault(dlt, 0L);
      if (origins.isEmpty() && unknown == 0) {
        continue;
      }
      String text;
      if (applied.isPresent()) {
        long done = origins.stream().filter(applied.get()::contains).count();
        text =
            origins.size()
                + " in "
                + dlt
                + ": "
                + done
                + " already applied by a replay, "
                + (origins.size() - done)
                + " outstanding";
      } else {
        text =
            origins.size() + " in " + dlt + ": unknown how many are applied (" + unknownWhy + ")";
      }
      if (unknown > 0) {
        text += "; " + unknown + " dead letters do not say their original record";
      }
      out.add(String.format(LABEL, "original records", text));
    }
    return out;
  }

  private void count(String dimension, String value) {
    by.get(dimension).merge(Printable.escape(value), 1L, Long::sum);
  }

  private static String replays(int n) {
    return switch (n) {
      case 0 -> "never";
      case 1 -> "once";
      default -> n + " times";
    };
  }

  private static String joined(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> parts.add(e.getKey() + ": " + e.getValue()));
    return String.join(", ", parts);
  }
}
