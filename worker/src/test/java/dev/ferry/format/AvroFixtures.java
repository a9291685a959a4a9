package dev.ferry.format;

import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Records written the way a registry serializer writes them: Avro's own {@code GenericDatumWriter}
 * with Avro's logical type conversions (so the tests never encode by hand what they decode), framed
 * with magic byte 0 and the schema id; and an in-memory {@link SchemaSource} that counts its calls.
 */
final class AvroFixtures {
  /** Avro's generic data with its logical type conversions: values are BigDecimal, Instant … */
  static final GenericData DATA = new GenericData();

  static {
    DATA.addLogicalTypeConversion(new Conversions.DecimalConversion());
    DATA.addLogicalTypeConversion(new Conversions.UUIDConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.DateConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.LocalTimestampNanosConversion());
  }

  private AvroFixtures() {}

  /** The Avro binary body of {@code datum}, unframed. */
  static byte[] body(Schema schema, Object datum) {
    return body(schema, datum, DATA);
  }

  /** The body of {@code datum} as its underlying type: a logical type's raw int, long, bytes. */
  static byte[] rawBody(Schema schema, Object datum) {
    return body(schema, datum, new GenericData());
  }

  private static byte[] body(Schema schema, Object datum, GenericData data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<Object>(schema, data).write(datum, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code body} in the registry's framing for schema {@code id}. */
  static byte[] framed(int id, byte[] body) {
    byte[] bytes = new byte[5 + body.length];
    bytes[1] = (byte) (id >>> 24);
    bytes[2] = (byte) (id >>> 16);
    bytes[3] = (byte) (id >>> 8);
    bytes[4] = (byte) id;
    System.arraycopy(body, 0, bytes, 5, body.length);
    return bytes;
  }

  static byte[] framed(int id, Schema schema, Object datum) {
    return framed(id, body(schema, datum));
  }

  static Schema schema(String json) {
    return new Schema.Parser().parse(json);
  }

  /** Schemas by id and by reference, as a registry serves them; counts the calls. */
  static final class Registry implements SchemaSource {
    private final Map<Integer, RegistrySchema> byId = new HashMap<>();
    private final Map<RegistrySchema.Reference, RegistrySchema> byReference = new HashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean down;

    Registry avro(int id, Schema schema) {
      return put(new RegistrySchema(id, "AVRO", schema.toString(), List.of()));
    }

    Registry put(RegistrySchema schema) {
      byId.put(schema.id(), schema);
      return this;
    }

    Registry reference(RegistrySchema.Reference reference, RegistrySchema schema) {
      byReference.put(reference, schema);
      return this;
    }

    @Override
    public RegistrySchema byId(int id) throws RecordFailure, RegistryUnavailableException {
      calls.incrementAndGet();
      if (down) {
        throw new RegistryUnavailableException("connection refused (test)");
      }
      RegistrySchema schema = byId.get(id);
      if (schema == null) {
        throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "the registry has no schema id " + id);
      }
      return schema;
    }

    @Override
    public RegistrySchema byReference(RegistrySchema.Reference reference)
        throws RecordFailure, RegistryUnavailableException {
      calls.incrementAndGet();
      if (down) {
        throw new RegistryUnavailableException("connection refused (test)");
      }
      RegistrySchema schema = byReference.get(reference);
      if (schema == null) {
        throw new RecordFailure(Reason.UNKNOWN_SCHEMA, "the registry has no " + reference);
      }
      return schema;
    }
  }
}
