package dev.ferry.testkit.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.KRaftVersion;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Administration of a test broker or cluster through a shared {@link Admin} client: topics, feature
 * levels, SCRAM users and where the group coordinators are. Thread-safe; {@link #close()} closes
 * the client.
 */
final class BrokerAdmin implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The internal topic whose partition leaders are the group coordinators. */
  static final String OFFSETS_TOPIC = "__consumer_offsets";

  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  private final Admin admin;

  BrokerAdmin(String bootstrapServers) {
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG,
                "ferry-testkit-admin"));
  }

  /** Creates the topic (replication factor 1) and waits until each partition has a leader. */
  void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * Creates the topic (replication factor 1) with topic-level {@code configs}, such as {@code
   * max.message.bytes}, and waits until each partition has a leader.
   */
  void createTopic(String name, int partitions, Map<String, String> configs) {
    requirePartitions(partitions);
    create(new NewTopic(name, partitions, (short) 1).configs(configs), partitions);
  }

  /**
   * Creates the topic with every partition's single replica on broker {@code brokerId}, and waits
   * until each partition has a leader.
   */
  void createTopic(String name, int partitions, int brokerId) {
    requirePartitions(partitions);
    Map<Integer, List<Integer>> assignment = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      assignment.put(p, List.of(brokerId));
    }
    create(new NewTopic(name, assignment), partitions);
  }

  private static void requirePartitions(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
  }

  private void create(NewTopic topic, int partitions) {
    String name = topic.name();
    Deadline deadline = Deadline.after(TIMEOUT);
    try {
      admin.createTopics(List.of(topic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      awaitLeaders(name, partitions, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create topic " + name, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("topic " + name + " not created within " + TIMEOUT, e);
    }
  }

  private void awaitLeaders(String name, int partitions, Deadline deadline)
      throws InterruptedException, ExecutionException {
    while (!allPartitionsLed(name, partitions)) {
      if (deadline.expired()) {
        throw new IllegalStateException(
            "topic " + name + " has no leader for every partition after " + TIMEOUT);
      }
      deadline.pause(POLL_INTERVAL);
    }
  }

  /**
   * The leader of each partition of {@code __consumer_offsets}, by partition. If the topic does not
   * exist yet, the broker creates it, as for a consumer's first request: the coordinator look-up
   * that listing a group's offsets starts with makes it do so, and the admin client retries until
   * the coordinator is loaded.
   */
  Map<Integer, Integer> offsetsTopicLeaders(int partitions) {
    String topic = OFFSETS_TOPIC;
    Deadline deadline = Deadline.after(TIMEOUT);
    try {
      admin
          .listConsumerGroupOffsets("ferry-testkit-coordinator-probe")
          .partitionsToOffsetAndMetadata()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      awaitLeaders(topic, partitions, deadline);
      Map<Integer, Integer> leaders = new TreeMap<>();
      for (TopicPartitionInfo p : describe(topic).partitions()) {
        leaders.put(p.partition(), p.leader().id());
      }
      return leaders;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking up " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not look up " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(topic + " not ready within " + TIMEOUT, e);
    }
  }

  private TopicDescription describe(String name) throws InterruptedException, ExecutionException {
    return admin
        .describeTopics(List.of(name), new DescribeTopicsOptions().timeoutMs(5_000))
        .allTopicNames()
        .get()
        .get(name);
  }

  private boolean allPartitionsLed(String name, int partitions)
      throws InterruptedException, ExecutionException {
    try {
      TopicDescription description = describe(name);
      if (description.partitions().size() != partitions
          || description.partitions().stream().anyMatch(p -> p.leader() == null)) {
        return false;
      }
      // The metadata cache names a leader slightly before the leader's replica manager serves the
      // partition. A producer that races into that window can get its first batch refused while
      // later ones are accepted, and an idempotent producer then retries that first batch with an
      // out-of-order sequence until it expires. ListOffsets is answered by the replica manager
      // itself (the admin client retries it until it is), so once it succeeds the window is over.
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(name, p), OffsetSpec.latest());
      }
      try {
        admin.listOffsets(latest).all().get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RetriableException) {
          return false; // not served yet (unknown topic, not leader): ask again
        }
        throw e;
      }
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The level of every production feature (except {@code kraft.version}, which the quorum mode
   * sets) that {@code kafka-storage format} gives a new cluster at the production metadata version.
   */
  static Map<String, Short> productionFeatureLevels() {
    MetadataVersion version = MetadataVersion.latestProduction();
    Map<String, Short> levels = new TreeMap<>();
    for (Feature feature : Feature.PRODUCTION_FEATURES) {
      if (!feature.featureName().equals(KRaftVersion.FEATURE_NAME)) {
        levels.put(feature.featureName(), feature.defaultLevel(version));
      }
    }
    return levels;
  }

  /**
   * Raises the features to {@link #productionFeatureLevels()}, as {@code kafka-features upgrade}
   * would, and waits until the broker reports them.
   */
  void upgradeToProductionFeatures() {
    Map<String, Short> wanted = productionFeatureLevels();
    Map<String, FeatureUpdate> updates = new TreeMap<>();
    wanted.forEach(
        (name, level) -> {
          if (level > 0) {
            updates.put(name, new FeatureUpdate(level, FeatureUpdate.UpgradeType.UPGRADE));
          }
        });
    Deadline deadline = Deadline.after(TIMEOUT);
    try {
      admin
          .updateFeatures(updates, new UpdateFeaturesOptions())
          .all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      while (!finalizedLevels().equals(withoutZeros(wanted))) {
        if (deadline.expired()) {
          throw new IllegalStateException(
              "features are " + finalizedLevels() + " after " + TIMEOUT + ", wanted " + wanted);
        }
        deadline.pause(POLL_INTERVAL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while upgrading features", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not upgrade features to " + wanted, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("features not upgraded within " + TIMEOUT, e);
    }
  }

  /** The finalized level of each feature the broker reports, except the two set at format. */
  Map<String, Short> finalizedLevels() throws InterruptedException, ExecutionException {
    Map<String, FinalizedVersionRange> finalized =
        admin.describeFeatures().featureMetadata().get().finalizedFeatures();
    Map<String, Short> levels = new TreeMap<>();
    finalized.forEach(
        (name, range) -> {
          if (!name.equals(MetadataVersion.FEATURE_NAME)
              && !name.equals(KRaftVersion.FEATURE_NAME)
              && range.maxVersionLevel() > 0) {
            levels.put(name, range.maxVersionLevel());
          }
        });
    return levels;
  }

  private static Map<String, Short> withoutZeros(Map<String, Short> levels) {
    Map<String, Short> nonZero = new TreeMap<>(levels);
    nonZero.values().removeIf(level -> level == 0);
    return nonZero;
  }

  /**
   * Creates (or replaces) the user's SCRAM-SHA-256 credential and returns once the controller has
   * accepted it. The broker's authenticator learns of it from the metadata log shortly after.
   */
  void createScramUser(ScramCredentials user) {
    ScramMechanism mechanism = ScramMechanism.fromMechanismName(ScramCredentials.MECHANISM);
    UserScramCredentialUpsertion upsertion =
        new UserScramCredentialUpsertion(
            user.username(), new ScramCredentialInfo(mechanism, 4096), user.password());
    try {
      admin
          .alterUserScramCredentials(List.of(upsertion))
          .all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while creating SCRAM user " + user.username(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not create SCRAM user " + user.username(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "SCRAM user " + user.username() + " not created within " + TIMEOUT, e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
