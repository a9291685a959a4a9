package dev.ferry.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.cdc.Fixtures.Form;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Record keys of real Debezium events in both forms, the empty key and broken ones. */
class DebeziumKeyTest {
  @Test
  void bothFormsGiveTheKeyStructAndTheSchemaItsTypes() throws Exception {
    DebeziumKey on = DebeziumKey.read(Fixtures.key(Form.SCHEMAS_ON, "d"));
    DebeziumKey off = DebeziumKey.read(Fixtures.key(Form.SCHEMAS_OFF, "d"));
    assertThat(on.fields().toString()).isEqualTo("{\"id\":2}");
    assertThat(off.fields()).isEqualTo(on.fields());
    assertThat(on.types().get("id").type()).isEqualTo("int32");
    assertThat(on.types().get("id").optional()).isFalse();
    assertThat(off.types()).isEmpty();
    assertThat(DebeziumKey.read(Fixtures.key(Form.SCHEMAS_ON, "tombstone")).fields())
        .isEqualTo(on.fields());
  }

  @Test
  void aNullOrEmptyKeyIsEmpty() throws Exception {
    assertThat(DebeziumKey.read(null)).isEqualTo(DebeziumKey.EMPTY);
    assertThat(DebeziumKey.read(new byte[0])).isEqualTo(DebeziumKey.EMPTY);
    assertThat(DebeziumKey.read(bytes("null"))).isEqualTo(DebeziumKey.EMPTY);
    assertThat(DebeziumKey.read(bytes("{\"schema\":null,\"payload\":null}")))
        .isEqualTo(DebeziumKey.EMPTY);
  }

  @Test
  void brokenKeysAreInvalid() {
    assertThat(invalid("not json")).startsWith("the record key is not JSON");
    assertThat(invalid("[1]"))
        .isEqualTo("the record key is an array, not the JSON object of a Debezium key struct");
    assertThat(invalid("{\"schema\":null,\"payload\":5}"))
        .isEqualTo("the record key's Connect payload is a number, not a key struct");
    assertThat(invalid("{\"schema\":{\"type\":\"struct\"},\"payload\":{\"id\":1}}"))
        .startsWith("the Connect schema of the record key cannot be read");
  }

  private static String invalid(String key) {
    RecordFailure f = catchThrowableOfType(RecordFailure.class, () -> DebeziumKey.read(bytes(key)));
    assertThat(f).as(key).isNotNull();
    assertThat(f.reason()).isEqualTo(Reason.INVALID_KEY);
    return f.getMessage();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
