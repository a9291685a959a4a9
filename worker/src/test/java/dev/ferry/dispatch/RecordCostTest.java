package dev.ferry.dispatch;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordCostTest {

  @Test
  void aRecordCostsItsBytesTimesTheProcessingFactorPlusOverheadHeadersIncluded() {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("t", 0, 0, "key".getBytes(UTF_8), new byte[1000]);
    record.headers().add("trace", new byte[20]);
    long size = 3 + 1000 + "trace".length() + 20;
    assertThat(RecordCost.serializedSize(record)).isEqualTo(size);
    assertThat(RecordCost.of(record))
        .isEqualTo(RecordCost.OVERHEAD_BYTES + (1 + RecordCost.PROCESSING_FACTOR) * size);
  }
}
