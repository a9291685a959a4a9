package dev.ferry.format;

import static dev.ferry.format.AvroFixtures.body;
import static dev.ferry.format.AvroFixtures.framed;
import static dev.ferry.format.AvroFixtures.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * What is wrong with a record, or with the registry, comes out as the right failure: the record's
 * own faults as {@code RecordFailure}s with their reason and a message that says what was wrong, an
 * unreachable registry as the transient {@code RegistryUnavailableException}.
 */
class AvroFormatFailuresTest {
  private static final Schema USER =
      schema(
          """
          {"type": "record", "name": "User", "fields": [
            {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
            {"name": "tags", "type": {"type": "array", "items": "string"}},
            {"name": "nick", "type": ["null", "string"]}]}
          """);

  private final AvroFixtures.Registry registry = new AvroFixtures.Registry().avro(1, USER);
  private final AvroFormat format = new AvroFormat(registry);

  @Test
  void aTruncatedBodyIsInvalidAvro() {
    byte[] whole = framed(1, USER, user());
    for (int cut = 5; cut < whole.length; cut++) {
      RecordFailure failure = failure(Arrays.copyOf(whole, cut));
      assertThat(failure.reason()).as("cut at %d", cut).isEqualTo(Reason.INVALID_AVRO);
      assertThat(failure.getMessage()).contains("schema id 1");
    }
    assertThat(failure(Arrays.copyOf(whole, 5)).getMessage()).contains("truncated");
  }

  @Test
  void bytesAfterTheDatumAreInvalidAvro() {
    byte[] whole = framed(1, USER, user());
    byte[] longer = Arrays.copyOf(whole, whole.length + 2);

    RecordFailure failure = failure(longer);

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_AVRO);
    assertThat(failure.getMessage()).contains("2 byte(s) are left after the datum");
  }

  @Test
  void corruptLengthsIndexesAndCountsAreInvalidAvroWithoutAllocatingThem() {
    // id 1, then a string length of 2^62 bytes: refused before any allocation
    byte[] hugeString = {
      2,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      0x40
    };
    // id 1, name "x", enum symbol 5 of 2
    byte[] badSymbol = {2, 2, 'x', 10};
    // id 1, name "", symbol A, an array block of 2^30 strings in a few bytes
    byte[] hugeArray = {2, 0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    // id 1, name "", symbol A, no tags, union branch 3 of 2
    byte[] badBranch = {2, 0, 0, 0, 6};

    assertThat(failure(framed(1, hugeString)).getMessage()).contains("byte(s)", "left");
    assertThat(failure(framed(1, badSymbol)).getMessage())
        .contains("enum Kind has 2 symbol(s), but the body names symbol 5");
    assertThat(failure(framed(1, hugeArray)).getMessage()).contains("array items");
    assertThat(failure(framed(1, badBranch)).getMessage())
        .contains("a union of 2 branch(es) [null, string] is given branch 3");
    for (byte[] body : List.of(hugeString, badSymbol, hugeArray, badBranch)) {
      assertThat(failure(framed(1, body)).reason()).isEqualTo(Reason.INVALID_AVRO);
    }
  }

  @Test
  void aSchemaOfAnotherTypeIsInvalidAvroAndAskedForOnce() {
    registry.put(new RegistrySchema(2, "PROTOBUF", "syntax = \"proto3\";", List.of()));
    byte[] record = framed(2, body(USER, user()));

    RecordFailure first = failure(record);
    RecordFailure second = failure(record);

    assertThat(first.reason()).isEqualTo(Reason.INVALID_AVRO);
    assertThat(first.getMessage()).contains("schema id 2 is a PROTOBUF schema, not an Avro one");
    assertThat(second.getMessage()).isEqualTo(first.getMessage());
    assertThat(registry.calls).hasValue(1);
  }

  @Test
  void aSchemaThatDoesNotParseIsInvalidAvro() {
    registry.put(new RegistrySchema(3, "AVRO", "{\"type\": \"record\"}", List.of()));

    RecordFailure failure = failure(framed(3, new byte[] {0}));

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_AVRO);
    assertThat(failure.getMessage()).contains("schema id 3 is not a valid Avro schema");
  }

  @Test
  void anUnknownIdIsTheSourcesFailureAndAskedAgainLater() throws Exception {
    byte[] record = framed(4, body(USER, user()));

    RecordFailure failure = failure(record);
    registry.avro(4, USER);

    assertThat(failure.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
    assertThat(failure.getMessage()).isEqualTo("the registry has no schema id 4");
    assertThat(format.decode(record).get("name").textValue()).isEqualTo("Ada");
  }

  @Test
  void anUnreachableRegistryIsTransientAndNeverCachedNorNeededOnceWarm() throws Exception {
    byte[] record = framed(1, body(USER, user()));
    registry.down = true;

    RegistryUnavailableException down =
        catchThrowableOfType(RegistryUnavailableException.class, () -> format.decode(record));
    registry.down = false;
    format.decode(record);
    registry.down = true;

    assertThat(down).hasMessageContaining("connection refused");
    assertThat(format.decode(record).get("id").longValue()).isEqualTo(7L);
    assertThat(registry.calls).hasValue(2);
  }

  @Test
  void theFramingIsChecked() {
    byte[] record = framed(1, body(USER, user()));
    record[0] = 1;

    assertThat(failure(record).reason()).isEqualTo(Reason.INVALID_FRAMING);
    assertThat(failure(new byte[] {0, 0}).reason()).isEqualTo(Reason.INVALID_FRAMING);
  }

  @Test
  void aValueThatIsNotARecordIsRefusedButReadsAsAKey() throws Exception {
    registry.avro(5, Schema.create(Schema.Type.STRING));
    byte[] key = framed(5, new byte[] {6, 'a', 'b', 'c'});

    RecordFailure failure = failure(key);

    assertThat(failure.reason()).isEqualTo(Reason.INVALID_AVRO);
    assertThat(failure.getMessage()).contains("schema id 5 is not a record");
    assertThat(format.decodeAny(key).textValue()).isEqualTo("abc");
  }

  private RecordFailure failure(byte[] bytes) {
    RecordFailure failure = catchThrowableOfType(RecordFailure.class, () -> format.decode(bytes));
    assertThat(failure).as("decoding %s fails", Arrays.toString(bytes)).isNotNull();
    return failure;
  }

  static GenericRecord user() {
    GenericRecord user = new GenericData.Record(USER);
    user.put("id", 7L);
    user.put("name", "Ada");
    user.put("kind", new GenericData.EnumSymbol(USER.getField("kind").schema(), "B"));
    user.put("tags", List.of("x", "y"));
    user.put("nick", "ada");
    return user;
  }
}
