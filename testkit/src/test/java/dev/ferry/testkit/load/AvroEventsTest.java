package dev.ferry.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class AvroEventsTest {

  @Test
  void framedEventsDecodeToTheEventsOfTheJsonRun() throws Exception {
    EventSequence sequence = new EventSequence(1, 1000, 0.0);
    AvroEvents avro = new AvroEvents(42);
    GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(AvroEvents.schema());
    Conversions.DecimalConversion decimals = new Conversions.DecimalConversion();

    for (int i = 0; i < 200; i++) {
      Event event = sequence.next().event();
      byte[] framed = avro.framed(event);

      assertThat(ByteBuffer.wrap(framed).get()).isZero();
      assertThat(ByteBuffer.wrap(framed, 1, 4).getInt()).isEqualTo(42);
      GenericRecord read =
          reader.read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
      assertThat(UUID.fromString(read.get("event_id").toString())).isEqualTo(event.eventId());
      assertThat(read.get("user_id").toString()).isEqualTo(event.userId());
      assertThat(read.get("type").toString()).isEqualTo(event.type());
      BigDecimal amount =
          decimals.fromBytes(
              (ByteBuffer) read.get("amount"),
              AvroEvents.schema().getField("amount").schema(),
              LogicalTypes.decimal(12, 2));
      assertThat(amount).isEqualTo(event.amount().setScale(2));
      assertThat(Instant.ofEpochMilli((Long) read.get("ts"))).isEqualTo(event.ts());
      GenericRecord attrs = (GenericRecord) read.get("attrs");
      assertThat(attrs.get("source").toString()).isEqualTo(event.attrs().get("source"));
      assertThat(attrs.get("n")).isEqualTo((long) i);
    }
  }

  @Test
  void theSchemaHasTheFieldsOfTheEventsTable() {
    assertThat(AvroEvents.schema().getFields().stream().map(f -> f.name()).toList())
        .containsExactly("event_id", "user_id", "type", "amount", "ts", "attrs");
    assertThat(AvroEvents.schema().getField("type").schema().getEnumSymbols())
        .isEqualTo(Event.TYPES);
  }

  @Test
  void theGeneratorsCommandLineNeedsARegistry() {
    AvroEventGenerator.Args args =
        AvroEventGenerator.Args.parse(
            "--bootstrap", "b:1", "--topic", "t", "--count", "5", "--registry", "http://r");

    assertThat(args).isEqualTo(new AvroEventGenerator.Args("b:1", "t", 5, "http://r", 42, 1000));
    assertThat(
            AvroEventGenerator.Args.parse(
                    "--bootstrap",
                    "b:1",
                    "--topic",
                    "t",
                    "--count",
                    "5",
                    "--registry",
                    "r",
                    "--seed",
                    "3",
                    "--users",
                    "7")
                .seed())
        .isEqualTo(3);
    for (List<String> bad :
        List.of(
            List.of("--bootstrap", "b:1", "--topic", "t", "--count", "5"),
            List.of("--bootstrap", "b:1", "--topic", "t", "--count", "x", "--registry", "r"),
            List.of("--rate", "5"),
            List.of("--bootstrap"))) {
      assertThatThrownBy(() -> AvroEventGenerator.Args.parse(bad.toArray(String[]::new)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
