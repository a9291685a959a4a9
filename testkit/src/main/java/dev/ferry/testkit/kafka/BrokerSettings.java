package dev.ferry.testkit.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Broker settings shared by the in-JVM brokers, the cluster and the process broker: what makes one
 * node, or several with one replica per partition, work.
 */
final class BrokerSettings {

  /**
   * Partitions of {@code __consumer_offsets}: a group's coordinator is the leader of partition
   * {@code abs(groupId.hashCode()) % OFFSETS_TOPIC_PARTITIONS}.
   */
  static final int OFFSETS_TOPIC_PARTITIONS = 5;

  private BrokerSettings() {}

  /**
   * Settings for a single node. Without replication factor 1 for the internal topics, consumer
   * groups and transactions wait forever for replicas that do not exist. Fewer partitions for the
   * internal topics make the first group join and the first transaction quicker.
   */
  static Map<String, String> forSingleNode() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("offsets.topic.replication.factor", "1");
    settings.put("offsets.topic.num.partitions", Integer.toString(OFFSETS_TOPIC_PARTITIONS));
    settings.put("transaction.state.log.replication.factor", "1");
    settings.put("transaction.state.log.min.isr", "1");
    settings.put("transaction.state.log.num.partitions", "5");
    settings.put("share.coordinator.state.topic.replication.factor", "1");
    settings.put("share.coordinator.state.topic.min.isr", "1");
    settings.put("group.initial.rebalance.delay.ms", "0");
    settings.put("num.partitions", "1");
    settings.put("unstable.api.versions.enable", "false");
    settings.put("unstable.feature.versions.enable", "false");
    return settings;
  }

  /**
   * Settings for every node of a cluster whose topics have one replica each: those of {@link
   * #forSingleNode()} less {@code num.partitions}, which is Kafka's default there anyway and which
   * a node that is only a broker warns about (it belongs to the controller role).
   */
  static Map<String, String> forClusterNodes() {
    Map<String, String> settings = forSingleNode();
    settings.remove("num.partitions");
    return settings;
  }
}
