package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coerce.RowCoercions;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.format.Formats;
import dev.ferry.sink.TableLookup;
import dev.ferry.sink.TablesUnavailableException;
import dev.ferry.source.PartitionState;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A routed table that cannot be described because Postgres does not answer is not the record's
 * fault: the batch waits with the workers' backoff, not ready ({@code sink-unavailable}), and is
 * prepared again; nothing is dead-lettered.
 */
class RoutedTablesOutageTest {
  private final ScriptedProcessor scripted =
      new ScriptedProcessor("{name: p, topics: [t], table: \"{topic}\", tables-allowed: t}");
  private int outages = 2;

  private final TableLookup tables =
      new TableLookup() {
        @Override
        public Lookup lookup(PipelineSettings pipeline, TableName table) {
          if (outages > 0) {
            outages--;
            throw new TablesUnavailableException(
                "cannot read the definition of table " + table, new SQLException("refused"));
          }
          return new Found("p:" + table);
        }

        @Override
        public Lookup lookupAfterDdl(PipelineSettings pipeline, TableName table) {
          return lookup(pipeline, table);
        }
      };

  private PipelineProcessor processor() {
    Pipeline pipeline =
        new Pipeline(
            scripted.settings(),
            RowCoercions.fixed(Map.of("p:t", ScriptedProcessor.idBigint())),
            Optional.empty(),
            Formats.JSON,
            new PipelineRouting(
                tables, RecordSchemas.NONE, TableProvisioner.NONE, Optional.empty()));
    return scripted.processor(pipeline, scripted.committingSink(), scripted.recordedWait(false));
  }

  @Test
  void theBatchWaitsUntilTheTableCanBeDescribedAndNothingIsDeadLettered() throws Exception {
    PartitionState state = new PartitionState(new TopicPartition("t", 0));

    processor().process(ScriptedProcessor.batch(state, 3));

    assertThat(scripted.waits).hasSize(2);
    assertThat(scripted.reasonsDuringWaits)
        .allSatisfy(reasons -> assertThat(reasons).contains("sink-unavailable"));
    assertThat(scripted.readiness.has(PipelineProcessor.SINK_UNAVAILABLE)).isFalse();
    assertThat(scripted.producer.history()).isEmpty();
    assertThat(scripted.written).hasSize(1);
    assertThat(scripted.written.get(0))
        .extracting(r -> r.target() + "=" + r.values()[0])
        .containsExactly("p:t=0", "p:t=1", "p:t=2");
    assertThat(state.offsets().watermark()).hasValue(3);
  }
}
