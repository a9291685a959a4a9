package dev.ferry.app;

import dev.ferry.config.KafkaSettings;
import dev.ferry.dispatch.MemoryPlan;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds Ferry's Kafka clients: the user's {@code client-properties} first (security, tuning), then
 * the settings Ferry's guarantees depend on, which always win.
 */
final class KafkaClients {
  /** The dead-letter producer's linger; its request timeout must leave room for it. */
  private static final int DEAD_LETTER_LINGER_MS = 5;

  private final KafkaSettings settings;
  private final Duration deadLetterSendTimeout;

  /**
   * @param deadLetterSendTimeout {@code dead-letter.send-timeout}: how long one dead letter's send
   *     may take
   */
  KafkaClients(KafkaSettings settings, Duration deadLetterSendTimeout) {
    this.settings = settings;
    this.deadLetterSendTimeout = deadLetterSendTimeout;
  }

  private Map<String, Object> base(String role) {
    Map<String, Object> props = new HashMap<>(settings.clientProperties());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.putIfAbsent(
        CommonClientConfigs.CLIENT_ID_CONFIG, "ferry-" + settings.groupId() + "-" + role);
    props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis(settings.timeouts().request()));
    props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(settings.timeouts().api()));
    return props;
  }

  /**
   * Drops the keys this client does not define (they would only log "unknown config" warnings), but
   * keeps Kafka's config-provider keys ({@code config.providers}, {@code
   * config.providers.NAME.class|param.*}): no client lists them, yet every client resolves {@code
   * ${NAME:path:key}} references with them.
   */
  private static void keepOnly(Map<String, Object> props, Set<String> names) {
    props.keySet().removeIf(k -> !names.contains(k) && !k.startsWith(CONFIG_PROVIDERS_PREFIX));
  }

  private static final String CONFIG_PROVIDERS_PREFIX = AbstractConfig.CONFIG_PROVIDERS_CONFIG;

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** The input consumer's configuration. */
  Map<String, Object> consumerProperties() {
    Map<String, Object> props = base("consumer");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A misspelled input topic must not be created by the broker with one partition.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // How soon a topic matching a topic-pattern (or a partition added to a topic) is seen.
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, millis(settings.topicRefreshInterval()));
    keepOnly(props, ConsumerConfig.configNames());
    return props;
  }

  /** The input consumer, its fetches sized from the memory budget. */
  KafkaConsumer<byte[], byte[]> consumer(MemoryPlan memory) {
    return new KafkaConsumer<>(
        consumerProperties(memory), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The input consumer's configuration with {@code fetch.max.bytes} and {@code
   * max.partition.fetch.bytes} at most what the memory budget allows: a smaller value from {@code
   * client-properties} is kept, a larger one is lowered (raise {@code worker.memory-budget} to
   * fetch more at once).
   */
  Map<String, Object> consumerProperties(MemoryPlan memory) {
    Map<String, Object> props = consumerProperties();
    capAt(props, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, memory.fetchMaxBytes());
    capAt(props, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, memory.partitionFetchMaxBytes());
    return props;
  }

  private static void capAt(Map<String, Object> props, String key, int limit) {
    Object given = props.get(key);
    int value = limit;
    if (given != null) {
      try {
        value = Math.min(limit, Integer.parseInt(given.toString().trim()));
      } catch (NumberFormatException e) {
        value = limit; // not a number: Kafka's own validation would refuse it; the budget decides
      }
    }
    props.put(key, value);
  }

  /**
   * A consumer for reading dead-letter topics by assignment; {@code group} (for a replay's
   * progress) or none. Reads committed records only, so aborted replays stay invisible.
   */
  KafkaConsumer<byte[], byte[]> dltConsumer(Optional<String> group) {
    Map<String, Object> props = base("dlt-reader");
    group.ifPresent(g -> props.put(ConsumerConfig.GROUP_ID_CONFIG, g));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
    keepOnly(props, ConsumerConfig.configNames());
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The transactional producer of a named replay; {@code initTransactions} fences an old one. */
  KafkaProducer<byte[], byte[]> replayProducer(String transactionalId) {
    return new KafkaProducer<>(
        replayProducerProperties(transactionalId),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** A replay producer's configuration. */
  Map<String, Object> replayProducerProperties(String transactionalId) {
    Map<String, Object> props = base("replay");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    // Kafka wants delivery.timeout.ms ≥ linger.ms + request.timeout.ms: keep its 2 min default
    // unless kafka.request-timeout is longer.
    props.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        Math.max(120_000, millis(settings.timeouts().request()) + 1_000));
    keepOnly(props, ProducerConfig.configNames());
    return props;
  }

  KafkaProducer<byte[], byte[]> deadLetterProducer() {
    return new KafkaProducer<>(
        deadLetterProducerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The dead-letter producer, taking dead letters of up to {@code largestDeadLetter} bytes (see
   * {@code DeadLetterTopics.Ensured}).
   */
  KafkaProducer<byte[], byte[]> deadLetterProducer(int largestDeadLetter) {
    return new KafkaProducer<>(
        deadLetterProducerProperties(largestDeadLetter),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * The dead-letter producer's configuration for dead letters of up to {@code largestDeadLetter}
   * bytes: {@code max.request.size} (and {@code buffer.memory}, which must hold one) are raised to
   * it, never lowered below what {@code client-properties} or Kafka's default give, so that the
   * only size limit a dead letter can meet is its topic's {@code max.message.bytes}, which an
   * operator can raise without a restart.
   */
  Map<String, Object> deadLetterProducerProperties(int largestDeadLetter) {
    Map<String, Object> props = deadLetterProducerProperties();
    props.merge(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        largestDeadLetter,
        (configured, needed) -> Math.max(intValue(configured), (Integer) needed));
    long buffer = 32L * 1024 * 1024; // Kafka's default buffer.memory
    props.merge(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        Math.max(buffer, largestDeadLetter),
        (configured, needed) -> Math.max(longValue(configured), ((Number) needed).longValue()));
    return props;
  }

  private static int intValue(Object configured) {
    return configured instanceof Number n ? n.intValue() : Integer.parseInt(configured.toString());
  }

  private static long longValue(Object configured) {
    return configured instanceof Number n ? n.longValue() : Long.parseLong(configured.toString());
  }

  /** The dead-letter producer's configuration. */
  Map<String, Object> deadLetterProducerProperties() {
    Map<String, Object> props = base("dlt");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, DEAD_LETTER_LINGER_MS);
    // One send, from send() to the acknowledgement, within dead-letter.send-timeout: waiting for
    // metadata (max.block.ms) and delivery including retries. Kafka wants delivery.timeout.ms ≥
    // linger.ms + request.timeout.ms, so a short send timeout shortens the request timeout too.
    int send = millis(deadLetterSendTimeout);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, send);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, send);
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Math.min(millis(settings.timeouts().request()), send - DEAD_LETTER_LINGER_MS));
    // Consumer-only keys from client-properties would only produce "unknown config" warnings.
    keepOnly(props, ProducerConfig.configNames());
    return props;
  }

  /**
   * A one-line reason when {@code failure}, or one of its causes, is the broker refusing these
   * clients' login (SASL) or TLS handshake; empty for any other failure. Kafka clients never retry
   * such a refusal, and it is not Kafka being unreachable, so it is reported as what it is. The
   * broker's message names the mechanism, never the secret.
   */
  Optional<String> authenticationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException refused) {
        return Optional.of(
            "Kafka at "
                + settings.bootstrapServers()
                + " refused the client's credentials: "
                + refused.getMessage()
                + "; check security.protocol, sasl.* and ssl.* in kafka.client-properties");
      }
    }
    return Optional.empty();
  }

  Admin admin() {
    return Admin.create(adminProperties());
  }

  /** The admin client's configuration. */
  Map<String, Object> adminProperties() {
    Map<String, Object> props = base("admin");
    keepOnly(props, AdminClientConfig.configNames());
    return props;
  }
}
