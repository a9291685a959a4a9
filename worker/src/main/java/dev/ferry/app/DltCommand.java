package dev.ferry.app;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.config.FerryConfig;
import dev.ferry.dlt.DeadLetterInfo;
import dev.ferry.dlt.DltException;
import dev.ferry.dlt.DltFilter;
import dev.ferry.dlt.DltScanner;
import dev.ferry.dlt.ReplayAudit;
import dev.ferry.dlt.Replayer;
import dev.ferry.lifecycle.StopSignal;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
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

    DltFilter parse() {
      return DltFilter.parse(reason, since, until, key, fromOffset, toOffset, Clock.systemUTC());
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

    @Override
    public final Integer call() {
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
      Map<String, Map<String, Long>> by = new TreeMap<>();
      Instant[] range = {Instant.MAX, Instant.MIN};
      long[] total = {0};
      boolean any =
          readAll(
              config,
              clients,
              r -> {
                DeadLetterInfo info = DeadLetterInfo.of(r);
                total[0]++;
                count(by, "1 reason", info.reason());
                count(by, "2 pipeline", info.pipeline());
                count(by, "3 topic", info.topic().orElse("?"));
                count(by, "4 stage", info.stage());
                count(by, "5 replays", String.valueOf(info.replayCount()));
                count(by, "6 format", info.format());
                range[0] = info.failedAt().isBefore(range[0]) ? info.failedAt() : range[0];
                range[1] = info.failedAt().isAfter(range[1]) ? info.failedAt() : range[1];
                return true;
              });
      if (any) {
        PrintWriter out = out();
        out.printf(
            "%-10s %d dead letters in %s%n",
            "dlt", total[0], String.join(", ", topics.resolve(config)));
        by.forEach(
            (dimension, counts) ->
                out.printf("%-10s %s%n", dimension.substring(2), joined(counts)));
        out.printf("%-10s oldest %s, newest %s%n", "failed", range[0], range[1]);
      }
      return ExitCodes.OK;
    }

    private static void count(Map<String, Map<String, Long>> by, String dimension, String value) {
      by.computeIfAbsent(dimension, d -> new TreeMap<>()).merge(value, 1L, Long::sum);
    }

    private static String joined(Map<String, Long> counts) {
      List<String> parts = new ArrayList<>();
      counts.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> parts.add(e.getKey() + " " + e.getValue()));
      return String.join(", ", parts);
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

    @Override
    int run(FerryConfig config, KafkaClients clients) throws Exception {
      DltFilter filter = filters.parse();
      if (!format.equals("table") && !format.equals("json")) {
        throw new IllegalArgumentException("--format must be table or json, was '" + format + "'");
      }
      if (limit < 1) {
        throw new IllegalArgumentException("--limit must be 1 or more, was " + limit);
      }
      PrintWriter out = out();
      long[] shown = {0};
      boolean any =
          readAll(
              config,
              clients,
              r -> {
                DeadLetterInfo info = DeadLetterInfo.of(r);
                if (!filter.matches(r, info)) {
                  return true;
                }
                out.println(format.equals("json") ? json(r, info) : line(r, info));
                return ++shown[0] < limit;
              });
      if (any && format.equals("table")) {
        out.println(shown[0] + " shown (filter: " + filter.describe() + ", limit " + limit + ")");
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
        description = "Names the replay; a rerun with the same name resumes it.")
    String name;

    @Option(
        names = "--max-replays",
        paramLabel = "N",
        description = "Records replayed N times already go to DLT.parked (default 3).")
    int maxReplays = 3;

    @Override
    int run(FerryConfig config, KafkaClients clients) throws Exception {
      DltFilter filter = filters.parse();
      if (rate < 0) {
        throw new IllegalArgumentException("--rate must be 0 (no limit) or more, was " + rate);
      }
      if (maxReplays < 1) {
        throw new IllegalArgumentException("--max-replays must be 1 or more, was " + maxReplays);
      }
      if (name != null && !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "--name may hold letters, digits, '.', '_' and '-' only, was '" + name + "'");
      }
      String replayName = name != null ? name : STAMP.format(Instant.now());
      String group = "ferry-replay-" + replayName;
      Optional<String> explicitTarget =
          target.equals("original") ? Optional.empty() : Optional.of(target);
      List<String> dlts = topics.resolve(config);
      PrintWriter out = out();
      try (Admin admin = clients.admin();
          KafkaConsumer<byte[], byte[]> consumer = clients.dltConsumer(Optional.of(group))) {
        if (explicitTarget.isPresent()) {
          requireTopic(admin, explicitTarget.get());
        }
        DltScanner scanner = new DltScanner(consumer, admin);
        DltScanner.Scope scope = scanner.scope(dlts);
        Map<TopicPartition, Long> start = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(scope.end().keySet());
        for (TopicPartition tp : scope.end().keySet()) {
          OffsetAndMetadata c = committed.get(tp);
          long at = c == null ? 0 : c.offset();
          start.put(tp, Math.max(at, filter.fromOffset().orElse(0L)));
        }
        out.printf(
            "replay %s%s: %s (%d records now), filter: %s, target: %s%n",
            replayName,
            dryRun ? " (dry run: nothing is written)" : "",
            String.join(", ", dlts),
            scope.size(),
            filter.describe(),
            target);
        if (committed.values().stream().anyMatch(c -> c != null)) {
          out.println("resuming after the offsets this replay committed before");
        }
        Replayer.Options options =
            new Replayer.Options(
                replayName,
                filter,
                explicitTarget,
                maxReplays,
                rate,
                dryRun,
                java.util.Set.copyOf(config.inputTopics()));
        Progress progress = new Progress(err(), replayName, scope.size());
        // SIGTERM ends a --rate wait at once; what was committed stays, a rerun resumes.
        StopSignal stop = new StopSignal();
        Thread stopOnExit = new Thread(stop::stop, "ferry-replay-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
          return replay(
              config, clients, admin, consumer, scanner, scope, start, options, progress, stop);
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
          } catch (IllegalStateException shuttingDown) {
            // the hook has run or is running
          }
        }
      }
    }

    private int replay(
        FerryConfig config,
        KafkaClients clients,
        Admin admin,
        KafkaConsumer<byte[], byte[]> consumer,
        DltScanner scanner,
        DltScanner.Scope scope,
        Map<TopicPartition, Long> start,
        Replayer.Options options,
        Progress progress,
        StopSignal stop)
        throws Exception {
      PrintWriter out = out();
      String group = "ferry-replay-" + options.name();
      List<String> dlts = scope.topics();
      if (dryRun) {
        Replayer.Summary summary =
            new Replayer(
                    options,
                    admin,
                    Optional.empty(),
                    consumer.groupMetadata(),
                    progress::update,
                    (r, info, action) -> out.println(line(r, info) + "  -> " + action),
                    stop)
                .run(scanner, scope, start);
        progress.done();
        summary(out, summary, true);
        return ExitCodes.OK;
      }
      try (HikariDataSource db = ConnectionPools.open(config, 2);
          KafkaProducer<byte[], byte[]> producer = clients.replayProducer(group)) {
        Migrations.migrate(db);
        ReplayAudit audit = new ReplayAudit(db);
        long auditId = audit.started(options.name(), dlts, target, options.filter(), maxReplays);
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

  /**
   * Progress of a replay on standard error: a bar redrawn in place on a terminal, a line every two
   * seconds otherwise.
   */
  static final class Progress {
    private final PrintWriter err;
    private final String name;
    private final long total;
    private final boolean terminal = System.console() != null;
    private long lastLine;
    private Replayer.Summary last;

    Progress(PrintWriter err, String name, long total) {
      this.err = err;
      this.name = name;
      this.total = Math.max(total, 1);
    }

    void update(Replayer.Summary s) {
      last = s;
      long now = System.nanoTime();
      if (terminal) {
        int width = 30;
        int filled = (int) Math.min(width, s.read() * width / total);
        err.printf(
            "\r[%s%s] %3d%% %s",
            "#".repeat(filled), " ".repeat(width - filled), s.read() * 100 / total, counts(s));
        err.flush();
      } else if (now - lastLine > TimeUnit.SECONDS.toNanos(2)) {
        lastLine = now;
        err.println("replay " + name + ": " + counts(s));
        err.flush();
      }
    }

    void done() {
      if (terminal && last != null) {
        err.println();
      }
      err.flush();
    }

    private String counts(Replayer.Summary s) {
      return "read "
          + s.read()
          + "/"
          + total
          + ", selected "
          + s.selected()
          + ", replayed "
          + s.replayed()
          + ", parked "
          + s.parked()
          + ", skipped "
          + s.skippedTotal();
    }
  }

  /** One table line: where in the DLT, when, why, from where, the key and a value preview. */
  static String line(ConsumerRecord<byte[], byte[]> r, DeadLetterInfo info) {
    return String.format(
        "%s-%d@%d  %s  %-30s %-24s key=%s  %s",
        r.topic(),
        r.partition(),
        r.offset(),
        info.failedAt(),
        info.reason() + (info.replayCount() > 0 ? " (replay " + info.replayCount() + ")" : ""),
        info.origin(),
        r.key() == null ? "null" : preview(r.key(), 40),
        r.value() == null ? "(tombstone)" : preview(r.value(), 80));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static String json(ConsumerRecord<byte[], byte[]> r, DeadLetterInfo info) {
    ObjectNode o = JSON.createObjectNode();
    o.put("dlt", r.topic());
    o.put("partition", r.partition());
    o.put("offset", r.offset());
    o.put("key", r.key() == null ? null : text(r.key()).orElse(null));
    o.put("origin", info.origin());
    o.put("format", info.format());
    o.put("reason", info.reason());
    o.put("stage", info.stage());
    o.put("pipeline", info.pipeline());
    o.put("failed_at", info.failedAt().toString());
    o.put("replay_count", info.replayCount());
    info.exceptionClass().ifPresent(c -> o.put("exception_class", c));
    info.message().ifPresent(m -> o.put("message", m));
    ObjectNode headers = o.putObject("headers");
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value() == null ? null : text(h.value()).orElse(base64(h.value())));
    }
    if (r.value() == null) {
      o.putNull("value");
    } else {
      Optional<String> value = text(r.value());
      if (value.isPresent()) {
        o.put("value", value.get());
      } else {
        o.put("value_base64", base64(r.value()));
      }
    }
    return o.toString();
  }

  private static String preview(byte[] bytes, int max) {
    String s = text(bytes).orElse("(binary, " + bytes.length + " bytes)").replaceAll("\\s+", " ");
    return s.length() > max ? s.substring(0, max - 3) + "..." : s;
  }

  private static Optional<String> text(byte[] bytes) {
    try {
      return Optional.of(
          UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String base64(byte[] bytes) {
    return "base64:" + Base64.getEncoder().encodeToString(bytes);
  }
}
