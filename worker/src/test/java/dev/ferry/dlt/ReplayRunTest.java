package dev.ferry.dlt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The parts of a replay run that need neither Kafka nor Postgres. */
class ReplayRunTest {
  private static final TopicPartition P0 = new TopicPartition("events.dlt", 0);
  private static final TopicPartition P1 = new TopicPartition("events.dlt", 1);
  private static final TopicPartition P2 = new TopicPartition("events.dlt", 2);
  private static final DltScanner.Scope SCOPE =
      new DltScanner.Scope(
          List.of("events.dlt"), Map.of(P0, 0L, P1, 0L, P2, 0L), Map.of(P0, 9L, P1, 9L, P2, 9L));

  @Test
  void eachPartitionStartsAfterWhatTheReplayCommittedAndNotBeforeFromOffset() {
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    committed.put(P0, new OffsetAndMetadata(6));
    committed.put(P1, null); // Kafka answers null for a partition the group never committed
    DltFilter fromFour = DltFilter.parse(null, null, null, null, 4L, null, Clock.systemUTC());

    assertThat(ReplayRun.startOffsets(SCOPE, committed, fromFour))
        .isEqualTo(Map.of(P0, 6L, P1, 4L, P2, 4L));
    assertThat(ReplayRun.startOffsets(SCOPE, committed, DltFilter.ALL))
        .isEqualTo(Map.of(P0, 6L, P1, 0L, P2, 0L));
  }

  @Test
  void onlyANamedTopicIsAnExplicitTarget() {
    ReplayRequest original = new ReplayRequest(List.of("events.dlt"), "original", "", false);
    ReplayRequest named = new ReplayRequest(List.of("events.dlt"), "events-retry", "", false);

    assertThat(options(original).explicitTarget()).isEmpty();
    assertThat(options(named).explicitTarget()).contains("events-retry");
    assertThat(ReplayRun.group("r1")).isEqualTo("ferry-replay-r1");
  }

  private static ReplayRun.Options options(ReplayRequest request) {
    return new ReplayRun.Options(Optional.empty(), request, DltFilter.ALL, 0, 3, true, false);
  }
}
