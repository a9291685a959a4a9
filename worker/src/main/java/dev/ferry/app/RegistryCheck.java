package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.RegistrySettings;
import dev.ferry.format.RegistryClient;
import dev.ferry.format.RegistryUnavailableException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ferry check}'s look at the schema registry: for each pipeline with a registry format, the
 * latest schema of each of its topics' subjects (listed, or matched by its topic pattern now)
 * ({@code TOPIC-value}, and {@code TOPIC-key} with a registry key format, as Confluent's default
 * TopicNameStrategy names them). A missing subject is a problem; so is an unreachable registry,
 * reported once.
 */
final class RegistryCheck {
  private RegistryCheck() {}

  static void check(FerryConfig settings, PrintWriter out, List<String> problems) {
    check(settings, List.of(), out, problems);
  }

  /**
   * As {@link #check(FerryConfig, PrintWriter, List)}, also for the subjects of {@code matched}:
   * the topics the topic patterns match now.
   */
  static void check(
      FerryConfig settings, List<String> matched, PrintWriter out, List<String> problems) {
    if (settings.registry().isEmpty()) {
      return;
    }
    RegistrySettings registry = settings.registry().get();
    RegistryClient client;
    try {
      client = new RegistryClient(registry);
    } catch (IllegalStateException e) {
      out.println("registry   PROBLEM: " + e.getMessage());
      problems.add(e.getMessage());
      return;
    }
    List<String> subjects = subjects(settings, matched);
    if (subjects.isEmpty()) {
      out.println("registry   configured at " + registry.url() + ", used by no pipeline");
      return;
    }
    for (String subject : subjects) {
      try {
        Optional<RegistryClient.Latest> latest = client.latest(subject);
        if (latest.isPresent()) {
          out.println(
              "registry   ok: "
                  + subject
                  + " (schema id "
                  + latest.get().id()
                  + ", version "
                  + latest.get().version()
                  + ")");
        } else {
          String problem =
              "subject " + subject + " is not in the schema registry at " + registry.url();
          out.println("registry   PROBLEM: " + problem);
          problems.add(problem);
        }
      } catch (RegistryUnavailableException e) {
        out.println("registry   UNREACHABLE: " + e.getMessage());
        problems.add(e.getMessage());
        return;
      }
    }
  }

  /** The subjects the registry-format pipelines read, in config order. */
  private static List<String> subjects(FerryConfig settings, List<String> matched) {
    List<String> subjects = new ArrayList<>();
    for (PipelineSettings p : settings.pipelines()) {
      List<String> topics = new ArrayList<>(p.topics());
      matched.stream()
          .filter(t -> settings.pipelineOf(t).map(o -> o.name().equals(p.name())).orElse(false))
          .forEach(topics::add);
      for (String topic : topics) {
        if (p.format().usesRegistry()) {
          subjects.add(topic + "-value");
        }
        if (p.keyFormat().usesRegistry()) {
          subjects.add(topic + "-key");
        }
      }
    }
    return subjects;
  }
}
