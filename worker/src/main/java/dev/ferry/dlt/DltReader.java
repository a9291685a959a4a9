package dev.ferry.dlt;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Reads whole dead-letter topics, as {@code ferry dlt stats} and {@code list} do: from their first
 * record to their end when the read starts, without a consumer group. Opens and closes its own
 * clients.
 */
public final class DltReader {
  private final DltClients clients;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param timeout {@code kafka.api-timeout}: bounds each admin call and a read without progress
   */
  public DltReader(DltClients clients, Duration timeout, Clock clock) {
    this.clients = clients;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Reads {@code dlts} to their current end with {@code visitor}.
   *
   * @return false, after saying so on {@code out}, when they hold no records
   * @throws DltException naming the topics that do not exist, or when Kafka stalls
   */
  public boolean readAll(List<String> dlts, PrintWriter out, DltScanner.Visitor visitor)
      throws Exception {
    try (Admin admin = clients.admin();
        Consumer<byte[], byte[]> consumer = clients.dltConsumer(Optional.empty())) {
      DltScanner scanner = new DltScanner(consumer, admin, timeout, clock);
      DltScanner.Scope scope = scanner.scope(dlts);
      if (scope.size() == 0) {
        out.println(String.join(", ", dlts) + ": empty, no dead letters");
        return false;
      }
      scanner.scan(scope, Map.of(), visitor);
      return true;
    }
  }
}
