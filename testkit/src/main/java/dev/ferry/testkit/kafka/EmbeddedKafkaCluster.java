package dev.ferry.testkit.kafka;

import dev.ferry.testkit.net.TcpProxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft Kafka cluster of several brokers inside this JVM, whose brokers a test can make
 * unreachable for clients one at a time. Clients reach each broker only through that broker's own
 * {@link TcpProxy}, so {@code proxy(id).cut()} or {@code proxy(id).blackHole()} takes exactly that
 * broker away from them, while the cluster itself stays whole: the broker stays registered,
 * unfenced and the leader of its partitions.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(2)) {
 *   int healthy = kafka.brokerIds().get(0), lost = kafka.brokerIds().get(1);
 *   kafka.createTopic("on-lost", 1, lost);
 *   String group = kafka.groupCoordinatedBy(healthy, "ferry");
 *   ... clients on kafka.bootstrapServers() ...
 *   kafka.proxy(lost).blackHole();
 * }
 * }</pre>
 *
 * <p>Each broker listens on 127.0.0.1 twice:
 *
 * <ul>
 *   <li>{@value #CLIENT_LISTENER}, advertised at its proxy's port; the proxy forwards to the
 *       listener's real port. Clients that bootstrap from {@link #bootstrapServers()} learn only
 *       proxy addresses, so all their traffic to a broker (metadata, produce, fetch, group
 *       coordination) passes its proxy.
 *   <li>{@value #INTERNAL_LISTENER}, advertised at its real port, for the brokers' own traffic to
 *       each other and for {@link #directBootstrapServers()}: the cluster's set-up and a test's
 *       checks, which no proxy cuts.
 * </ul>
 *
 * <p>The first broker is also the cluster's only controller; controller traffic has a listener of
 * its own and no proxy either. Broker ids are the kit's: 0, 1, …. Like {@link EmbeddedKafkaBroker},
 * the cluster runs the production feature levels and replication factor 1 for the internal topics;
 * the controller spreads the partitions of {@code __consumer_offsets} over the brokers when the
 * topic is first needed.
 *
 * <p>Thread-safe. {@link #close()} stops the brokers and proxies and deletes the cluster's
 * directory; only the first call does anything.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  /** The listener clients use, advertised at each broker's proxy. */
  static final String CLIENT_LISTENER = "CLIENT";

  /** The inter-broker listener, advertised at each broker's real port. */
  static final String INTERNAL_LISTENER = "INTERNAL";

  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String LOOPBACK = "127.0.0.1";

  /**
   * The kit's first broker id (its {@code TestKitDefaults.BROKER_ID_OFFSET}, which is not on the
   * compile classpath); in combined mode its first controller is the same node. Were the kit to
   * number brokers otherwise, it would reject the per-broker settings keyed by these ids at build.
   */
  private static final int FIRST_BROKER_ID = 0;

  /** Group ids tried before giving up on finding one that a broker coordinates. */
  private static final int MAX_GROUP_ID_TRIES = 10_000;

  private final KafkaClusterTestKit kit;
  private final SortedMap<Integer, TcpProxy> proxies;
  private final List<Integer> brokerIds;
  private final String bootstrapServers;
  private final String directBootstrapServers;
  private final BrokerAdmin admin;
  private final AtomicInteger groupCounter = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaCluster(KafkaClusterTestKit kit, SortedMap<Integer, TcpProxy> proxies) {
    this.kit = kit;
    this.proxies = Collections.unmodifiableSortedMap(proxies);
    this.brokerIds = List.copyOf(proxies.keySet());
    this.bootstrapServers =
        proxies.values().stream()
            .map(proxy -> LOOPBACK + ":" + proxy.port())
            .collect(Collectors.joining(","));
    this.directBootstrapServers =
        brokerIds.stream()
            .map(id -> LOOPBACK + ":" + boundPort(kit, id, INTERNAL_LISTENER))
            .collect(Collectors.joining(","));
    this.admin = new BrokerAdmin(directBootstrapServers);
  }

  /**
   * Formats and starts a cluster of {@code brokers} brokers, each behind its own proxy, and returns
   * once every broker is registered and unfenced and the cluster runs the production feature
   * levels.
   *
   * @throws IllegalArgumentException if {@code brokers} is less than 1
   * @throws IllegalStateException if the cluster does not start; nothing is left running then
   */
  public static EmbeddedKafkaCluster start(int brokers) {
    if (brokers < 1) {
      throw new IllegalArgumentException("brokers must be >= 1, was " + brokers);
    }
    long startNanos = System.nanoTime();
    SortedMap<Integer, TcpProxy> proxies = new TreeMap<>();
    KafkaClusterTestKit kit = null;
    EmbeddedKafkaCluster cluster = null;
    try {
      // Each proxy holds its port from here on, so the broker can advertise it: no port is picked
      // free and bound later, which another process could take in between.
      for (int i = 0; i < brokers; i++) {
        proxies.put(FIRST_BROKER_ID + i, TcpProxy.bind());
      }
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(brokers)
              .setNumControllerNodes(1)
              .setBrokerListenerName(ListenerName.normalised(INTERNAL_LISTENER))
              .setControllerListenerName(ListenerName.normalised(CONTROLLER_LISTENER))
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .setPerServerProperties(listenerSettings(proxies))
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      BrokerSettings.forClusterNodes().forEach(builder::setConfigProp);
      builder.setConfigProp(
          "listener.security.protocol.map",
          Stream.of(INTERNAL_LISTENER, CLIENT_LISTENER, CONTROLLER_LISTENER)
              .map(listener -> listener + ":PLAINTEXT")
              .collect(Collectors.joining(",")));
      kit = builder.build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      for (Map.Entry<Integer, TcpProxy> broker : proxies.entrySet()) {
        broker.getValue().forwardTo(LOOPBACK, boundPort(kit, broker.getKey(), CLIENT_LISTENER));
      }
      cluster = new EmbeddedKafkaCluster(kit, proxies);
      // As for EmbeddedKafkaBroker: the kit keeps only metadata.version of what it is given.
      cluster.admin.upgradeToProductionFeatures();
      LOG.info(
          "embedded Kafka cluster ready in {} ms: clients {}, direct {}",
          (System.nanoTime() - startNanos) / 1_000_000,
          cluster.bootstrapServers,
          cluster.directBootstrapServers);
      return cluster;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(cluster, kit, proxies, e);
      throw new IllegalStateException("interrupted while starting the embedded Kafka cluster", e);
    } catch (Exception e) {
      abandon(cluster, kit, proxies, e);
      throw new IllegalStateException("could not start the embedded Kafka cluster", e);
    }
  }

  /**
   * Each broker's listeners and what it advertises, by broker id. Port 0 in {@code
   * advertised.listeners} stands for the port the listener bound, which the broker fills in itself.
   * The controller listener belongs to the combined node alone: the kit makes the first broker id
   * the controller.
   */
  private static Map<Integer, Map<String, String>> listenerSettings(
      SortedMap<Integer, TcpProxy> proxies) {
    int controllerId = proxies.firstKey();
    Map<Integer, Map<String, String>> settings = new TreeMap<>();
    proxies.forEach(
        (id, proxy) -> {
          List<String> listeners =
              new ArrayList<>(
                  List.of(endpoint(INTERNAL_LISTENER, 0), endpoint(CLIENT_LISTENER, 0)));
          if (id == controllerId) {
            listeners.add(endpoint(CONTROLLER_LISTENER, 0));
          }
          List<String> advertised =
              List.of(endpoint(INTERNAL_LISTENER, 0), endpoint(CLIENT_LISTENER, proxy.port()));
          settings.put(
              id,
              Map.of(
                  "listeners", String.join(",", listeners),
                  "advertised.listeners", String.join(",", advertised)));
        });
    return settings;
  }

  /** A listener on 127.0.0.1, never "localhost", which may resolve to ::1 first. */
  private static String endpoint(String listener, int port) {
    return listener + "://" + LOOPBACK + ":" + port;
  }

  private static int boundPort(KafkaClusterTestKit kit, int brokerId, String listener) {
    BrokerServer broker = kit.brokers().get(brokerId);
    return broker.boundPort(ListenerName.normalised(listener));
  }

  private static void abandon(
      EmbeddedKafkaCluster cluster,
      KafkaClusterTestKit kit,
      Map<Integer, TcpProxy> proxies,
      Exception failure) {
    try {
      if (cluster != null) {
        cluster.close();
        return;
      }
      proxies.values().forEach(TcpProxy::close);
      if (kit != null) {
        kit.close();
      }
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * The proxy addresses of all brokers, {@code 127.0.0.1:port,…}, for the clients under test.
   * Brokers advertise their proxies, so clients never learn another way to them.
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The brokers' own addresses, {@code 127.0.0.1:port,…}, which no proxy stands in front of: for a
   * test's set-up and checks that must work while a broker is cut off. Clients that bootstrap here
   * learn only these addresses.
   */
  public String directBootstrapServers() {
    return directBootstrapServers;
  }

  /** The broker ids, ascending. */
  public List<Integer> brokerIds() {
    return brokerIds;
  }

  /**
   * The proxy in front of broker {@code brokerId}, which a test may {@link TcpProxy#cut()}, {@link
   * TcpProxy#blackHole()} and {@link TcpProxy#restore()}.
   *
   * @throws IllegalArgumentException if there is no such broker
   */
  public TcpProxy proxy(int brokerId) {
    requireBroker(brokerId);
    return proxies.get(brokerId);
  }

  /**
   * Creates a topic whose partitions all have one replica, on broker {@code brokerId}, and returns
   * once every partition has a leader.
   *
   * @throws IllegalArgumentException if there is no such broker or {@code partitions} is below 1
   * @throws IllegalStateException if the topic exists already or is not ready within 30 s
   */
  public void createTopic(String name, int partitions, int brokerId) {
    requireBroker(brokerId);
    admin.createTopic(name, partitions, brokerId);
  }

  /**
   * Returns a consumer group id, {@code prefix-<n>}, not returned before by this cluster, whose
   * group coordinator is broker {@code brokerId}: the leader of the partition of {@code
   * __consumer_offsets} that the group id hashes to. Creates {@code __consumer_offsets} first if it
   * does not exist. A test can then cut another broker while the group's joins and offset commits
   * still reach its coordinator.
   *
   * @throws IllegalArgumentException if there is no such broker
   * @throws IllegalStateException if the broker leads no partition of {@code __consumer_offsets}
   */
  public String groupCoordinatedBy(int brokerId, String prefix) {
    requireBroker(brokerId);
    Map<Integer, Integer> leaders =
        admin.offsetsTopicLeaders(BrokerSettings.OFFSETS_TOPIC_PARTITIONS);
    if (!leaders.containsValue(brokerId)) {
      throw new IllegalStateException(
          "broker "
              + brokerId
              + " leads no partition of "
              + BrokerAdmin.OFFSETS_TOPIC
              + "; leaders by partition: "
              + leaders);
    }
    for (int tries = 0; tries < MAX_GROUP_ID_TRIES; tries++) {
      String groupId = prefix + "-" + groupCounter.incrementAndGet();
      // The group coordinator's own formula (GroupCoordinatorService.partitionFor).
      int partition = Utils.abs(groupId.hashCode()) % BrokerSettings.OFFSETS_TOPIC_PARTITIONS;
      if (leaders.get(partition) == brokerId) {
        return groupId;
      }
    }
    throw new IllegalStateException(
        "no group id '"
            + prefix
            + "-<n>' hashes to a partition that broker "
            + brokerId
            + " leads");
  }

  private void requireBroker(int brokerId) {
    if (!proxies.containsKey(brokerId)) {
      throw new IllegalArgumentException("no broker " + brokerId + "; brokers are " + brokerIds);
    }
  }

  /**
   * Stops the proxies and the brokers and deletes the cluster's directory. Only the first call has
   * an effect.
   *
   * @throws IllegalStateException if a broker reported an error while running or stopping
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.close();
    } finally {
      proxies.values().forEach(TcpProxy::close);
      try {
        kit.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the embedded Kafka cluster", e);
      } catch (Exception e) {
        throw new IllegalStateException("the embedded Kafka cluster failed while stopping", e);
      }
    }
  }
}
