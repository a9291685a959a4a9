package dev.ferry.testkit.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
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
 * <p>Thread-safe. {@link #close()} shuts the broker down, waits for its threads to end and deletes
 * its directory; only the first call does anything.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;
  private final BrokerAdmin admin;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster, String bootstrapServers) {
    this.cluster = cluster;
    this.bootstrapServers = bootstrapServers;
    this.admin = new BrokerAdmin(bootstrapServers);
  }

  /**
   * Formats and starts a broker and returns once it is registered, unfenced and at the production
   * feature levels, ready for clients.
   *
   * @throws IllegalStateException if the broker does not start; nothing is left running then
   */
  public static EmbeddedKafkaBroker start() {
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
      builder.setConfigProp(
          "listeners",
          nodes.brokerListenerName().value()
              + "://127.0.0.1:0,"
              + nodes.controllerListenerName().value()
              + "://127.0.0.1:0");
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(cluster, loopbackBootstrap(cluster));
      try {
        // The kit's setBootstrapMetadataVersion keeps only metadata.version: its
        // BootstrapMetadata.copyWithFeatureRecord drops the records after the one it replaces,
        // leaving transaction.version, group.version and the rest at 0. Raise them to what a newly
        // formatted production cluster (and KafkaProcess) has.
        broker.admin.upgradeToProductionFeatures();
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
      LOG.info(
          "embedded Kafka ready on {} in {} ms",
          broker.bootstrapServers,
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

  private static String loopbackBootstrap(KafkaClusterTestKit cluster) {
    ListenerName listener = ListenerName.normalised(cluster.nodes().brokerListenerName().value());
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

  @Override
  public void createTopic(String name, int partitions) {
    admin.createTopic(name, partitions);
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
