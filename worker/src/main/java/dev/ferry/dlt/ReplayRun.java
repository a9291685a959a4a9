package dev.ferry.dlt;

import dev.ferry.bookkeeping.Migrations;
import dev.ferry.config.FerryConfig;
import dev.ferry.lifecycle.StopSignal;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * One {@code ferry dlt replay} run, from the operator's options to the summary: decides what the
 * replay name means ({@link ReplayNames}), reads the plan ({@link ReplayPlan}), warns about halted
 * pipelines, then copies with a {@link Replayer}, recording the run in {@code ferry.replay_audit}
 * (a dry run writes nothing, Ferry's schema included). SIGTERM ends a {@code --rate} wait at once;
 * what was committed stays and a rerun resumes. Every wait on Kafka is bounded by {@code
 * kafka.api-timeout}. Single use; not thread-safe.
 */
public final class ReplayRun {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * What the operator asked for.
   *
   * @param name {@code --name}; empty: a name from the clock, which no later run resumes
   * @param request the DLTs, target ({@code original} or a topic), filter as typed, reapply
   * @param filter the parsed filter
   * @param rate {@code --rate}, 0 for no limit
   * @param continueCompleted {@code --continue}
   */
  public record Options(
      Optional<String> name,
      ReplayRequest request,
      DltFilter filter,
      double rate,
      int maxReplays,
      boolean dryRun,
      boolean continueCompleted) {

    /** The topic named with {@code --target}; empty for each record's original topic. */
    Optional<String> explicitTarget() {
      return request.target().equals("original") ? Optional.empty() : Optional.of(request.target());
    }
  }

  /** What one run reads: the DLT scope, from where, and the clients reading it. */
  private record Reading(
      Admin admin,
      Consumer<byte[], byte[]> consumer,
      DltScanner scanner,
      DltScanner.Scope scope,
      Map<TopicPartition, Long> start) {}

  private final FerryConfig config;
  private final DltClients clients;
  private final DataSource db;
  private final Duration timeout;
  private final Clock clock;
  private final PrintWriter out;
  private final PrintWriter err;

  /**
   * @param db Ferry's database: the audit, the plan's applied origins, halted pipelines
   * @param clock names an unnamed run and paces {@code --rate}
   * @param out the report
   * @param err progress
   */
  public ReplayRun(
      FerryConfig config,
      DltClients clients,
      DataSource db,
      Clock clock,
      PrintWriter out,
      PrintWriter err) {
    this.config = config;
    this.clients = clients;
    this.db = db;
    this.timeout = config.kafka().timeouts().api();
    this.clock = clock;
    this.out = out;
    this.err = err;
  }

  /** The consumer group that keeps the progress of the replay named {@code name}. */
  public static String group(String name) {
    return "ferry-replay-" + name;
  }

  /**
   * Runs the replay and prints its summary.
   *
   * @throws DltOptionsException when the replay name cannot be used as asked (nothing was read)
   * @throws DltException when a topic is missing, Kafka stalls, or the run was stopped
   */
  public Replayer.Summary run(Options o) throws Exception {
    String name = o.name().orElseGet(() -> STAMP.format(clock.instant()));
    ReplayNames.Decision decision = decide(name, o);
    try (Admin admin = clients.admin();
        Consumer<byte[], byte[]> consumer = clients.dltConsumer(Optional.of(group(name)))) {
      if (o.explicitTarget().isPresent()) {
        requireTopic(admin, o.explicitTarget().get());
      }
      DltScanner scanner = new DltScanner(consumer, admin, timeout, clock);
      DltScanner.Scope scope = scanner.scope(o.request().dltTopics());
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(scope.end().keySet(), timeout);
      Reading reading =
          new Reading(admin, consumer, scanner, scope, startOffsets(scope, committed, o.filter()));
      out.println(ReplayText.header(name, o.dryRun(), o.request(), scope.size(), o.filter()));
      if (decision.kind() != ReplayNames.Kind.NEW) {
        out.println(decision.message());
      } else if (committed.values().stream().anyMatch(c -> c != null)) {
        out.println("resuming after the offsets this replay committed before");
      }
      HaltWarnings.of(db, config, o.request().dltTopics(), o.explicitTarget())
          .forEach(out::println);
      Replayer.Options options = replayerOptions(name, o, reading);
      ReplayProgress progress =
          new ReplayProgress(err, name, scope.size(), System.console() != null, clock);
      StopSignal stop = new StopSignal();
      return untilShutdown(
          stop,
          () ->
              o.dryRun()
                  ? dryRun(options, reading, progress, stop)
                  : replay(o, options, reading, progress, stop));
    }
  }

  /**
   * Migrates Ferry's schema (not for a dry run) and decides what the name means.
   *
   * @throws DltOptionsException when the name is refused
   */
  private ReplayNames.Decision decide(String name, Options o) throws Exception {
    if (!o.dryRun()) {
      Migrations.migrate(db);
    }
    ReplayNames.Decision decision =
        ReplayNames.decide(
            name,
            o.name().isEmpty() ? Optional.empty() : new ReplayAudit(db).last(name),
            o.request(),
            o.continueCompleted());
    if (decision.kind() == ReplayNames.Kind.REFUSE) {
      throw new DltOptionsException(List.of(decision.message()));
    }
    return decision;
  }

  /** The plan's first read, then what the replayer needs to know. */
  private Replayer.Options replayerOptions(String name, Options o, Reading r) throws Exception {
    ReplayPlan plan =
        ReplayPlan.read(
            r.scanner(),
            r.scope(),
            r.start(),
            o.filter(),
            new AppliedOrigins(db, config.kafka().groupId()));
    return new Replayer.Options(
        name,
        o.filter(),
        o.explicitTarget(),
        o.maxReplays(),
        o.rate(),
        o.dryRun(),
        config.routing()::consumes,
        o.request().reapply(),
        plan);
  }

  /** Where to read each partition from: after what this replay committed, and --from-offset. */
  static Map<TopicPartition, Long> startOffsets(
      DltScanner.Scope scope, Map<TopicPartition, OffsetAndMetadata> committed, DltFilter filter) {
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : scope.end().keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      long at = c == null ? 0 : c.offset();
      start.put(tp, Math.max(at, filter.fromOffset().orElse(0L)));
    }
    return start;
  }

  private Replayer.Summary dryRun(
      Replayer.Options options, Reading r, ReplayProgress progress, StopSignal stop)
      throws Exception {
    Replayer.Summary summary =
        new Replayer(
                options,
                new Replayer.Kafka(
                    r.admin(), Optional.empty(), r.consumer().groupMetadata(), timeout),
                progress::update,
                (record, info, action) -> out.println(ReplayText.dryRunLine(record, info, action)),
                stop,
                clock)
            .run(r.scanner(), r.scope(), r.start());
    finish(progress, summary, true);
    return summary;
  }

  private Replayer.Summary replay(
      Options o, Replayer.Options options, Reading r, ReplayProgress progress, StopSignal stop)
      throws Exception {
    try (Producer<byte[], byte[]> producer = clients.replayProducer(group(options.name()))) {
      ReplayAudit audit = new ReplayAudit(db);
      long auditId = audit.started(options.name(), o.request(), o.filter(), o.maxReplays());
      producer.initTransactions();
      audit.supersede(options.name(), auditId);
      Replayer replayer =
          new Replayer(
              options,
              new Replayer.Kafka(
                  r.admin(), Optional.of(producer), r.consumer().groupMetadata(), timeout),
              progress::update,
              (record, info, action) -> {},
              stop,
              clock);
      Replayer.Summary summary;
      try {
        summary = replayer.run(r.scanner(), r.scope(), r.start());
      } catch (Exception e) {
        String outcome = stop.isStopped() ? "stopped" : "failed";
        audit.finished(auditId, replayer.committed(), outcome, e.toString());
        throw e;
      }
      audit.finished(auditId, summary, "completed", null);
      finish(progress, summary, false);
      return summary;
    }
  }

  private void finish(ReplayProgress progress, Replayer.Summary summary, boolean dryRun) {
    progress.done();
    ReplayText.summary(summary, dryRun).forEach(out::println);
  }

  private void requireTopic(Admin admin, String topic) throws Exception {
    Set<String> topics = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!topics.contains(topic)) {
      throw new DltException("target topic " + topic + " does not exist");
    }
  }

  /** Runs {@code body} with a shutdown hook that stops it: SIGTERM ends a --rate wait at once. */
  private static <T> T untilShutdown(StopSignal stop, Callable<T> body) throws Exception {
    Thread stopOnExit = new Thread(stop::stop, "ferry-replay-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    try {
      return body.call();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook has run or is running
      }
    }
  }
}
