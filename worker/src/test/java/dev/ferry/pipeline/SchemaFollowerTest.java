package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.Coercers;
import dev.ferry.coerce.ColumnType;
import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.DeclaredColumn;
import dev.ferry.ddl.DeclaredTable;
import dev.ferry.ddl.ProvisionException;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.TableLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * How {@link SchemaFollower#widen} offers a record's new fields: threads that find the same field
 * missing while an offer is in flight wait for it and its read of the table, rather than building
 * their rows from the columns read before; a refusal holds for every record of that schema until
 * the table changes.
 */
class SchemaFollowerTest {
  private static final ColumnType TEXT = ColumnType.of("text", "text", "text", 'S', -1);
  private static final String TARGET = "p:app.t";
  private static final TableName TABLE = TableName.parse("app.t").orElseThrow();

  private final AtomicReference<RowCoercer> columns = new AtomicReference<>(coercer("id"));
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private static RowCoercer coercer(String... names) {
    List<RowCoercer.Column> list = new ArrayList<>();
    for (String name : names) {
      list.add(new RowCoercer.Column(name, TEXT, Coercers.of(TEXT).orElseThrow()));
    }
    return new RowCoercer(list, List.of());
  }

  private SchemaFollower follower(TableProvisioner provisioner) throws Exception {
    PipelineSettings settings =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                """
                kafka: {bootstrap-servers: "k:9092"}
                database: {url: "jdbc:postgresql://h/d"}
                pipelines:
                  - {name: p, topics: [t], table: "app.t", schema: "%s", evolve: true}
                """
                    .formatted(schemaFile()),
                "test")
            .pipelines()
            .get(0);
    RowCoercions coercions =
        new RowCoercions() {
          @Override
          public boolean has(String target) {
            return true;
          }

          @Override
          public RowCoercer current(String target) {
            return columns.get();
          }

          @Override
          public Optional<RowCoercer> newerThan(String target, RowCoercer failed) {
            return Optional.empty();
          }
        };
    TableLookup tables =
        new TableLookup() {
          @Override
          public Lookup lookup(PipelineSettings pipeline, TableName table) {
            return new Found(TARGET);
          }

          @Override
          public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
            if (events.contains("added")) {
              columns.set(coercer("id", "color"));
            }
            events.add("read again");
            return new Found(TARGET);
          }
        };
    DeclaredTable declared =
        new DeclaredTable(
            List.of(
                new DeclaredColumn("id", "text", false), new DeclaredColumn("color", "text", true)),
            List.of());
    return new SchemaFollower(
        settings, (record, value) -> Optional.of(declared), provisioner, tables, coercions);
  }

  private static String schemaFile() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("follower", ".schema.json");
    file.toFile().deleteOnExit();
    java.nio.file.Files.writeString(file, "{\"type\": \"object\"}");
    return file.toString();
  }

  private static void widen(SchemaFollower follower) throws RecordFailure {
    ObjectNode value = Json.MAPPER.createObjectNode().put("id", "1").put("color", "red");
    follower.widen(
        TARGET, TABLE, new ConsumerRecord<>("t", 0, 0, null, "{}".getBytes(UTF_8)), value);
  }

  @Test
  void aThreadThatFindsTheSameFieldMissingWaitsForTheOfferInFlight() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SchemaFollower follower =
        follower(
            (pipeline, table, declared) -> {
              entered.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              events.add("added");
              return true;
            });
    Thread first = new Thread(() -> run(follower, "first done"));
    first.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    Thread second = new Thread(() -> run(follower, "second done"));
    second.start();

    await("the second thread waits for the first one's offer")
        .atMost(Duration.ofSeconds(10))
        .until(() -> second.getState() == Thread.State.BLOCKED);
    release.countDown();
    first.join(10_000);
    second.join(10_000);

    assertThat(events).hasSize(4);
    assertThat(events.subList(0, 2)).containsExactly("added", "read again");
    assertThat(events.subList(2, 4)).containsExactlyInAnyOrder("first done", "second done");
    assertThat(columns.get().columnNames()).containsExactly("id", "color");
  }

  @Test
  void aRefusalHoldsForEveryRecordOfTheSchemaUntilTheTableChanges() throws Exception {
    SchemaFollower follower =
        follower(
            (pipeline, table, declared) -> {
              events.add("offered");
              throw new ProvisionException(Reason.SCHEMA_EVOLUTION_REFUSED, "no (test)");
            });

    RecordFailure first = catchThrowableOfType(RecordFailure.class, () -> widen(follower));
    RecordFailure second = catchThrowableOfType(RecordFailure.class, () -> widen(follower));
    columns.set(coercer("id", "other")); // the table changed: offered again
    RecordFailure third = catchThrowableOfType(RecordFailure.class, () -> widen(follower));

    assertThat(events).containsExactly("offered", "offered");
    for (RecordFailure f : List.of(first, second, third)) {
      assertThat(f.reason()).isEqualTo(Reason.SCHEMA_EVOLUTION_REFUSED);
      assertThat(f).hasMessage("table app.t: no (test)");
    }
  }

  private void run(SchemaFollower follower, String done) {
    try {
      widen(follower);
      events.add(done);
    } catch (RecordFailure e) {
      events.add(e.toString());
    }
  }
}
