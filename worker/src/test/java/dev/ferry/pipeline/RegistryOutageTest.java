package dev.ferry.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.coerce.RowCoercions;
import dev.ferry.dispatch.WorkItem;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.format.Formats;
import dev.ferry.format.JsonFormat;
import dev.ferry.format.RegistryUnavailableException;
import dev.ferry.format.ValueFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A schema registry that cannot be asked while a batch is prepared: the batch waits with the
 * workers' backoff and is prepared again, readiness says {@code registry-unavailable} meanwhile,
 * nothing is dead-lettered; a stop during the wait leaves the batch incomplete. An unknown schema
 * id, by contrast, is the record's fault.
 */
class RegistryOutageTest {
  private final ScriptedProcessor scripted =
      new ScriptedProcessor("{name: p, topics: [t], table: t, columns: {id: /id}}");
  private final FlakyFormat format = new FlakyFormat();
  private boolean stopDuringWait;

  /** Fails with the registry unavailable {@code outages} times, then reads JSON. */
  private static final class FlakyFormat implements ValueFormat {
    int outages;
    int calls;
    boolean unknownSchema;

    @Override
    public synchronized ObjectNode decode(byte[] bytes)
        throws RecordFailure, RegistryUnavailableException {
      calls++;
      if (outages > 0) {
        outages--;
        throw new RegistryUnavailableException("the schema registry cannot be reached");
      }
      if (unknownSchema) {
        throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "the registry has no schema id 9");
      }
      return new JsonFormat().decode(bytes);
    }
  }

  private PipelineProcessor processor() {
    Pipeline pipeline =
        new Pipeline(
            scripted.settings(),
            RowCoercions.fixed(Map.of("p:t", ScriptedProcessor.idBigint())),
            Optional.empty(),
            new Formats(format, Optional.empty()));
    return scripted.processor(
        pipeline, scripted.committingSink(), scripted.recordedWait(stopDuringWait));
  }

  @Test
  void theBatchWaitsOutTheOutageNotReadyAndNothingIsDeadLettered() throws Exception {
    format.outages = 3;
    List<WorkItem> items = ScriptedProcessor.batch(3);

    processor().process(items);

    assertThat(scripted.waits).hasSize(3);
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertThat(scripted.waits.get(attempt - 1))
          .isBetween(Duration.ZERO, scripted.backoff.ceiling(attempt));
    }
    assertThat(scripted.reasonsDuringWaits)
        .allSatisfy(reasons -> assertThat(reasons).contains("registry-unavailable"));
    assertThat(scripted.readiness.has(PipelineProcessor.REGISTRY_UNAVAILABLE)).isFalse();
    assertThat(scripted.producer.history()).isEmpty();
    assertThat(scripted.written).hasSize(1);
    assertThat(scripted.written.get(0)).hasSize(3);
    assertThat(items.get(0).partition().offsets().watermark()).hasValue(3);
  }

  @Test
  void aStopDuringTheWaitLeavesTheBatchIncompleteToBeReadAgain() throws Exception {
    format.outages = 1;
    stopDuringWait = true;
    List<WorkItem> items = ScriptedProcessor.batch(2);

    processor().process(items);

    assertThat(scripted.waits).hasSize(1);
    assertThat(scripted.written).isEmpty();
    assertThat(scripted.producer.history()).isEmpty();
    assertThat(items.get(0).partition().offsets().watermark())
        .as("the lowest offset not completed")
        .hasValue(0);
  }

  @Test
  void anUnknownSchemaIsTheRecordsFaultAndDeadLetteredAtOnce() throws Exception {
    format.unknownSchema = true;

    processor().process(ScriptedProcessor.batch(1));

    assertThat(scripted.waits).isEmpty();
    assertThat(scripted.written).hasSize(1).allSatisfy(rows -> assertThat(rows).isEmpty());
    assertThat(scripted.producer.history()).hasSize(1);
    assertThat(
            new String(
                scripted.producer.history().get(0).headers().lastHeader("ferry.dlt.reason").value(),
                UTF_8))
        .isEqualTo("unknown-schema");
    assertThat(scripted.readiness.reasons()).isEmpty();
  }
}
