package dev.ferry.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

class FramedTest {

  private static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                  + "{\"name\":\"name\",\"type\":\"string\"}]}");

  @Test
  void avroIsMagicZeroTheIdBigEndianAndTheBinaryBody() throws Exception {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("id", 7L);
    record.put("name", "ab");

    byte[] framed = Framed.avro(0x01020304, record);

    assertThat(Arrays.copyOf(framed, 5)).containsExactly(0, 1, 2, 3, 4);
    // zigzag long 7 = 14, then the string: length 2 (zigzag 4) and its bytes
    assertThat(Arrays.copyOfRange(framed, 5, framed.length)).containsExactly(14, 4, 'a', 'b');
    GenericRecord read =
        new GenericDatumReader<GenericRecord>(SCHEMA)
            .read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    assertThat(read.get("id")).isEqualTo(7L);
    assertThat(read.get("name").toString()).isEqualTo("ab");
  }

  @Test
  void avroTakesLogicalTypesAsJavaValuesOrAsTheirAvroValues() {
    Schema schema =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"amount\",\"type\":"
                    + "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":6,\"scale\":2}},"
                    + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}]}");
    GenericRecord java = new GenericData.Record(schema);
    java.put("amount", new BigDecimal("12.30"));
    java.put("at", Instant.parse("1970-01-01T00:00:01.000002Z"));
    GenericRecord avro = new GenericData.Record(schema);
    avro.put("amount", ByteBuffer.wrap(BigInteger.valueOf(1230).toByteArray()));
    avro.put("at", 1_000_002L);

    assertThat(Framed.avro(3, java)).isEqualTo(Framed.avro(3, avro));
  }

  @Test
  void protobufWritesTheFirstMessageAsOneZeroAndOtherPathsAsZigzagVarints() {
    Timestamp message = Timestamp.newBuilder().setSeconds(5).build();
    byte[] body = message.toByteArray();

    byte[] first = Framed.protobuf(9, List.of(0), message);
    byte[] nested = Framed.protobuf(9, List.of(1, 0), message);
    byte[] deep = Framed.protobuf(9, List.of(70), message);

    assertThat(Arrays.copyOf(first, 6)).containsExactly(0, 0, 0, 0, 9, 0);
    assertThat(Arrays.copyOfRange(first, 6, first.length)).isEqualTo(body);
    // count 2 -> 4, index 1 -> 2, index 0 -> 0
    assertThat(Arrays.copyOfRange(nested, 5, 8)).containsExactly(4, 2, 0);
    assertThat(Arrays.copyOfRange(nested, 8, nested.length)).isEqualTo(body);
    // count 1 -> 2, index 70 -> 140: a two-byte varint
    assertThat(Arrays.copyOfRange(deep, 5, 8)).containsExactly(2, (byte) 0x8c, 0x01);
    assertThatThrownBy(() -> Framed.protobuf(9, List.of(), message))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofFramesABodyAsItIs() {
    byte[] framed = Framed.of(-1, new byte[] {5, 6});

    assertThat(framed).containsExactly(0, -1, -1, -1, -1, 5, 6);
    assertThat(ByteBuffer.wrap(framed, 1, 4).getInt()).isEqualTo(-1);
  }
}
