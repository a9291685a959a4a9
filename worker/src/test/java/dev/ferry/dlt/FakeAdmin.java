package dev.ferry.dlt;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;

/**
 * Admin clients for unit tests that answer the calls {@code dlt/} makes ({@code describeTopics} of
 * names, {@code listOffsets}, {@code close}) and fail every other.
 */
final class FakeAdmin {
  private static final Node NODE = new Node(0, "127.0.0.1", 9092);

  private FakeAdmin() {}

  /**
   * Topics of one partition each, offsets from 0 to the end given.
   *
   * @param ends each topic's end offset
   */
  static Admin of(Map<String, Long> ends) {
    return answering(
        names -> {
          Map<String, KafkaFuture<TopicDescription>> futures = new HashMap<>();
          for (String name : names) {
            KafkaFutureImpl<TopicDescription> f = new KafkaFutureImpl<>();
            if (ends.containsKey(name)) {
              f.complete(description(name, 1));
            } else {
              f.completeExceptionally(new UnknownTopicOrPartitionException(name));
            }
            futures.put(name, f);
          }
          return futures;
        },
        ends);
  }

  /** A topic of {@code partitions} partitions, all led by one broker. */
  static TopicDescription description(String name, int partitions) {
    List<TopicPartitionInfo> infos = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new TopicPartitionInfo(p, NODE, List.of(NODE), List.of(NODE)));
    }
    return new TopicDescription(name, false, infos);
  }

  /**
   * An admin client whose {@code describeTopics} answers with {@code describe}'s futures.
   *
   * @param ends end offsets by topic, partition 0 (beginnings are 0)
   */
  @SuppressWarnings("unchecked")
  static Admin answering(
      Function<Collection<String>, Map<String, KafkaFuture<TopicDescription>>> describe,
      Map<String, Long> ends) {
    return (Admin)
        Proxy.newProxyInstance(
            Admin.class.getClassLoader(),
            new Class<?>[] {Admin.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "describeTopics" ->
                      new DescribeTopicsResult(
                          null, describe.apply((Collection<String>) args[0])) {};
                  case "listOffsets" -> offsets((Map<TopicPartition, OffsetSpec>) args[0], ends);
                  case "close" -> null;
                  case "toString" -> "FakeAdmin";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static ListOffsetsResult offsets(
      Map<TopicPartition, OffsetSpec> request, Map<String, Long> ends) {
    Map<TopicPartition, KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo>> futures =
        new HashMap<>();
    request.forEach(
        (tp, spec) -> {
          long offset = spec instanceof OffsetSpec.EarliestSpec ? 0 : ends.get(tp.topic());
          futures.put(
              tp,
              KafkaFuture.completedFuture(
                  new ListOffsetsResult.ListOffsetsResultInfo(offset, -1, Optional.empty())));
        });
    return new ListOffsetsResult(futures);
  }
}
