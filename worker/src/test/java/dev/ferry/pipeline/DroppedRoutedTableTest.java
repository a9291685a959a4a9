package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coerce.RowCoercer;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.DeclaredColumn;
import dev.ferry.ddl.DeclaredTable;
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.sink.Origin;
import dev.ferry.sink.Row;
import dev.ferry.sink.RowSink;
import dev.ferry.sink.SinkResult;
import dev.ferry.sink.TableLookup;
import dev.ferry.sink.Written;
import dev.ferry.source.PartitionState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A routed table dropped between the preparation of a batch and its write: Postgres answers {@code
 * 42P01}, the sink finds the table dropped, and the records whose rows went to it are routed again,
 * in place. With a provisioner the table is created again and every record lands, none
 * dead-lettered; without one they are dead-lettered as {@code table-missing} (stage transform, one
 * attempt), and the other table's records are written once, in their order.
 */
class DroppedRoutedTableTest {
  private static final String DROPPED = "p:a";

  private final List<List<String>> written = new ArrayList<>();
  private final List<String> created = new ArrayList<>();
  private final ScriptedProcessor scripted =
      new ScriptedProcessor(
          "{name: p, topics: [t], table: \"{header:kind}\", tables-allowed: \"a|b\"}");

  /** Whether table {@code a} exists; the first write finds it dropped. */
  private boolean exists = true;

  private boolean foundDropped;

  private final TableLookup tables =
      new TableLookup() {
        @Override
        public Lookup lookup(PipelineSettings pipeline, TableName table) {
          if (table.name().equals("a") && !exists) {
            return new Missing("table a does not exist");
          }
          return new Found("p:" + table);
        }

        @Override
        public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
          return lookup(pipeline, table);
        }
      };

  private final RowSink sink =
      new RowSink() {
        @Override
        public SinkResult write(List<Row> rows, List<Origin> alsoCompleted) {
          written.add(rows.stream().map(r -> r.target() + "=" + r.values()[0]).toList());
          if (written.size() == 1) {
            exists = false; // dropped after the batch was prepared
            return SinkResult.failed(
                new SQLException("ERROR: relation \"a\" does not exist", "42P01"));
          }
          return new SinkResult.Committed(Written.ALL);
        }

        @Override
        public SinkResult writeIsolating(List<Row> rows, List<Origin> alsoCompleted) {
          throw new AssertionError("nothing to isolate: the records are routed again");
        }

        @Override
        public boolean refreshDefinitions(List<Row> rows, long generationBefore) {
          foundDropped = !exists;
          return foundDropped;
        }

        @Override
        public Set<String> droppedTargets(List<Row> rows) {
          return foundDropped ? Set.of(DROPPED) : Set.of();
        }

        @Override
        public Set<Origin> alreadyApplied(Collection<Origin> origins) {
          return Set.of();
        }
      };

  private PipelineProcessor processor(RecordSchemas schemas, TableProvisioner provisioner) {
    RowCoercer coercer = ScriptedProcessor.idBigint();
    Pipeline pipeline =
        new Pipeline(
            scripted.settings(),
            RowCoercions.fixed(Map.of("p:a", coercer, "p:b", coercer)),
            Optional.empty(),
            dev.ferry.format.Formats.JSON,
            new PipelineRouting(tables, schemas, provisioner, Optional.empty()));
    return scripted.processor(
        pipeline,
        sink,
        timeout -> {
          throw new AssertionError("nothing to wait for");
        });
  }

  /** Records 0..3, routed to tables a, b, a, b by their header. */
  private static List<WorkItem> batch(PartitionState state) {
    List<WorkItem> items = ScriptedProcessor.batch(state, 4);
    for (WorkItem item : items) {
      String kind = item.record().offset() % 2 == 0 ? "a" : "b";
      item.record().headers().add("kind", kind.getBytes(UTF_8));
    }
    return items;
  }

  @Test
  void underAutoCreateTheTableIsCreatedAgainAndEveryRecordLands() throws Exception {
    RecordSchemas schemas =
        (record, value) ->
            Optional.of(
                new DeclaredTable(List.of(new DeclaredColumn("id", "bigint", false)), List.of()));
    TableProvisioner provisioner =
        (pipeline, table, declared) -> {
          created.add(table.toString());
          exists = true;
          return true;
        };
    PartitionState state = new PartitionState(new TopicPartition("t", 0));

    processor(schemas, provisioner).process(batch(state));

    assertThat(created).containsExactly("a"); // the second record to it found it there
    assertThat(written)
        .containsExactly(
            List.of("p:a=0", "p:b=1", "p:a=2", "p:b=3"),
            List.of("p:a=0", "p:b=1", "p:a=2", "p:b=3"));
    assertThat(scripted.producer.history()).isEmpty();
    assertThat(state.offsets().watermark()).hasValue(4);
  }

  @Test
  void withoutAutoCreateItsRecordsAreDeadLetteredAsTableMissing() throws Exception {
    PartitionState state = new PartitionState(new TopicPartition("t", 0));

    processor(RecordSchemas.NONE, TableProvisioner.NONE).process(batch(state));

    assertThat(written)
        .containsExactly(List.of("p:a=0", "p:b=1", "p:a=2", "p:b=3"), List.of("p:b=1", "p:b=3"));
    List<String> dead = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : scripted.producer.history()) {
      dead.add(
          header(r, DeadLetterHeaders.ORIGINAL_OFFSET)
              + " "
              + header(r, DeadLetterHeaders.REASON)
              + " "
              + header(r, DeadLetterHeaders.STAGE)
              + " "
              + header(r, DeadLetterHeaders.ATTEMPTS)
              + ": "
              + header(r, DeadLetterHeaders.EXCEPTION_MESSAGE));
    }
    assertThat(dead)
        .containsExactly(
            "0 table-missing transform 1: table a does not exist",
            "2 table-missing transform 1: table a does not exist");
    assertThat(state.offsets().watermark()).hasValue(4);
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), UTF_8);
  }
}
