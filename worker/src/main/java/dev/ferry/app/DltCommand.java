package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.config.FerryConfig;
import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.dlt.AppliedOrigins;
import dev.ferry.dlt.DeadLetterInfo;
import dev.ferry.dlt.DeadLetterText;
import dev.ferry.dlt.DltException;
import dev.ferry.dlt.DltFilter;
import dev.ferry.dlt.DltOptions;
import dev.ferry.dlt.DltOptionsException;
import dev.ferry.dlt.DltScanner;
import dev.ferry.dlt.DltStats;
import dev.ferry.dlt.HaltWarnings;
import dev.ferry.dlt.ListCount;
import dev.ferry.dlt.Printable;
import dev.ferry.dlt.ReplayAudit;
import dev.ferry.dlt.ReplayNames;
import dev.ferry.dlt.ReplayPlan;
import dev.ferry.dlt.ReplayProgress;
import dev.ferry.dlt.ReplayRequest;
import dev.ferry.dlt.Replayer;
import dev.ferry.lifecycle.StopSignal;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry dlt stats|list|replay}: the operator's tools for dead-letter topics. Exit codes: 0
 * done (also for an empty DLT), 1 a topic is missing or Kafka/Postgres failed, 2 a bad config or
 * bad options.
 */
@Command(
    name = "dlt",
    description = "Inspect and replay dead-letter topics.",
    mixinStandardHelpOptions = true,
    subcommands = {DltCommand.Stats.class, DltCommand.ListRecords.class, DltCommand.Replay.class})
