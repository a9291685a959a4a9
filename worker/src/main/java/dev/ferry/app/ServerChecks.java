package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TargetSettings;
import dev.ferry.pipeline.SchemaValidator;
import dev.ferry.sink.SinkSetupException;
import dev.ferry.sink.TableWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * What {@code run} checks, read-only, before it changes anything (Ferry's schema, dead-letter
 * topics): that the target tables and columns exist and can be written, that the input topics
 * exist, and that the JSON Schema files can be used. Each returns every problem it finds, worded as
 * {@code ferry check} words them.
 */
final class ServerChecks {
  private ServerChecks() {}

  /**
   * Every problem of the three kinds below, in this order: targets, input topics, schemas.
   *
   * @throws StartupException when Postgres or Kafka cannot be read (not a config mistake)
   */
  static List<String> all(DataSource dataSource, Admin admin, FerryConfig config)
      throws StartupException {
    List<String> problems = new ArrayList<>(targetProblems(dataSource, config.pipelines()));
    problems.addAll(
        missingInputTopics(admin, config.inputTopics(), config.kafka().timeouts().api()));
    problems.addAll(schemaProblems(config.pipelines()));
    return problems;
  }

  /**
   * Every target table or column of {@code pipelines} that is missing or cannot be written, and
   * every table {@code auto-create} should create in a Postgres schema that does not exist. The
   * tables of a template, and a fixed table Ferry may create, are described when their first record
   * arrives instead.
   */
  static List<String> targetProblems(DataSource dataSource, List<PipelineSettings> pipelines)
      throws StartupException {
    List<String> problems = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      for (PipelineSettings p : pipelines) {
        if (RoutedTablesCheck.creatable(p)) {
          RoutedTablesCheck.uncreatable(c, p).ifPresent(problems::add);
        }
        for (TargetSettings target : p.fixedTargets()) {
          try {
            TableWriter.describe(c, p, target);
          } catch (SinkSetupException e) {
            problems.add(e.getMessage());
          }
        }
      }
    } catch (SQLException e) {
      throw new StartupException("cannot read table definitions: " + e.getMessage(), e);
    }
    return problems;
  }

  /** Every pipeline whose JSON Schema file cannot be read or used. */
  static List<String> schemaProblems(List<PipelineSettings> pipelines) {
    List<String> problems = new ArrayList<>();
    for (PipelineSettings p : pipelines) {
      p.schema()
          .ifPresent(
              file -> {
                try {
                  SchemaValidator.load(Path.of(file));
                } catch (IllegalArgumentException e) {
                  problems.add("pipeline " + p.name() + ": " + e.getMessage());
                }
              });
    }
    return problems;
  }

  /**
   * Every input topic that does not exist. Ferry never creates input topics (and its consumer does
   * not let the broker auto-create them): a missing one is most often a misspelled name, which no
   * waiting would cure.
   */
  static List<String> missingInputTopics(Admin admin, Collection<String> topics, Duration timeout)
      throws StartupException {
    try {
      Set<String> existing =
          admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return topics.stream()
          .filter(t -> !existing.contains(t))
          .map(
              t ->
                  "input topic "
                      + t
                      + " does not exist (Ferry does not create input topics; check the"
                      + " pipeline's topics or create it)")
          .toList();
    } catch (ExecutionException | TimeoutException e) {
      throw new StartupException("cannot list Kafka's topics: " + FerryWorker.rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while listing Kafka's topics", e);
    }
  }
}
