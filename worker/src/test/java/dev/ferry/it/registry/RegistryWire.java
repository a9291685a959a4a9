package dev.ferry.it.registry;

import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Values as a registry serializer frames them: magic byte 0, the schema id as 4 bytes big-endian,
 * then the body. Written here from the wire format's description, since Confluent's serializers are
 * not available: Avro bodies with the Avro library (logical types through its conversions),
 * Protobuf bodies after the message indexes.
 */
final class RegistryWire {
  /** Avro's generic model with every logical-type conversion the tests use. */
  private static final GenericData AVRO = new GenericData();

  static {
    AVRO.addLogicalTypeConversion(new Conversions.DecimalConversion());
    AVRO.addLogicalTypeConversion(new Conversions.UUIDConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.DateConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
    AVRO.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
  }

  private RegistryWire() {}

  /** The generic model that knows the logical types, for building records and fixed values. */
  static GenericData avroModel() {
    return AVRO;
  }

  /** {@code body} behind the framing of schema {@code id}. */
  static byte[] frame(int id, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
  }

  /** The Avro binary encoding of {@code record}, without framing. */
  static byte[] avroBody(GenericRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    Schema schema = record.getSchema();
    try {
      new GenericDatumWriter<GenericRecord>(schema, AVRO).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code record} framed with schema {@code id}. */
  static byte[] avro(int id, GenericRecord record) {
    return frame(id, avroBody(record));
  }

  /**
   * {@code message} framed with schema {@code id}, as the first message type of its file: the
   * message indexes {@code [0]} are written as the single byte 0 (Confluent's short form).
   */
  static byte[] protobuf(int id, Message message) {
    byte[] body = message.toByteArray();
    return frame(id, ByteBuffer.allocate(1 + body.length).put((byte) 0).put(body).array());
  }
}