final class DltCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: stats, list or replay");
  }

  /** Which DLTs: the ones named, or the DLT of every input topic of the config. */
  static final class Topics {
    @Option(
        names = "--topic",
        paramLabel = "TOPIC",
        description = "A dead-letter topic (repeatable). Default: the DLT of every input topic.")
    List<String> topics;

    List<String> resolve(FerryConfig config) {
      if (topics != null && !topics.isEmpty()) {
        return List.copyOf(topics);
      }
      List<String> all = new ArrayList<>();
      for (String input : config.inputTopics()) {
        String dlt = config.deadLetter().topicFor(input);
        if (!all.contains(dlt)) {
          all.add(dlt);
        }
      }
      return all;
    }
  }

  /** Which records of the DLTs. */
  static final class Filters {
    @Option(names = "--reason", paramLabel = "REASON", description = "Only this reason code.")
    String reason;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description = "Failed at or after: 2026-11-25T10:00:00Z, 2026-11-25 (UTC) or 2h (ago).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Failed at or before.")
    String until;

    @Option(names = "--key", paramLabel = "KEY", description = "Only records with this key.")
    String key;

    @Option(names = "--from-offset", paramLabel = "N", description = "DLT offsets from N.")
    Long fromOffset;

    @Option(names = "--to-offset", paramLabel = "N", description = "DLT offsets up to N.")
    Long toOffset;

    DltFilter parse(List<String> problems) {
      return DltFilter.parse(
          reason, since, until, key, fromOffset, toOffset, Clock.systemUTC(), problems);
    }

    /** The filter options as typed (ages stay ages), for comparing the runs of a replay name. */
    String spec() {
      List<String> parts = new ArrayList<>();
      Optional.ofNullable(reason).ifPresent(r -> parts.add("reason=" + r));
      Optional.ofNullable(since).ifPresent(t -> parts.add("since=" + t.trim()));
      Optional.ofNullable(until).ifPresent(t -> parts.add("until=" + t.trim()));
      Optional.ofNullable(key).ifPresent(k -> parts.add("key=" + k));
      Optional.ofNullable(fromOffset).ifPresent(o -> parts.add("from-offset=" + o));
      Optional.ofNullable(toOffset).ifPresent(o -> parts.add("to-offset=" + o));
      return String.join(" ", parts);
    }
  }

  /** The parts every subcommand shares: config, Kafka clients, error reporting. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigFileOption config;

    @Mixin Topics topics;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /**
     * Checks the command's own options, adding every problem to {@code problems}; called before the
     * config is read, so that bad options are reported at once and touch nothing.
     */
    void checkOptions(List<String> problems) {}

    @Override
    public final Integer call() {
      List<String> problems = new ArrayList<>();
      checkOptions(problems);
      if (!problems.isEmpty()) {
        err().println("ferry: " + new DltOptionsException(problems).getMessage());
        err().flush();
        return ExitCodes.BAD_CONFIG;
      }
      Optional<FerryConfig> loaded = config.load(err());
      if (loaded.isEmpty()) {
        return ExitCodes.BAD_CONFIG;
      }
      KafkaClients clients =
          new KafkaClients(loaded.get().kafka(), loaded.get().deadLetter().sendTimeout());
      try {
        return run(loaded.get(), clients);
      } catch (IllegalArgumentException e) {
        err().println("ferry: " + e.getMessage());
        return ExitCodes.BAD_CONFIG;
      } catch (DltException e) {
        err().println("ferry: " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err().println("ferry: interrupted");
        return ExitCodes.FAILURE;
      } catch (Exception e) {
        err().println("ferry: " + clients.authenticationFailure(e).orElse(e.toString()));
        return ExitCodes.FAILURE;
      } finally {
        out().flush();
        err().flush();
      }
    }

    abstract int run(FerryConfig config, KafkaClients clients) throws Exception;

    /**
     * Reads the selected DLTs to their current end with {@code visitor}.
     *
     * @return false, after saying so, when they hold no records
     */
    boolean readAll(FerryConfig config, KafkaClients clients, DltScanner.Visitor visitor)
        throws Exception {
      List<String> dlts = topics.resolve(config);
      try (Admin admin = clients.admin();
          KafkaConsumer<byte[], byte[]> consumer = clients.dltConsumer(Optional.empty())) {
        DltScanner scanner = new DltScanner(consumer, admin);
        DltScanner.Scope scope = scanner.scope(dlts);
        if (scope.size() == 0) {
          out().println(String.join(", ", dlts) + ": empty, no dead letters");
          return false;
        }
        scanner.scan(scope, Map.of(), visitor);
        return true;
      }
    }
  }

  @Command(
      name = "stats",
      description = "Count dead letters by reason, pipeline, original topic and stage.",
      mixinStandardHelpOptions = true)
  static final class Stats extends Base {
    @Override
    int run(FerryConfig config, KafkaClients clients) throws Exception {
      DltStats stats = new DltStats(topics.resolve(config));
      boolean any =
          readAll(
              config,
              clients,
              r -> {
                stats.add(r, DeadLetterInfo.of(r));
                return true;
              });
      if (any) {
        Optional<Set<FirstOrigin>> applied;
        String unknownWhy = "";
        try (HikariDataSource db = ConnectionPools.open(config, 1)) {
          applied =
              Optional.of(
                  new AppliedOrigins(db, config.kafka().groupId()).applied(stats.origins()));
        } catch (StartupException | SQLException e) {
          applied = Optional.empty();
          unknownWhy = "Postgres: " + FerryWorker.rootMessage(e);
        }
        stats.lines(applied, unknownWhy).forEach(out()::println);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      description = "List dead letters with their headers and a preview of the value.",
      mixinStandardHelpOptions = true)
  static final class ListRecords extends Base {
    @Mixin Filters filters;

    @Option(names = "--limit", paramLabel = "N", description = "At most N records (default 50).")
    int limit = 50;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description = "table (default) or json (one object per line, the whole value).")
    String format = "table";

    private DltFilter filter;

    @Override
    void checkOptions(List<String> problems) {
      filter = filters.parse(problems);
      DltOptions.list(limit, format, problems);
    }

    @Override
    int run(FerryConfig config, KafkaClients clients) throws Exception {
      PrintWriter out = out();
      long[] matching = {0};
      boolean any =
          readAll(
              config,
              clients,
              r -> {
                DeadLetterInfo info = DeadLetterInfo.of(r);
                if (!filter.matches(r, info)) {
                  return true;
                }
                // Read on past the limit, only to count what is not shown.
                if (++matching[0] <= limit) {
                  out.println(
                      format.equals("json")
                          ? DeadLetterText.json(r, info)
                          : DeadLetterText.line(r, info));
                }
                return true;
              });
      ListCount count = new ListCount(matching[0], limit);
      if (any && format.equals("table")) {
        out.println(count.line(filter));
      } else if (count.beyond() > 0) {
        err().println("ferry: " + count.beyondNote()); // standard output stays JSON lines
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "replay",
      description =
          "Copy dead letters back to their topics exactly once (Kafka transactions); resumable"
              + " with --name.",
      mixinStandardHelpOptions = true)
  static final class Replay extends Base {
    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Mixin Filters filters;

    @Option(names = "--dry-run", description = "Show what would be replayed; change nothing.")
    boolean dryRun;

    @Option(names = "--rate", paramLabel = "N", description = "At most N records per second.")
    double rate;

    @Option(
        names = "--target",
        paramLabel = "TOPIC",
        description =
            "original (default: each record's original topic, if the config consumes it) or a"
                + " topic name.")
    String target = "original";

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description =
            "Names the replay; a rerun with the same name and options resumes it where it stopped.")
    String name;

    @Option(
        names = "--max-replays",
        paramLabel = "N",
        description = "Records replayed N times already go to DLT.parked (default 3).")
    int maxReplays = 3;

    @Option(
        names = "--reapply",
        description =
            "Also replay dead letters whose original record a replay applied before, and have the"
                + " worker apply them again (a duplicate in a table without a unique key).")
    boolean reapply;

    @Option(
        names = "--continue",
        description =
            "Rerun a completed --name: read the dead letters that arrived since it completed.")
    boolean continueCompleted;

    private DltFilter filter;

    @Override
    void checkOptions(List<String> problems) {
      filter = filters.parse(problems);
      DltOptions.replay(rate, maxReplays, name, continueCompleted, problems);
    }

    @Override
    int run(FerryConfig config, KafkaClients clients) throws Exception {
      String replayName = name != null ? name : STAMP.format(Instant.now());
      String group = "ferry-replay-" + replayName;
      Optional<String> explicitTarget =
          target.equals("original") ? Optional.empty() : Optional.of(target);
      List<String> dlts = topics.resolve(config);
      ReplayRequest request = new ReplayRequest(dlts, target, filters.spec(), reapply);
      PrintWriter out = out();
      try (HikariDataSource db = ConnectionPools.open(config, 2)) {
        if (!dryRun) {
          Migrations.migrate(db);
        }
        ReplayNames.Decision decision =
            ReplayNames.decide(
                replayName,
                name == null ? Optional.empty() : new ReplayAudit(db).last(replayName),
                request,
                continueCompleted);
        if (decision.kind() == ReplayNames.Kind.REFUSE) {
          throw new DltOptionsException(List.of(decision.message()));
        }
        try (Admin admin = clients.admin();
            KafkaConsumer<byte[], byte[]> consumer = clients.dltConsumer(Optional.of(group))) {
          if (explicitTarget.isPresent()) {
            requireTopic(admin, explicitTarget.get());
          }
          DltScanner scanner = new DltScanner(consumer, admin);
          DltScanner.Scope scope = scanner.scope(dlts);
          Map<TopicPartition, OffsetAndMetadata> committed =
              consumer.committed(scope.end().keySet());
          Map<TopicPartition, Long> start = startOffsets(scope, committed);
          out.printf(
              "replay %s%s: %s (%d records now), filter: %s, target: %s%s%n",
              replayName,
              dryRun ? " (dry run: nothing is written)" : "",
              String.join(", ", dlts),
              scope.size(),
              Printable.escape(filter.describe()),
              target,
              reapply ? ", reapplying applied records" : "");
          if (decision.kind() != ReplayNames.Kind.NEW) {
            out.println(decision.message());
          } else if (committed.values().stream().anyMatch(c -> c != null)) {
            out.println("resuming after the offsets this replay committed before");
          }
          HaltWarnings.of(db, config, dlts, explicitTarget).forEach(out::println);
          ReplayPlan plan =
              ReplayPlan.read(
                  scanner, scope, start, filter, new AppliedOrigins(db, config.kafka().groupId()));
          Replayer.Options options =
              new Replayer.Options(
                  replayName,
                  filter,
                  explicitTarget,
                  maxReplays,
                  rate,
                  dryRun,
                  java.util.Set.copyOf(config.inputTopics()),
                  reapply,
                  plan);
          ReplayProgress progress = new ReplayProgress(err(), replayName, scope.size());
          // SIGTERM ends a --rate wait at once; what was committed stays, a rerun resumes.
          StopSignal stop = new StopSignal();
          Thread stopOnExit = new Thread(stop::stop, "ferry-replay-stop");
          Runtime.getRuntime().addShutdownHook(stopOnExit);
          try {
            return replay(
                db, request, clients, admin, consumer, scanner, scope, start, options, progress,
                stop);
          } finally {
            try {
              Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
              // the hook has run or is running
            }
          }
        }
      }
    }

    /** Where to read each partition from: after what this replay committed, and --from-offset. */
    private Map<TopicPartition, Long> startOffsets(
        DltScanner.Scope scope, Map<TopicPartition, OffsetAndMetadata> committed) {
      Map<TopicPartition, Long> start = new HashMap<>();
      for (TopicPartition tp : scope.end().keySet()) {
        OffsetAndMetadata c = committed.get(tp);
        long at = c == null ? 0 : c.offset();
        start.put(tp, Math.max(at, filter.fromOffset().orElse(0L)));
      }
      return start;
    }

    private int replay(
        HikariDataSource db,
        ReplayRequest request,
        KafkaClients clients,
        Admin admin,
        KafkaConsumer<byte[], byte[]> consumer,
        DltScanner scanner,
        DltScanner.Scope scope,
        Map<TopicPartition, Long> start,
        Replayer.Options options,
        ReplayProgress progress,
        StopSignal stop)
        throws Exception {
      PrintWriter out = out();
      String group = "ferry-replay-" + options.name();
      if (dryRun) {
        Replayer.Summary summary =
            new Replayer(
                    options,
                    admin,
                    Optional.empty(),
                    consumer.groupMetadata(),
                    progress::update,
                    (r, info, action) ->
                        out.println(
                            DeadLetterText.line(r, info)
                                + "  -> "
                                + (action.startsWith("skip: ") ? action : "would " + action)),
                    stop)
                .run(scanner, scope, start);
        progress.done();
        summary(out, summary, true);
        return ExitCodes.OK;
      }
      try (KafkaProducer<byte[], byte[]> producer = clients.replayProducer(group)) {
        ReplayAudit audit = new ReplayAudit(db);
        long auditId = audit.started(options.name(), request, options.filter(), maxReplays);
        producer.initTransactions();
        audit.supersede(options.name(), auditId);
        Replayer replayer =
            new Replayer(
                options,
                admin,
                Optional.of(producer),
                consumer.groupMetadata(),
                progress::update,
                (r, i, a) -> {},
                stop);
        Replayer.Summary summary;
        try {
          summary = replayer.run(scanner, scope, start);
        } catch (Exception e) {
          audit.finished(
              auditId, replayer.committed(), stop.isStopped() ? "stopped" : "failed", e.toString());
          throw e;
        }
        audit.finished(auditId, summary, "completed", null);
        progress.done();
        summary(out, summary, false);
        return ExitCodes.OK;
      }
    }

    private static void requireTopic(Admin admin, String topic) throws Exception {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        throw new DltException("target topic " + topic + " does not exist");
      }
    }

    private static void summary(PrintWriter out, Replayer.Summary s, boolean dryRun) {
      String verb = dryRun ? "would be " : "";
      out.printf("read       %d%n", s.read());
      out.printf("selected   %d%n", s.selected());
      out.printf("replayed   %d%s%n", s.replayed(), dryRun ? " (would be)" : "");
      out.printf(
          "parked     %d%s%n",
          s.parked(),
          s.parked() > 0 ? " (" + verb + "sent to DLT.parked: replayed --max-replays times)" : "");
      out.printf("skipped    %d%n", s.skippedTotal());
      s.skipped().forEach((why, n) -> out.printf("  %d: %s%n", n, why));
    }
  }
}
