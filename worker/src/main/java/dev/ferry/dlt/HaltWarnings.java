package dev.ferry.dlt;

import dev.ferry.bookkeeping.PipelineHalts;
import dev.ferry.config.FerryConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * What {@code ferry dlt replay} says about the pipelines it feeds that a running worker's
 * dead-letter breaker halted: what it sends them waits, silently, until they are resumed.
 */
public final class HaltWarnings {
  private HaltWarnings() {}

  /**
   * One line per halted pipeline among those the replay feeds: the pipelines of the input topics
   * whose DLT is replayed, or of the {@code --target} topic (listed or matched by a topic pattern).
   * When no listed input topic's DLT is among them (DLTs named with {@code --topic}, or of topics a
   * pattern matched), every pipeline.
   */
  public static List<String> of(
      DataSource db, FerryConfig config, List<String> dlts, Optional<String> target)
      throws SQLException {
    Set<String> pipelines = new TreeSet<>();
    target.flatMap(config::pipelineOf).ifPresent(p -> pipelines.add(p.name()));
    for (String input : config.inputTopics()) {
      boolean fed =
          target.isPresent()
              ? target.get().equals(input)
              : dlts.contains(config.deadLetter().topicFor(input));
      if (fed) {
        pipelines.add(config.pipelineFor(input).name());
      }
    }
    if (pipelines.isEmpty() && target.isEmpty()) {
      config.pipelines().forEach(p -> pipelines.add(p.name())); // DLTs named with --topic
    }
    List<String> lines = new ArrayList<>();
    for (PipelineHalts.Halt h : PipelineHalts.current(db, config.kafka().groupId(), pipelines)) {
      lines.add(
          String.format(
              "warning: pipeline %s is halted by the dead-letter breaker of worker %s since %s"
                  + " (%s): what this replay sends it waits until an operator resumes it (POST"
                  + " /pipelines/%s/resume on that worker) or the worker restarts",
              h.pipeline(), h.owner(), h.since(), Printable.escape(h.reason()), h.pipeline()));
    }
    return lines;
  }
}
