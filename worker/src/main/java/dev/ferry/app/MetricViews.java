package dev.ferry.app;

import dev.ferry.deadletter.DeadLetterPublisher;
import dev.ferry.dispatch.Lanes;
import dev.ferry.format.RegistryClient;
import dev.ferry.metrics.ConsumerView;
import dev.ferry.metrics.DeadLetterView;
import dev.ferry.metrics.QueueView;
import dev.ferry.metrics.RegistryView;
import dev.ferry.metrics.SpanDropView;
import dev.ferry.metrics.TableRefreshView;
import dev.ferry.metrics.TransactionView;
import dev.ferry.sink.TableDefinitions;
import dev.ferry.sink.TransactionWatchdog;
import dev.ferry.source.PollLoop;
import dev.ferry.tracing.TracingSdk;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * Adapts the subsystems to the read-only views the meters read ({@code dev.ferry.metrics} knows no
 * subsystem). Each view reads its subsystem live; none copies state.
 */
final class MetricViews {
  private MetricViews() {}

  static QueueView queue(Lanes lanes) {
    return new QueueView() {
      @Override
      public int inMemory() {
        return lanes.inMemory();
      }

      @Override
      public int capacity() {
        return lanes.capacity();
      }

      @Override
      public long bytesInMemory() {
        return lanes.bytesInMemory();
      }

      @Override
      public long peakBytesInMemory() {
        return lanes.peakBytesInMemory();
      }

      @Override
      public long byteLimit() {
        return lanes.byteLimit();
      }

      @Override
      public int lanes() {
        return lanes.count();
      }

      @Override
      public int depth(int lane) {
        return lanes.depth(lane);
      }
    };
  }

  static ConsumerView consumer(PollLoop loop) {
    return new ConsumerView() {
      @Override
      public long consumed() {
        return loop.consumed();
      }

      @Override
      public long alreadyApplied() {
        return loop.skippedAsApplied();
      }

      @Override
      public double oldestUncommittedAgeSeconds() {
        return loop.oldestUncommittedAgeMillis() / 1000.0;
      }

      @Override
      public int assignedPartitions() {
        return loop.assignedPartitions();
      }

      @Override
      public int pausedPartitions() {
        return loop.pausedPartitions();
      }

      @Override
      public long assignments() {
        return loop.rebalances().assignments();
      }

      @Override
      public long revocations() {
        return loop.rebalances().revocations();
      }

      @Override
      public long losses() {
        return loop.rebalances().losses();
      }

      @Override
      public Map<TopicPartition, Long> lags() {
        return loop.lags();
      }
    };
  }

  static TransactionView transactions(TransactionWatchdog watchdog) {
    return new TransactionView() {
      @Override
      public double oldestAgeSeconds() {
        return watchdog.oldestAgeSeconds();
      }

      @Override
      public int stuckLanes() {
        return watchdog.stuckLanes();
      }

      @Override
      public long aborted() {
        return watchdog.aborted();
      }
    };
  }

  static DeadLetterView deadLetters(DeadLetterPublisher publisher) {
    return new DeadLetterView() {
      @Override
      public long failedSends() {
        return publisher.failedSends();
      }

      @Override
      public long headersShed() {
        return publisher.headersShed();
      }

      @Override
      public long refused() {
        return publisher.refused();
      }

      @Override
      public long refusedTooLarge() {
        return publisher.refusedTooLarge();
      }
    };
  }

  static TableRefreshView tableRefreshes(TableDefinitions tables) {
    Map<String, TableDefinitions.Trigger> triggers =
        byLabel(TableDefinitions.Trigger.values(), TableDefinitions.Trigger::label);
    Map<String, TableDefinitions.Outcome> outcomes =
        byLabel(TableDefinitions.Outcome.values(), TableDefinitions.Outcome::label);
    return new TableRefreshView() {
      @Override
      public List<String> triggers() {
        return List.copyOf(triggers.keySet());
      }

      @Override
      public List<String> outcomes() {
        return List.copyOf(outcomes.keySet());
      }

      @Override
      public long refreshes(String trigger, String outcome) {
        return tables.refreshes(triggers.get(trigger), outcomes.get(outcome));
      }
    };
  }

  static SpanDropView spanDrops(TracingSdk tracing) {
    return new SpanDropView() {
      @Override
      public long droppedQueueFull() {
        return tracing.droppedQueueFull();
      }

      @Override
      public long droppedExportFailed() {
        return tracing.droppedExportFailed();
      }
    };
  }

  /** The constants by label, in declaration order. */
  private static <E extends Enum<E>> Map<String, E> byLabel(E[] values, Function<E, String> label) {
    Map<String, E> out = new LinkedHashMap<>();
    Arrays.stream(values).forEach(v -> out.put(label.apply(v), v));
    return out;
  }

  static RegistryView registry(RegistryClient client) {
    return new RegistryView() {
      @Override
      public long requestsOk() {
        return client.requests(RegistryClient.Outcome.OK);
      }

      @Override
      public long requestsUnknownId() {
        return client.requests(RegistryClient.Outcome.UNKNOWN_ID);
      }

      @Override
      public long requestsUnavailable() {
        return client.requests(RegistryClient.Outcome.UNAVAILABLE);
      }

      @Override
      public int cachedSchemas() {
        return client.cachedSchemas();
      }
    };
  }
}
