package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.config.CdcSettings;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TargetSettings;
import dev.ferry.config.TopicRouting;
import dev.ferry.deadletter.MessageSizes;
import dev.ferry.sink.SinkSetupException;
import dev.ferry.sink.TableWriter;
import dev.ferry.tracing.TracingSdk;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry check}: validates the config, reaches Kafka and Postgres (and the schema registry,
 * for the subjects of registry-format pipelines), and checks that every input topic, target table
 * and column exists; lists the topics each topic pattern matches now; reports the dead-letter
 * topics and Ferry's schema. Changes nothing. Exit 0 when everything is in place, 1 when something
 * is not, 2 for a bad config. Each call to Kafka waits at most {@code kafka.api-timeout}, as {@code
 * run} does at start; Postgres is bounded by the {@code database.*-timeout} settings of the pool.
 */
@Command(
    name = "check",
    description = "Check the config, Kafka, Postgres, topics and tables; change nothing.",
    mixinStandardHelpOptions = true)
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<FerryConfig> loaded = config.load(spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ExitCodes.BAD_CONFIG;
    }
    FerryConfig settings = loaded.get();
    out.println("config     ok: " + settings.pipelines().size() + " pipeline(s)");
    List<String> problems = new ArrayList<>();
    checkPostgres(settings, out, problems);
    List<String> matched = checkKafka(settings, out, problems);
    checkTracing(settings, out, problems);
    RegistryCheck.check(settings, matched, out, problems);
    if (problems.isEmpty()) {
      out.println("result     ok");
      return ExitCodes.OK;
    }
    out.println("result     " + problems.size() + " problem(s):");
    problems.forEach(p -> out.println("  - " + p));
    return ExitCodes.FAILURE;
  }

  private static void checkPostgres(FerryConfig settings, PrintWriter out, List<String> problems) {
    try (HikariDataSource db = ConnectionPools.open(settings, 1);
        Connection c = db.getConnection()) {
      out.println(
          "postgres   ok: "
              + c.getMetaData().getDatabaseProductName()
              + " "
              + c.getMetaData().getDatabaseProductVersion());
      out.println("timeouts   " + serverTimeouts(c));
      int version = Migrations.currentVersion(c);
      out.println(
          "schema     ferry at version "
              + version
              + " of "
              + Migrations.latestVersion()
              + (version < Migrations.latestVersion() ? " (run or migrate upgrades it)" : ""));
      for (PipelineSettings p : settings.pipelines()) {
        p.tableTemplate().ifPresent(t -> RoutedTablesCheck.report(c, p, t, out, problems));
        for (TargetSettings target : p.fixedTargets()) {
          try {
            TableWriter writer = TableWriter.describe(c, p, target);
            out.println(
                "table      ok: "
                    + target.table()
                    + " (pipeline "
                    + p.name()
                    + ")"
                    + (p.cdc().isPresent() ? changeEvents(writer, target) : ""));
          } catch (SinkSetupException e) {
            out.println("table      PROBLEM: " + e.getMessage());
            problems.add(e.getMessage());
          }
        }
      }
    } catch (StartupException | SQLException e) {
      out.println("postgres   UNREACHABLE: " + e.getMessage());
      problems.add("cannot reach Postgres: " + e.getMessage());
    }
  }

  /**
   * The bounds the server applies to Ferry's sessions, read back: what {@code database.*-timeout}
   * set, unless the URL, the role or the database overrides it.
   */
  private static String serverTimeouts(Connection c) throws SQLException {
    StringBuilder text = new StringBuilder();
    try (Statement s = c.createStatement()) {
      for (String setting :
          List.of("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")) {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
          rs.next();
          text.append(text.length() == 0 ? "" : ", ")
              .append(setting)
              .append(' ')
              .append(rs.getString(1));
        }
      }
    }
    return text.toString();
  }

  private static void checkTracing(FerryConfig settings, PrintWriter out, List<String> problems) {
    if (!settings.tracing().enabled()) {
      out.println("tracing    off");
      return;
    }
    try (TracingSdk sdk = TracingSdk.start(settings.tracing(), settings.kafka().groupId(), 1)) {
      out.println("tracing    ok: " + sdk.exporter());
    } catch (IllegalStateException e) {
      out.println("tracing    PROBLEM: " + e.getMessage());
      problems.add(e.getMessage());
    }
  }

  /**
   * Warns (without failing the check) about each existing DLT that takes smaller records than its
   * input topic plus Ferry's headers: a bad record near the input's limit would halt its pipeline
   * (readiness {@code dead-letter-too-large:PIPELINE}) until the DLT's limit is raised.
   */
  private static void checkDeadLetterSizes(
      Admin admin,
      FerryConfig settings,
      List<String> present,
      Set<String> existing,
      PrintWriter out)
      throws Exception {
    Duration timeout = settings.kafka().timeouts().api();
    List<String> sized = new ArrayList<>(present);
    present.stream()
        .map(settings.deadLetter()::topicFor)
        .filter(existing::contains)
        .forEach(sized::add);
    Map<String, Integer> limits = MessageSizes.maxMessageBytes(admin, sized, timeout);
    for (String topic : present) {
      String dlt = settings.deadLetter().topicFor(topic);
      Integer input = limits.get(topic);
      Integer dltLimit = limits.get(dlt);
      if (input == null || dltLimit == null) {
        continue;
      }
      int needed = MessageSizes.deadLetterLimitFor(input);
      if (dltLimit < needed) {
        out.println(
            "dlt        WARNING: "
                + dlt
                + " takes records of up to "
                + dltLimit
                + " bytes (max.message.bytes), less than "
                + needed
                + " for a record of "
                + topic
                + " ("
                + input
                + ") with Ferry's headers; a bad record that large would halt its pipeline until"
                + " the limit is raised (kafka-configs.sh --alter --entity-type topics"
                + " --entity-name "
                + dlt
                + " --add-config max.message.bytes="
                + needed
                + ")");
      }
    }
  }

  /** What a change-event pipeline's table gets: its key and its columns, listed or by name. */
  static String changeEvents(TableWriter writer, TargetSettings target) {
    List<String> byName = new java.util.ArrayList<>(writer.coercer().columnNames());
    byName.removeAll(target.columns().keySet());
    return ": change events upserted by "
        + writer.coercer().keyColumns().stream().map(k -> k.name()).toList()
        + ", columns by name "
        + byName
        + (target.columns().isEmpty() ? "" : ", listed " + target.columns().keySet());
  }

  /**
   * The topics that the topic patterns match now, each pattern's listed (or said to match none,
   * which is not a problem: a topic created later that matches is consumed then).
   */
  private static List<String> matchedTopics(
      FerryConfig settings, Set<String> existing, PrintWriter out) {
    TopicRouting routing = settings.routing();
    List<String> matched = new ArrayList<>();
    for (PipelineSettings p : settings.pipelines()) {
      if (p.topicPattern().isEmpty()) {
        continue;
      }
      List<String> topics = routing.consumedBy(p, existing);
      out.println(
          "pattern    "
              + p.topicPattern().get()
              + " (pipeline "
              + p.name()
              + ") "
              + (topics.isEmpty()
                  ? "matches no topic now; topics created later that match are consumed then"
                  : "matches " + topics.size() + " topic(s) now: " + String.join(", ", topics)));
      matched.addAll(topics);
    }
    return matched;
  }

  /**
   * @return the topics the topic patterns match now (none when Kafka could not be read)
   */
  private static List<String> checkKafka(
      FerryConfig settings, PrintWriter out, List<String> problems) {
    KafkaClients clients = new KafkaClients(settings.kafka(), settings.deadLetter().sendTimeout());
    KafkaConnectionWarnings quiet = KafkaConnectionWarnings.heldBack();
    long timeoutMs = settings.kafka().timeouts().api().toMillis();
    try (Admin admin = clients.admin()) {
      int brokers = admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
      out.println(
          "kafka      ok: " + brokers + " broker(s) at " + settings.kafka().bootstrapServers());
      Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
      List<String> matched = matchedTopics(settings, existing, out);
      List<String> inputs = new ArrayList<>(settings.inputTopics());
      inputs.addAll(matched);
      List<String> present = inputs.stream().filter(existing::contains).toList();
      Map<String, TopicDescription> described =
          admin.describeTopics(present).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
      for (String topic : inputs) {
        String dlt = settings.deadLetter().topicFor(topic);
        if (!existing.contains(topic)) {
          out.println("topic      MISSING: " + topic);
          problems.add("input topic " + topic + " does not exist");
          continue;
        }
        int partitions = described.get(topic).partitions().size();
        out.println("topic      ok: " + topic + " (" + partitions + " partitions)");
        PipelineSettings pipeline = settings.pipelineFor(topic);
        if (partitions > 1
            && pipeline.cdc().map(c -> c.truncate() == CdcSettings.Truncate.APPLY).orElse(false)) {
          out.println(
              "truncate   WARNING: "
                  + topic
                  + " has "
                  + partitions
                  + " partitions: a truncate event is ordered only against the changes of its own"
                  + " partition, so truncate: apply may delete rows changed after it (see"
                  + " docs/cdc.md)");
        }
        out.println(
            "dlt        "
                + (existing.contains(dlt)
                    ? "ok: " + dlt
                    : "absent: " + dlt + " (created at start with " + partitions + " partitions)"));
      }
      checkDeadLetterSizes(admin, settings, present, existing, out);
      return matched;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Optional<String> refused = clients.authenticationFailure(e);
      if (refused.isPresent()) {
        out.println("kafka      AUTHENTICATION FAILED: " + refused.get());
        problems.add(refused.get());
        return List.of();
      }
      String reason = unreachable(settings, e);
      out.println("kafka      UNREACHABLE: " + reason);
      problems.add(reason);
      return List.of();
    } finally {
      quiet.close();
    }
  }

  /**
   * Why Kafka could not be reached, with the address: no broker answered in time, or the client's
   * own reason (an address that does not resolve, a refused TLS handshake …).
   */
  private static String unreachable(FerryConfig settings, Exception e) {
    String bootstrapServers = settings.kafka().bootstrapServers();
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return KafkaReach.unreachable(bootstrapServers, settings.kafka().timeouts().api());
    }
    return "cannot reach Kafka at " + bootstrapServers + ": " + FerryWorker.rootMessage(e);
  }
}
