package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.Hold;
import dev.ferry.support.Progress;
import dev.ferry.support.RunsBesideOthers;
import dev.ferry.support.Scrape;
import dev.ferry.testkit.FreePorts;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded in bytes, not only in records: {@code ferry run} as a process with the heap a
 * 512 MiB container gives it ({@code -Xmx384m}) and default worker settings reads a backlog of
 * 1,500 valid records of ~400 KB (600 MB) while another session holds {@code ACCESS EXCLUSIVE} on
 * the target table for 40 s. Before the byte bound the lanes took the whole backlog (queue-capacity
 * is 10,000 records) and the process died of {@code OutOfMemoryError}. Now: the bytes in memory
 * stay under {@code worker.memory-budget} throughout the stall, nothing runs out of memory, every
 * record lands exactly once and SIGTERM exits 0.
 */
@Timeout(600)
@RunsBesideOthers
class LargeRecordBacklogProcessIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final int RECORDS = 1_500;
  private static final int VALUE_BYTES = 400_000;
  private static final long BUDGET_BYTES = 96L * 1024 * 1024;
  private static final Duration STALL = Duration.ofSeconds(40);

  @BeforeAll
  static void tables() {
    PG.executeSchemaFile("events.sql");
  }

  @Test
  void aLargeRecordBacklogDuringAStalledDatabaseStaysWithinTheBudgetAndLandsOnce(@TempDir Path dir)
      throws Exception {
    String topic = KAFKA.uniqueTopic("large");
    KAFKA.createTopic(topic, 6);
    int port = FreePorts.pick();
    Path config = dir.resolve("ferry.yaml");
    // Default worker settings but the budget, which is set explicitly to what the default gives
    // a 384 MiB heap (a quarter), so that the bound the test checks is the configured one.
    Files.writeString(
        config,
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topic)
            .group("ferry-large")
            .worker("threads", 8)
            .worker("memory-budget", "96MiB")
            .httpPort(port)
            .text());
    Progress progress = new Progress(PG, "events");
    Scrape scrape = new Scrape(port);

    try (FerryProcess ferry =
            FerryProcess.start(
                dir,
                Map.of("FERRY_JAVA_OPTS", "-Xmx384m -XX:+ExitOnOutOfMemoryError"),
                "run",
                "--config",
                config.toString());
        Connection locker = PG.connect()) {
      ferry.awaitOutput("partitions assigned", Duration.ofSeconds(60));
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
      }
      long stallEnds = System.nanoTime() + STALL.toNanos();
      produceBacklog(topic);

      AtomicLong maxBytes = new AtomicLong();
      AtomicLong maxHeap = new AtomicLong();
      Hold.until(
          stallEnds,
          "the table lock",
          () -> {
            assertThat(ferry.isAlive()).as("ferry alive; output:\n%s", ferry.output()).isTrue();
            double bytes = scrape.sum("ferry_records_in_memory_bytes");
            maxBytes.accumulateAndGet((long) bytes, Math::max);
            maxHeap.accumulateAndGet(
                (long) scrape.sum("jvm_memory_used_bytes{area=\"heap\"}"), Math::max);
            assertThat(bytes).as("bytes in memory").isLessThanOrEqualTo(BUDGET_BYTES);
          });
      assertThat(maxBytes.get())
          .as("the backlog filled memory up to the budget while the table was locked")
          .isGreaterThan(BUDGET_BYTES / 4);
      assertThat(scrape.sum("ferry_records_in_memory_peak_bytes"))
          .isLessThanOrEqualTo(BUDGET_BYTES);
      assertThat(scrape.sum("ferry_records_in_memory_limit_bytes"))
          .isLessThanOrEqualTo(BUDGET_BYTES);
      locker.commit();
      System.out.printf(
          "during the stall: bytes in memory at most %d (peak %d, limit %d), heap used at most %d"
              + "%n",
          maxBytes.get(),
          (long) scrape.sum("ferry_records_in_memory_peak_bytes"),
          (long) scrape.sum("ferry_records_in_memory_limit_bytes"),
          maxHeap.get());
      ferry.output().lines().filter(l -> l.contains("memory budget")).forEach(System.out::println);

      progress.awaitRows(
          RECORDS, Duration.ofSeconds(180), "every large record", () -> !ferry.isAlive());
      ferry.sigterm();
      assertThat(ferry.awaitExit(Duration.ofSeconds(60)))
          .as("exit code; output:\n%s", ferry.output())
          .isZero();
      assertThat(ferry.output()).doesNotContain("OutOfMemoryError");
    }
    assertThat(progress.rows()).isEqualTo(RECORDS);
    assertThat(progress.distinctEvents()).isEqualTo(RECORDS);
    assertThat(PG.queryLong("SELECT min(length(attrs->>'blob')) FROM events"))
        .isEqualTo(VALUE_BYTES);
  }

  /** 1,500 valid events of ~400 KB each, keyed by 50 users. */
  private static void produceBacklog(String topic) {
    String blob = "x".repeat(VALUE_BYTES);
    try (KafkaProducer<byte[], byte[]> producer =
        KAFKA.producer(
            Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                2 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG,
                64L * 1024 * 1024))) {
      for (int i = 0; i < RECORDS; i++) {
        String user = "user-" + (i % 50);
        String value =
            "{\"event_id\":\""
                + UUID.nameUUIDFromBytes(("large-" + i).getBytes(UTF_8))
                + "\",\"user_id\":\""
                + user
                + "\",\"type\":\"upload\",\"amount\":1.50,\"ts\":\"2026-01-01T00:00:00Z\""
                + ",\"attrs\":{\"blob\":\""
                + blob
                + "\"}}";
        producer.send(new ProducerRecord<>(topic, user.getBytes(UTF_8), value.getBytes(UTF_8)));
      }
      producer.flush();
    }
  }
}
