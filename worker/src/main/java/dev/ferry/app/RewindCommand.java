package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.RewindMarkers;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry pipeline rewind NAME}: moves a pipeline's partitions of the consumer group back (or
 * forward) so that the records from the new offsets are applied again, once. Refuses while the
 * group has members. Otherwise, in this order: forgets the exactly-once markers at and above the
 * new offsets ({@link RewindMarkers}, one transaction, which also inserts the audit row), then
 * moves the group's offsets. If the second step fails the audit row says so and the same command
 * can be run again: the first step is idempotent and the plan is computed from the unchanged group
 * offsets. Exit codes: 0 done (or dry run), 1 refused or failed, 2 bad options or config.
 */
@Command(
    name = "rewind",
    description =
        "Move a pipeline back to a timestamp, the earliest offset or given offsets, so that the"
            + " records from there are applied again, once. The group must have no members.",
    mixinStandardHelpOptions = true)
final class RewindCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Parameters(index = "0", paramLabel = "NAME", description = "The pipeline's name.")
  String pipeline;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Where to: exactly one of the three. */
  static final class Target {
    @Option(
        names = "--to-timestamp",
        paramLabel = "ISO",
        description = "The first record with a timestamp at or after this instant.")
    String timestamp;

    @Option(names = "--to-earliest", description = "The earliest offset still in the log.")
    boolean earliest;

    @Option(
        names = "--to-offsets",
        paramLabel = "T:P=O,...",
        description = "Explicit offsets; partitions not listed keep theirs.")
    String offsets;

    String spec() {
      return timestamp != null
          ? "to-timestamp " + timestamp
          : earliest ? "to-earliest" : "to-offsets " + offsets;
    }
  }

  @Option(names = "--dry-run", description = "Print the plan and change nothing.")
  boolean dryRun;

  @Option(
      names = "--requested-by",
      paramLabel = "WHO",
      description = "Who asks, for the audit row. Default: the OS user.")
  String requestedBy = System.getProperty("user.name", "unknown");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return rewind(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int rewind(PrintWriter out, PrintWriter err) {
    List<String> problems = new ArrayList<>();
    Optional<Instant> at = parseTimestamp(problems);
    Map<TopicPartition, Long> explicit =
        target.offsets == null ? Map.of() : RewindPlan.parseOffsets(target.offsets, problems);
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("ferry: " + p));
      return ExitCodes.BAD_CONFIG;
    }
    Optional<FerryConfig> loaded = config.load(err);
    if (loaded.isEmpty()) {
      return ExitCodes.BAD_CONFIG;
    }
    FerryConfig cfg = loaded.get();
    Optional<PipelineSettings> settings =
        cfg.pipelines().stream().filter(p -> p.name().equals(pipeline)).findFirst();
    if (settings.isEmpty()) {
      err.println("ferry: no pipeline named '" + pipeline + "' in " + config.file);
      return ExitCodes.BAD_CONFIG;
    }
    String group = cfg.kafka().groupId();
    long timeoutMs = cfg.kafka().timeouts().api().toMillis();
    KafkaClients clients = new KafkaClients(cfg.kafka(), cfg.deadLetter().sendTimeout());
    try (Admin admin = clients.admin();
        HikariDataSource db = ConnectionPools.open(cfg, 1)) {
      RewindMarkers markers = new RewindMarkers(db, group);
      RewindPlan empty = new RewindPlan(List.of());
      Optional<ConsumerGroupDescription> described = describe(admin, group, timeoutMs);
      if (described.isPresent() && !described.get().members().isEmpty()) {
        String refusal = refusal(group, described.get());
        markers.record(audit(group, empty), "refused: the group has active members");
        err.println("ferry: " + refusal);
        return ExitCodes.FAILURE;
      }
      RewindPlan plan = plan(admin, group, settings.get(), at, explicit, timeoutMs);
      out.println(
          "rewind pipeline "
              + pipeline
              + " of group "
              + group
              + " ("
              + target.spec()
              + (dryRun ? ", dry run" : "")
              + "):");
      plan.lines().forEach(out::println);
      RewindMarkers.Audit audit = audit(group, plan);
      if (dryRun) {
        long id = markers.record(audit, "dry-run: nothing changed");
        out.println("audit row " + id + ": dry-run, nothing changed");
        return ExitCodes.OK;
      }
      return apply(admin, markers, plan, audit, timeoutMs, out, err);
    } catch (RewindRefusal e) {
      err.println("ferry: " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("ferry: interrupted");
      return ExitCodes.FAILURE;
    } catch (Exception e) {
      err.println("ferry: rewind failed: " + clients.authenticationFailure(e).orElse(e.toString()));
      return ExitCodes.FAILURE;
    }
  }

  /** Step 1, the markers (and the audit row), then step 2, the group offsets. */
  private int apply(
      Admin admin,
      RewindMarkers markers,
      RewindPlan plan,
      RewindMarkers.Audit audit,
      long timeoutMs,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    RewindMarkers.Reset reset =
        markers.reset(
            plan.targets(),
            "rewind:" + requestedBy,
            audit,
            "markers reset, moving the group offsets");
    long forgotten = reset.forgottenMarkers().values().stream().mapToLong(Long::longValue).sum();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    plan.targets().forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
    try {
      admin
          .alterConsumerGroupOffsets(audit.groupId(), offsets)
          .all()
          .get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      String outcome =
          "failed: markers reset but the group offsets were not moved ("
              + e
              + "); keep the workers stopped and run the same command again";
      markers.outcome(reset.auditId(), outcome);
      err.println("ferry: audit row " + reset.auditId() + ": " + outcome);
      return ExitCodes.FAILURE;
    }
    String outcome =
        "done: "
            + plan.reapplied()
            + " records to apply again, "
            + forgotten
            + " markers forgotten";
    markers.outcome(reset.auditId(), outcome);
    out.println("audit row " + reset.auditId() + ": " + outcome);
    return ExitCodes.OK;
  }

  private RewindMarkers.Audit audit(String group, RewindPlan plan) {
    return new RewindMarkers.Audit(
        group, pipeline, requestedBy, target.spec(), dryRun, plan.json(), plan.reapplied());
  }

  /** The group, or empty when Kafka does not know it (it never committed; nobody is in it). */
  private static Optional<ConsumerGroupDescription> describe(
      Admin admin, String group, long timeoutMs) throws Exception {
    try {
      return Optional.of(
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(timeoutMs, TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Optional.empty();
      }
      throw e;
    }
  }

  static String refusal(String group, ConsumerGroupDescription described) {
    String members =
        described.members().stream()
            .map(m -> m.clientId() + " at " + m.host())
            .sorted()
            .collect(Collectors.joining(", "));
    return "consumer group "
        + group
        + " has "
        + described.members().size()
        + " active member(s) ("
        + members
        + "); a rewind needs the group empty. Stop every worker of this group (or scale the"
        + " deployment to 0 replicas), wait until they have left the group, then run this"
        + " command again; start the workers after it succeeded.";
  }

  private Optional<Instant> parseTimestamp(List<String> problems) {
    if (target.timestamp == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(target.timestamp.trim()));
    } catch (DateTimeParseException e) {
      problems.add(
          "--to-timestamp: '"
              + target.timestamp
              + "' is not an ISO instant (2026-12-01T10:00:00Z)");
      return Optional.empty();
    }
  }

  private RewindPlan plan(
      Admin admin,
      String group,
      PipelineSettings settings,
      Optional<Instant> at,
      Map<TopicPartition, Long> explicit,
      long timeoutMs)
      throws Exception {
    List<String> topics = RewindTopics.of(admin, settings, timeoutMs);
    if (topics.isEmpty()) {
      throw new RewindRefusal(
          "pipeline " + pipeline + " has no topic now: its topic-pattern matches none");
    }
    Map<String, TopicDescription> described =
        admin.describeTopics(topics).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
    List<TopicPartition> partitions = new ArrayList<>();
    described.values().stream()
        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
        .forEach(partitions::add);
    for (TopicPartition tp : explicit.keySet()) {
      if (!partitions.contains(tp)) {
        throw new RewindRefusal(
            "--to-offsets: " + tp + " is not a partition of pipeline " + pipeline + " " + topics);
      }
    }
    List<TopicPartition> moved = explicit.isEmpty() ? partitions : List.copyOf(explicit.keySet());
    Map<TopicPartition, Long> earliest = offsets(admin, moved, OffsetSpec.earliest(), timeoutMs);
    Map<TopicPartition, Long> latest = offsets(admin, moved, OffsetSpec.latest(), timeoutMs);
    Map<TopicPartition, Long> targets = new HashMap<>();
    if (at.isPresent()) {
      Map<TopicPartition, Long> found =
          offsets(admin, moved, OffsetSpec.forTimestamp(at.get().toEpochMilli()), timeoutMs);
      // -1: no record at or after the timestamp; the partition moves to its end
      moved.forEach(tp -> targets.put(tp, found.get(tp) < 0 ? latest.get(tp) : found.get(tp)));
    } else if (explicit.isEmpty()) {
      targets.putAll(earliest);
    } else {
      for (Map.Entry<TopicPartition, Long> e : explicit.entrySet()) {
        TopicPartition tp = e.getKey();
        if (e.getValue() < earliest.get(tp) || e.getValue() > latest.get(tp)) {
          throw new RewindRefusal(
              "--to-offsets: "
                  + tp
                  + "="
                  + e.getValue()
                  + " is outside the log ["
                  + earliest.get(tp)
                  + ", "
                  + latest.get(tp)
                  + "]");
        }
        targets.put(tp, e.getValue());
      }
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(timeoutMs, TimeUnit.MILLISECONDS);
    List<RewindPlan.Move> moves = new ArrayList<>();
    targets.forEach(
        (tp, o) -> {
          OffsetAndMetadata c = committed.get(tp);
          moves.add(
              new RewindPlan.Move(
                  tp, c == null ? OptionalLong.empty() : OptionalLong.of(c.offset()), o));
        });
    return new RewindPlan(moves);
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec, long timeoutMs)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, ListOffsetsResultInfo> info =
        admin.listOffsets(request).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    info.forEach((tp, i) -> offsets.put(tp, i.offset()));
    return offsets;
  }

  /** A rewind that cannot be planned as asked; nothing was changed. */
  static final class RewindRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    RewindRefusal(String message) {
      super(message);
    }
  }
}
