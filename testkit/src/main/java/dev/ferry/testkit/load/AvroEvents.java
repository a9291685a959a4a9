package dev.ferry.testkit.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The example {@link Event} in Avro, by the schema {@code schemas/events.avsc} (on the classpath as
 * {@code dev/ferry/testkit/schemas/events.avsc}): {@code event_id} a uuid string, {@code type} an
 * enum, {@code amount} a decimal(12,2) in bytes, {@code ts} a timestamp-millis, {@code attrs} a
 * nested record of {@code source} and {@code n}.
 *
 * <p>An instance frames events for one schema id in the registry's wire format (magic byte 0, the
 * id, the Avro binary body), reusing its buffers: one thread only.
 */
public final class AvroEvents {

  private static final String RESOURCE = "/dev/ferry/testkit/schemas/events.avsc";
  private static final String SCHEMA_TEXT = readSchemaText();
  private static final Schema SCHEMA = new Schema.Parser().parse(SCHEMA_TEXT);
  private static final Schema TYPE = SCHEMA.getField("type").schema();
  private static final Schema ATTRS = SCHEMA.getField("attrs").schema();

  private final int schemaId;
  private final GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(SCHEMA);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;

  /** Frames events with {@code schemaId}, the id the registry gave {@link #schemaText()}. */
  public AvroEvents(int schemaId) {
    this.schemaId = schemaId;
  }

  /** The schema's text, as registered. */
  public static String schemaText() {
    return SCHEMA_TEXT;
  }

  public static Schema schema() {
    return SCHEMA;
  }

  /** The event as a record of {@link #schema()}, in Avro's generic representation. */
  public static GenericRecord toRecord(Event event) {
    GenericRecord attrs = new GenericData.Record(ATTRS);
    Map<String, Object> values = event.attrs();
    attrs.put("source", values.get("source"));
    attrs.put("n", ((Number) values.get("n")).longValue());
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("event_id", event.eventId().toString());
    record.put("user_id", event.userId());
    record.put("type", new GenericData.EnumSymbol(TYPE, event.type()));
    record.put("amount", ByteBuffer.wrap(event.amount().setScale(2).unscaledValue().toByteArray()));
    record.put("ts", event.ts().toEpochMilli());
    record.put("attrs", attrs);
    return record;
  }

  /** Magic byte 0, the schema id (4 bytes, big-endian), then the event's Avro binary body. */
  public byte[] framed(Event event) {
    out.reset();
    out.write(0);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
    encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    try {
      writer.write(toRecord(event), encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode event " + event.eventId(), e);
    }
    return out.toByteArray();
  }

  private static String readSchemaText() {
    try (InputStream in = AvroEvents.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
