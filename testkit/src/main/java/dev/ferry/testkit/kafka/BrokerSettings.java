package dev.ferry.testkit.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** Broker settings shared by the in-JVM and the process broker: what makes one node work. */
final class BrokerSettings {

  private BrokerSettings() {}

  /**
   * Settings for a single node. Without replication factor 1 for the internal topics, consumer
   * groups and transactions wait forever for replicas that do not exist. Fewer partitions for the
   * internal topics make the first group join and the first transaction quicker.
   */
  static Map<String, String> forSingleNode() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("offsets.topic.replication.factor", "1");
    settings.put("offsets.topic.num.partitions", "5");
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
}
