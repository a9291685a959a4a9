package dev.ferry.support;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The committed lag of a consumer group on a topic: records not yet committed as done. */
public final class GroupLag {
  private GroupLag() {}

  /** The sum of the group's committed offsets on the topic: records committed as done. */
  public static long committed(String bootstrap, String group, String topic)
      throws InterruptedException, ExecutionException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      return admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .entrySet()
          .stream()
          .filter(e -> e.getKey().topic().equals(topic))
          .mapToLong(e -> e.getValue().offset())
          .sum();
    }
  }

  public static long of(String bootstrap, String group, String topic)
      throws InterruptedException, ExecutionException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      int partitions =
          admin
              .describeTopics(java.util.List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      long lag = 0;
      for (var e : admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    }
  }
}
