package dev.ferry.health.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.health.http.ConnectionTable.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final HttpLimits limits =
      new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(60), 3, 2, 4, 1024, 0);
  private final ConnectionTable<String> table = new ConnectionTable<>(limits);

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void aRequestThatDoesNotArriveWithinTheRequestTimeoutExpires() {
    table.enter("slow", Phase.RECEIVING, at(0));
    table.enter("fresh", Phase.IDLE, at(0));

    assertThat(table.expired(at(4))).isEmpty();
    assertThat(table.expired(at(5))).containsExactly("slow");
  }

  @Test
  void anIdleConnectionExpiresAfterTheIdleTimeout() {
    table.enter("idle", Phase.IDLE, at(0));

    assertThat(table.expired(at(59))).isEmpty();
    assertThat(table.expired(at(60))).containsExactly("idle");
  }

  @Test
  void aResponseTheClientDoesNotTakeExpiresLikeARequest() {
    table.enter("reader", Phase.SENDING, at(10));

    assertThat(table.expired(at(14))).isEmpty();
    assertThat(table.expired(at(15))).containsExactly("reader");
  }

  @Test
  void aConnectionBeingServedHasNoDeadline() {
    table.enter("served", Phase.SERVING, at(0));

    assertThat(table.expired(at(3600))).isEmpty();
  }

  @Test
  void aNewPhaseRestartsTheClock() {
    table.enter("c", Phase.RECEIVING, at(0));
    table.enter("c", Phase.SERVING, at(1));
    table.enter("c", Phase.IDLE, at(2));

    assertThat(table.expired(at(6))).isEmpty();
    assertThat(table.phase("c")).contains(Phase.IDLE);
  }

  @Test
  void atTheLimitTheOldestIdleConnectionMakesRoom() {
    table.enter("receiving", Phase.RECEIVING, at(0));
    table.enter("idle-new", Phase.IDLE, at(2));
    table.enter("idle-old", Phase.IDLE, at(1));

    assertThat(table.isFull()).isTrue();
    assertThat(table.evictionCandidate()).contains("idle-old");
  }

  @Test
  void withoutIdleConnectionsTheOldestReceivingOneMakesRoom() {
    table.enter("serving", Phase.SERVING, at(0));
    table.enter("receiving-new", Phase.RECEIVING, at(2));
    table.enter("receiving-old", Phase.RECEIVING, at(1));

    assertThat(table.evictionCandidate()).contains("receiving-old");
  }

  @Test
  void connectionsBeingServedAreNeverEvicted() {
    table.enter("a", Phase.SERVING, at(0));
    table.enter("b", Phase.SENDING, at(0));
    table.enter("c", Phase.SERVING, at(0));

    assertThat(table.evictionCandidate()).isEmpty();
  }

  @Test
  void removedConnectionsFreeTheirPlace() {
    table.enter("a", Phase.IDLE, at(0));
    table.enter("b", Phase.IDLE, at(0));
    table.enter("c", Phase.IDLE, at(0));
    table.remove("b");

    assertThat(table.isFull()).isFalse();
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.phase("b")).isEmpty();
  }
}
