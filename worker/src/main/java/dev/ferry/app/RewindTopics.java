package dev.ferry.app;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TopicRouting;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** The topics a rewind moves: the pipeline's listed topics, or those its pattern matches now. */
final class RewindTopics {
  private RewindTopics() {}

  static List<String> of(Admin admin, PipelineSettings settings, long timeoutMs) throws Exception {
    if (settings.topicPattern().isEmpty()) {
      return List.copyOf(settings.topics());
    }
    Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
    return existing.stream()
        .filter(t -> !TopicRouting.isInternal(t))
        .filter(t -> settings.topicPattern().get().matches(t))
        .sorted()
        .toList();
  }
}
