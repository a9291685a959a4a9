package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.bookkeeping.TopicIds;
import dev.ferry.source.PartitionClaim;
import dev.ferry.source.PartitionClaimer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A newly assigned topic is prepared (its DLT ensured) once, before the claim of its first
 * partition; a failed preparation fails that claim and is tried again with the claim's retry; a
 * topic whose DLT was ensured at start is not asked about again.
 */
class TopicArrivalsTest {
  private final List<String> ensured = new ArrayList<>();
  private final List<TopicPartition> claimed = new ArrayList<>();
  private final PartitionClaimer claims =
      tp -> {
        claimed.add(tp);
        return PartitionClaim.NONE;
      };
  private boolean kafkaDown;

  private TopicArrivals arrivals(List<String> atStart) {
    return new TopicArrivals(
        claims,
        Optional.of(TopicIds.fixed(Map.of("shop.a", "id-a", "shop.c", "id-c"))),
        topic -> {
          if (kafkaDown) {
            throw new IllegalStateException("Kafka is down");
          }
          ensured.add(topic);
          return true;
        },
        atStart);
  }

  @Test
  void aNewTopicsDeadLetterTopicIsEnsuredOnceBeforeItsFirstClaim() throws Exception {
    TopicArrivals arrivals = arrivals(List.of("shop.a"));
    TopicPartition c0 = new TopicPartition("shop.c", 0);
    TopicPartition c1 = new TopicPartition("shop.c", 1);
    TopicPartition a0 = new TopicPartition("shop.a", 0);

    arrivals.assigned(List.of(c0, c1, a0));
    arrivals.claim(c0);
    arrivals.claim(c1);
    arrivals.claim(a0);

    assertThat(ensured).containsExactly("shop.c");
    assertThat(claimed).containsExactly(c0, c1, a0);

    arrivals.assigned(List.of(c0));
    arrivals.claim(c0);
    assertThat(ensured).as("ensured once per worker").containsExactly("shop.c");
  }

  @Test
  void aFailedPreparationFailsTheClaimAndIsTriedAgain() throws Exception {
    TopicArrivals arrivals = arrivals(List.of());
    TopicPartition c0 = new TopicPartition("shop.c", 0);
    arrivals.assigned(List.of(c0));

    kafkaDown = true;
    assertThatThrownBy(() -> arrivals.claim(c0)).hasMessage("Kafka is down");
    assertThat(claimed).isEmpty();

    kafkaDown = false;
    arrivals.claim(c0);
    assertThat(ensured).containsExactly("shop.c");
    assertThat(claimed).containsExactly(c0);
  }

  @Test
  void aTopicWhoseIdCannotBeLookedUpIsNotClaimed() {
    TopicArrivals arrivals = arrivals(List.of());
    TopicPartition unknown = new TopicPartition("shop.unknown", 0);
    arrivals.assigned(List.of(unknown));

    assertThatThrownBy(() -> arrivals.claim(unknown))
        .hasMessage("the id of topic shop.unknown cannot be looked up now");
    assertThat(claimed).isEmpty();
    assertThat(ensured).isEmpty();
  }
}
