package dev.ferry.testkit.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (one combined broker and controller) running inside this JVM,
 * built on Apache Kafka's own {@link KafkaClusterTestKit}.
 *
 * <p>It listens on 127.0.0.1 on free ports picked at start and keeps its data in a fresh temporary
 * directory. It runs the production metadata version and feature levels (those of a newly formatted
 * production cluster, like {@link KafkaProcess}) and has replication factor 1 for the internal
 * topics, so consumer groups and transactions work on one node. Several brokers may run in one JVM.
 *
 * <p>A broker started with {@link #startWithScram} also has a SASL_PLAINTEXT listener on 127.0.0.1
 * ({@link #saslBootstrapServers()}) that accepts only SCRAM-SHA-256 logins, with one user created
 * at start. The plaintext listener ({@link #bootstrapServers()}) stays open beside it, for the
 * test's own set-up and checks. The SCRAM settings belong to that listener alone, so no JVM-wide
 * JAAS file is written and other brokers in the JVM are unaffected.
 *
 * <p>Thread-safe. {@link #close()} shuts the broker down, waits for its threads to end and deletes
 * its directory; only the first call does anything.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /**
   * Name of the SASL_PLAINTEXT client listener of a broker started with {@link #startWithScram}.
   */
  static final String SCRAM_LISTENER = "SASL";

  private static final Duration LOGIN_POLL_INTERVAL = Duration.ofMillis(50);

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;
  private final String saslBootstrapServers;
  private final ScramCredentials scramUser;
  private final BrokerAdmin admin;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster, ScramCredentials scramUser) {
    this.cluster = cluster;
    this.bootstrapServers =
        loopbackBootstrap(cluster, cluster.nodes().brokerListenerName().value());
    this.saslBootstrapServers =
        scramUser == null ? null : loopbackBootstrap(cluster, SCRAM_LISTENER);
    this.scramUser = scramUser;
    this.admin = new BrokerAdmin(bootstrapServers);
  }

  /**
   * Formats and starts a broker and returns once it is registered, unfenced and at the production
   * feature levels, ready for clients.
   *
   * @throws IllegalStateException if the broker does not start; nothing is left running then
   */
  public static EmbeddedKafkaBroker start() {
    return start(null);
  }

  /**
   * Like {@link #start()}, with a SASL_PLAINTEXT listener that requires SCRAM-SHA-256; returns once
   * {@code username} exists and can log in on it.
   *
   * @throws IllegalArgumentException if the user name or password is not acceptable to {@link
   *     ScramCredentials}
   * @throws IllegalStateException if the broker does not start or the user cannot log in in time
   */
  public static EmbeddedKafkaBroker startWithScram(String username, String password) {
    return start(new ScramCredentials(username, password));
  }

  private static EmbeddedKafkaBroker start(ScramCredentials scramUser) {
    KafkaClusterTestKit cluster = null;
    try {
      long startNanos = System.nanoTime();
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      BrokerSettings.forSingleNode().forEach(builder::setConfigProp);
      // Advertise 127.0.0.1 rather than "localhost", which may resolve to ::1 first elsewhere.
      String listeners =
          nodes.brokerListenerName().value()
              + "://127.0.0.1:0,"
              + nodes.controllerListenerName().value()
              + "://127.0.0.1:0";
      if (scramUser == null) {
        builder.setConfigProp("listeners", listeners);
      } else {
        scramListenerSettings(nodes, listeners).forEach(builder::setConfigProp);
      }
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(cluster, scramUser);
      try {
        // The kit's setBootstrapMetadataVersion keeps only metadata.version: its
        // BootstrapMetadata.copyWithFeatureRecord drops the records after the one it replaces,
        // leaving transaction.version, group.version and the rest at 0. Raise them to what a newly
        // formatted production cluster (and KafkaProcess) has.
        broker.admin.upgradeToProductionFeatures();
        if (scramUser != null) {
          broker.admin.createScramUser(scramUser);
          broker.awaitScramLogin();
        }
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
      LOG.info(
          "embedded Kafka ready on {}{} in {} ms",
          broker.bootstrapServers,
          scramUser == null ? "" : " and " + broker.saslBootstrapServers + " (SASL/SCRAM)",
          (System.nanoTime() - startNanos) / 1_000_000);
      return broker;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(cluster, e);
      throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
    } catch (Exception e) {
      closeQuietly(cluster, e);
      throw new IllegalStateException("could not start the embedded Kafka broker", e);
    }
  }

  /**
   * The listener settings of a broker with a SASL_PLAINTEXT listener beside the kit's plaintext
   * ones. The mechanism and the server's login module are set for that listener only ({@code
   * listener.name.sasl.…}); the credentials themselves live in the cluster metadata.
   */
  private static Map<String, String> scramListenerSettings(TestKitNodes nodes, String listeners) {
    String prefix = "listener.name." + SCRAM_LISTENER.toLowerCase(Locale.ROOT) + ".";
    String mechanism = ScramCredentials.MECHANISM.toLowerCase(Locale.ROOT);
    Map<String, String> settings = new HashMap<>();
    settings.put("listeners", listeners + "," + SCRAM_LISTENER + "://127.0.0.1:0");
    settings.put(
        "listener.security.protocol.map",
        nodes.brokerListenerName().value()
            + ":"
            + nodes.brokerListenerProtocol().name
            + ","
            + nodes.controllerListenerName().value()
            + ":"
            + nodes.controllerListenerProtocol().name
            + ","
            + SCRAM_LISTENER
            + ":SASL_PLAINTEXT");
    settings.put(prefix + "sasl.enabled.mechanisms", ScramCredentials.MECHANISM);
    settings.put(
        prefix + mechanism + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    return settings;
  }

  /**
   * Waits until the SCRAM user logs in on the SASL listener. The controller has accepted the
   * credential when {@link BrokerAdmin#createScramUser} returns, but the broker's authenticator
   * learns of it from the metadata log a moment later; until then a login fails as if the password
   * were wrong.
   */
  private void awaitScramLogin() {
    Deadline deadline = Deadline.after(BrokerAdmin.TIMEOUT);
    Map<String, Object> config = new HashMap<>(scramUser.clientProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ferry-testkit-scram-check");
    try {
      while (true) {
        try (Admin login = Admin.create(config)) {
          login
              .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
              .nodes()
              .get(10, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof AuthenticationException) || deadline.expired()) {
            throw new IllegalStateException(
                "user "
                    + scramUser.username()
                    + " cannot log in on "
                    + saslBootstrapServers
                    + " within "
                    + BrokerAdmin.TIMEOUT,
                e.getCause());
          }
        }
        deadline.pause(LOGIN_POLL_INTERVAL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the SCRAM login", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer on " + saslBootstrapServers, e);
    }
  }

  private static String loopbackBootstrap(KafkaClusterTestKit cluster, String listenerName) {
    ListenerName listener = ListenerName.normalised(listenerName);
    BrokerServer broker = cluster.brokers().values().iterator().next();
    return "127.0.0.1:" + broker.boundPort(listener);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster, Exception failure) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The bootstrap address of the SASL_PLAINTEXT listener, {@code 127.0.0.1:port}.
   *
   * @throws IllegalStateException if the broker was not started with {@link #startWithScram}
   */
  public String saslBootstrapServers() {
    if (saslBootstrapServers == null) {
      throw new IllegalStateException("no SASL listener: start the broker with startWithScram");
    }
    return saslBootstrapServers;
  }

  /**
   * The user created at start, whose {@link ScramCredentials#clientProperties()} log in on {@link
   * #saslBootstrapServers()}.
   *
   * @throws IllegalStateException if the broker was not started with {@link #startWithScram}
   */
  public ScramCredentials scramCredentials() {
    if (scramUser == null) {
      throw new IllegalStateException("no SCRAM user: start the broker with startWithScram");
    }
    return scramUser;
  }

  @Override
  public void createTopic(String name, int partitions) {
    admin.createTopic(name, partitions);
  }

  /**
   * Like {@link #createTopic(String, int)}, with topic-level {@code configs} such as {@code
   * max.message.bytes}.
   *
   * @throws IllegalStateException if the topic exists already, a config is refused, or the topic is
   *     not ready within 30 s
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    admin.createTopic(name, partitions, configs);
  }

  /**
   * Stops the broker and deletes its directory. Only the first call has an effect.
   *
   * @throws IllegalStateException if the broker reported an error while running or stopping
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.close();
    } finally {
      try {
        cluster.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the embedded Kafka broker", e);
      } catch (Exception e) {
        throw new IllegalStateException("the embedded Kafka broker failed while stopping", e);
      }
    }
  }
}
