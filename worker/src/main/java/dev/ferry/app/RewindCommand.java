package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.PipelinePauses;
import dev.ferry.bookkeeping.RewindMarkers;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.PipelineSettings;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
final class RewindCommand extends PipelineCommand.Base {
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

  /** {@code --to-timestamp}, parsed by {@link #parseOptions}. */
  private Optional<Instant> at = Optional.empty();

  /** {@code --to-offsets}, parsed by {@link #parseOptions}; empty without it. */
  private Map<TopicPartition, Long> explicit = Map.of();

  @Override
  List<String> parseOptions() {
    List<String> problems = new ArrayList<>();
    at = parseTimestamp(problems);
    explicit =
        target.offsets == null ? Map.of() : RewindPlan.parseOffsets(target.offsets, problems);
    return problems;
  }

  @Override
  Optional<String> pipelineName() {
    return Optional.of(pipeline);
  }

  @Override
  String unknownPipeline(FerryConfig cfg, String name) {
    return "no pipeline named '" + name + "' in " + config.file;
  }

  @Override
  void run(FerryConfig cfg, PipelinePauses pauses, HikariDataSource db) throws Failure {
    PipelineSettings settings =
        cfg.pipelines().stream().filter(p -> p.name().equals(pipeline)).findFirst().orElseThrow();
    String group = cfg.kafka().groupId();
    long timeoutMs = cfg.kafka().timeouts().api().toMillis();
    KafkaClients clients = new KafkaClients(cfg.kafka(), cfg.deadLetter().sendTimeout());
    try (Admin admin = clients.admin()) {
      RewindMarkers markers = new RewindMarkers(db, group);
      Optional<ConsumerGroupDescription> described = describe(admin, group, timeoutMs);
      if (described.isPresent() && !described.get().members().isEmpty()) {
        markers.record(
            audit(group, new RewindPlan(List.of())), "refused: the group has active members");
        throw new Failure(refusal(group, described.get()));
      }
      RewindPlan plan = plan(admin, group, settings, timeoutMs);
      out()
          .println(
              "rewind pipeline "
                  + pipeline
                  + " of group "
                  + group
                  + " ("
                  + target.spec()
                  + (dryRun ? ", dry run" : "")
                  + "):");
      plan.lines().forEach(out()::println);
      RewindMarkers.Audit audit = audit(group, plan);
      if (dryRun) {
        long id = markers.record(audit, "dry-run: nothing changed");
        out().println("audit row " + id + ": dry-run, nothing changed");
        return;
      }
      apply(admin, markers, plan, audit, timeoutMs);
    } catch (Failure e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    } catch (Exception e) {
      throw new Failure("rewind failed: " + clients.authenticationFailure(e).orElse(e.toString()));
    }
  }

  /** Step 1, the markers (and the audit row), then step 2, the group offsets. */
  private void apply(
      Admin admin,
      RewindMarkers markers,
      RewindPlan plan,
      RewindMarkers.Audit audit,
      long timeoutMs)
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
      throw new Failure("audit row " + reset.auditId() + ": " + outcome);
    }
    String outcome =
        "done: "
            + plan.reapplied()
            + " records to apply again, "
            + forgotten
            + " markers forgotten";
    markers.outcome(reset.auditId(), outcome);
    out().println("audit row " + reset.auditId() + ": " + outcome);
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

  /** The moves asked for; a {@link Failure} when they cannot be planned (nothing changed). */
  private RewindPlan plan(Admin admin, String group, PipelineSettings settings, long timeoutMs)
      throws Exception {
    List<String> topics = RewindTopics.of(admin, settings, timeoutMs);
    if (topics.isEmpty()) {
      throw new Failure(
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
        throw new Failure(
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
          throw new Failure(
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
}
