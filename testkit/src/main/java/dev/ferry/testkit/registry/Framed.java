package dev.ferry.testkit.registry;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Record values in a schema registry's wire format, as Confluent's serializers write them: magic
 * byte 0, the schema's id as 4 bytes big-endian, then the body. A Protobuf body is preceded by the
 * message indexes that locate the message type in its schema: their count and then each index, as
 * zigzag varints, with the first message ({@code [0]}) written as the single byte 0.
 */
public final class Framed {

  /**
   * Avro's generic model with the logical types' conversions, so a record may hold either the Java
   * values ({@code BigDecimal}, {@code UUID}, {@code LocalDate}, {@code LocalTime}, {@code
   * Instant}, {@code LocalDateTime}) or their underlying Avro values (bytes, string, int, long).
   */
  private static final GenericData MODEL = withConversions();

  private Framed() {}

  private static GenericData withConversions() {
    GenericData model = new GenericData();
    model.addLogicalTypeConversion(new Conversions.DecimalConversion());
    model.addLogicalTypeConversion(new Conversions.UUIDConversion());
    model.addLogicalTypeConversion(new TimeConversions.DateConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
    model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
    return model;
  }

  /**
   * Magic byte 0, {@code id}, then the Avro binary encoding of {@code record}; logical-type fields
   * may hold Java values or Avro's underlying ones.
   */
  public static byte[] avro(int id, GenericRecord record) {
    ByteArrayOutputStream out = header(id);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericRecord>(record.getSchema(), MODEL).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
    }
    return out.toByteArray();
  }

  /**
   * Magic byte 0, {@code id}, the message indexes, then {@code message}'s bytes.
   *
   * @param messageIndexes the path to the message type in the schema: {@code [0]} for the first
   *     top-level message, {@code [1, 0]} for the first message nested in the second, ...
   */
  public static byte[] protobuf(int id, List<Integer> messageIndexes, Message message) {
    if (messageIndexes.isEmpty()) {
      throw new IllegalArgumentException("messageIndexes must not be empty; [0] is the first");
    }
    ByteArrayOutputStream out = header(id);
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    try {
      if (messageIndexes.equals(List.of(0))) {
        coded.writeSInt32NoTag(0);
      } else {
        coded.writeSInt32NoTag(messageIndexes.size());
        for (int index : messageIndexes) {
          coded.writeSInt32NoTag(index);
        }
      }
      message.writeTo(coded);
      coded.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + message.getDescriptorForType(), e);
    }
    return out.toByteArray();
  }

  /** Magic byte 0, {@code id}, then {@code body} as it is (for bodies encoded elsewhere). */
  public static byte[] of(int id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  private static ByteArrayOutputStream header(int id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    return out;
  }
}
