package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.TopicRouting;
import dev.ferry.deadletter.FirstOrigin;
import dev.ferry.dlt.AppliedOrigins;
import dev.ferry.dlt.DeadLetterInfo;
import dev.ferry.dlt.DltClients;
import dev.ferry.dlt.DltException;
import dev.ferry.dlt.DltFilter;
import dev.ferry.dlt.DltListing;
import dev.ferry.dlt.DltOptions;
import dev.ferry.dlt.DltOptionsException;
import dev.ferry.dlt.DltReader;
import dev.ferry.dlt.DltStats;
import dev.ferry.dlt.RegistryValues;
import dev.ferry.dlt.ReplayRequest;
import dev.ferry.dlt.ReplayRun;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry dlt stats|list|replay}: the operator's tools for dead-letter topics. This class
 * parses and checks the options, loads the config and maps outcomes to exit codes; the work itself
 * is in {@code dev.ferry.dlt}. Exit codes: 0 done (also for an empty DLT), 1 a topic is missing or
 * Kafka/Postgres failed, 2 a bad config or bad options ({@link DltOptionsException}).
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
        description =
            "A dead-letter topic (repeatable). Default: the DLT of every input topic, and the"
                + " existing DLT of every topic a topic-pattern matches now.")
    List<String> topics;

    List<String> resolve(FerryConfig config, KafkaClients clients) throws Exception {
      if (topics != null && !topics.isEmpty()) {
        return List.copyOf(topics);
      }
      List<String> inputs = new ArrayList<>(config.inputTopics());
      TopicRouting routing = config.routing();
      if (routing.hasPatterns()) {
        Set<String> existing;
        try (Admin admin = clients.admin()) {
          existing =
              admin
                  .listTopics()
                  .names()
                  .get(config.kafka().timeouts().api().toMillis(), TimeUnit.MILLISECONDS);
        }
        routing.consumedAmong(existing).stream()
            .filter(t -> !inputs.contains(t))
            .filter(t -> existing.contains(config.deadLetter().topicFor(t)))
            .forEach(inputs::add);
      }
      List<String> all = new ArrayList<>();
      for (String input : inputs) {
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

    /** Ages such as {@code 2h} count back from {@code clock}'s now. */
    DltFilter parse(Clock clock, List<String> problems) {
      return DltFilter.parse(reason, since, until, key, fromOffset, toOffset, clock, problems);
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

  /** The parts every subcommand shares: config, Kafka clients, error reporting, the clock. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigFileOption config;

    @Mixin Topics topics;

    /** The command's one source of time: filter ages, replay names, pacing, stalls. */
    Clock clock = Clock.systemUTC();

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
        return usageError(new DltOptionsException(problems));
      }
      Optional<FerryConfig> loaded = config.load(err());
      if (loaded.isEmpty()) {
        return ExitCodes.BAD_CONFIG;
      }
      KafkaClients clients =
          new KafkaClients(loaded.get().kafka(), loaded.get().deadLetter().sendTimeout());
      try {
        run(loaded.get(), clients);
        return ExitCodes.OK;
      } catch (DltOptionsException e) {
        return usageError(e);
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

    private int usageError(DltOptionsException e) {
      err().println("ferry: " + e.getMessage());
      err().flush();
      return ExitCodes.BAD_CONFIG;
    }

    /**
     * Does the command's work, printing its report.
     *
     * @throws DltOptionsException when the options turn out unusable (exit 2)
     * @throws DltException when a topic is missing or Kafka stalls (exit 1)
     */
    abstract void run(FerryConfig config, KafkaClients clients) throws Exception;

    /** Reads whole DLTs; every wait bounded by {@code kafka.api-timeout}. */
    DltReader reader(FerryConfig config, KafkaClients clients) {
      return new DltReader(dltClients(clients), config.kafka().timeouts().api(), clock);
    }
  }

  /** The clients of {@code ferry dlt}, as the config sets them up. */
  static DltClients dltClients(KafkaClients clients) {
    return new DltClients() {
      @Override
      public Admin admin() {
        return clients.admin();
      }

      @Override
      public Consumer<byte[], byte[]> dltConsumer(Optional<String> group) {
        return clients.dltConsumer(group);
      }

      @Override
      public Producer<byte[], byte[]> replayProducer(String transactionalId) {
        return clients.replayProducer(transactionalId);
      }
    };
  }

  @Command(
      name = "stats",
      description = "Count dead letters by reason, pipeline, original topic and stage.",
      mixinStandardHelpOptions = true)
  static final class Stats extends Base {
    @Override
    void run(FerryConfig config, KafkaClients clients) throws Exception {
      List<String> dlts = topics.resolve(config, clients);
      DltStats stats = new DltStats(dlts);
      boolean any =
          reader(config, clients)
              .readAll(
                  dlts,
                  out(),
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
      filter = filters.parse(clock, problems);
      DltOptions.list(limit, format, problems);
    }

    @Override
    void run(FerryConfig config, KafkaClients clients) throws Exception {
      DltListing listing = new DltListing(filter, limit, format, out(), RegistryValues.of(config));
      boolean any =
          reader(config, clients).readAll(topics.resolve(config, clients), out(), listing);
      listing.finish(any, err());
    }
  }

  @Command(
      name = "replay",
      description =
          "Copy dead letters back to their topics exactly once (Kafka transactions); resumable"
              + " with --name.",
      mixinStandardHelpOptions = true)
  static final class Replay extends Base {
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
      filter = filters.parse(clock, problems);
      DltOptions.replay(rate, maxReplays, name, continueCompleted, problems);
    }

    @Override
    void run(FerryConfig config, KafkaClients clients) throws Exception {
      ReplayRequest request =
          new ReplayRequest(topics.resolve(config, clients), target, filters.spec(), reapply);
      ReplayRun.Options options =
          new ReplayRun.Options(
              Optional.ofNullable(name),
              request,
              filter,
              rate,
              maxReplays,
              dryRun,
              continueCompleted);
      try (HikariDataSource db = ConnectionPools.open(config, 2)) {
        new ReplayRun(config, dltClients(clients), db, clock, out(), err()).run(options);
      }
    }
  }
}
