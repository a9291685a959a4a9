package dev.ferry.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cdc.Fixtures.Form;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The envelope of real Debezium events in both JSON forms, and the refusal of malformed ones with
 * their reason.
 */
class DebeziumEnvelopeTest {
  private static final Map<String, Op> OPS =
      Map.ofEntries(
          Map.entry("r-typical", Op.READ),
          Map.entry("r-edge", Op.READ),
          Map.entry("r-max", Op.READ),
          Map.entry("r-nulls", Op.READ),
          Map.entry("c-all-types", Op.CREATE),
          Map.entry("u-toast-unchanged", Op.UPDATE),
          Map.entry("u-in-tx-first", Op.UPDATE),
          Map.entry("u-in-tx-second", Op.UPDATE),
          Map.entry("d-key-change", Op.DELETE),
          Map.entry("c-key-change", Op.CREATE),
          Map.entry("d", Op.DELETE),
          Map.entry("t", Op.TRUNCATE));

  @ParameterizedTest
  @EnumSource(Form.class)
  void everyRealEventReadsWithItsOpRowAndLsn(Form form) {
    for (String label : Fixtures.EVENTS) {
      ChangeEvent e = Fixtures.event(form, label);
      assertThat(e.op()).as(label).isEqualTo(OPS.get(label));
      assertThat(e.positionKind()).as(label).isEqualTo(PositionKind.LSN);
      assertThat(e.position()).as(label).isEqualTo(e.source().get("lsn").longValue());
      assertThat(e.payload().path("op").asText()).isEqualTo(e.op().code());
      if (e.op() == Op.TRUNCATE) {
        assertThat(e.row()).as(label).isNull();
      } else {
        assertThat(e.row().has("id")).as(label).isTrue();
      }
      boolean typed = form == Form.SCHEMAS_ON && e.op() != Op.TRUNCATE;
      assertThat(e.rowTypes().isEmpty()).as(label).isEqualTo(!typed);
    }
  }

  @Test
  void bothFormsGiveTheSameRowsAndTheSchemaGivesTheTypes() {
    for (String label : Fixtures.EVENTS) {
      ChangeEvent on = Fixtures.event(Form.SCHEMAS_ON, label);
      ChangeEvent off = Fixtures.event(Form.SCHEMAS_OFF, label);
      assertThat(on.op()).isEqualTo(off.op());
      if (on.row() != null && !label.equals("c-all-types") && !label.startsWith("u-toast")) {
        assertThat(on.row()).as(label).isEqualTo(off.row()); // c_big is random per capture
      }
    }
    ChangeEvent typical = Fixtures.event(Form.SCHEMAS_ON, "r-typical");
    assertThat(typical.afterTypes().get("c_timestamp"))
        .isEqualTo(FieldType.named("int64", "io.debezium.time.MicroTimestamp", Map.of()));
    assertThat(typical.afterTypes().get("c_numeric").parameters())
        .containsEntry("scale", "4")
        .containsEntry("connect.decimal.precision", "12");
    assertThat(typical.afterTypes().get("c_enum").parameters())
        .containsEntry("allowed", "sad,ok,happy");
    assertThat(typical.afterTypes().get("id").optional()).isFalse();
    assertThat(typical.beforeTypes()).isEqualTo(typical.afterTypes());
    assertThat(typical.afterTypes().get("c_text")).isEqualTo(FieldType.plain("string"));
  }

  @Test
  void aDeleteCarriesItsKeyInBeforeAndTheUnchangedToastColumnIsMarked() {
    ChangeEvent d = Fixtures.event(Form.SCHEMAS_OFF, "d");
    assertThat(d.after()).isNull();
    assertThat(d.row().get("id").intValue()).isEqualTo(2);
    ChangeEvent u = Fixtures.event(Form.SCHEMAS_ON, "u-toast-unchanged");
    assertThat(u.before()).isNull();
    assertThat(SemanticValues.isUnavailable(u.row().get("c_big"))).isTrue();
    assertThat(SemanticValues.isUnavailable(u.row().get("c_text"))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Form.class)
  void twoUpdatesOfOneRowInOneTransactionHaveIncreasingLsns(Form form) {
    ChangeEvent first = Fixtures.event(form, "u-in-tx-first");
    ChangeEvent second = Fixtures.event(form, "u-in-tx-second");
    assertThat(first.source().get("txId")).isEqualTo(second.source().get("txId"));
    assertThat(first.source().get("ts_ms")).isEqualTo(second.source().get("ts_ms"));
    assertThat(second.position()).isGreaterThan(first.position());
  }

  @Test
  void thePositionFallsBackToSourceTsMsThenTsMs() throws Exception {
    ObjectNode v = Fixtures.value(Form.SCHEMAS_OFF, "c-all-types");
    ((ObjectNode) v.get("source")).remove("lsn");
    ChangeEvent bySource = DebeziumEnvelope.read(v);
    assertThat(bySource.positionKind()).isEqualTo(PositionKind.SOURCE_TS_MS);
    assertThat(bySource.position()).isEqualTo(v.get("source").get("ts_ms").longValue());

    v.remove("source");
    ChangeEvent byTs = DebeziumEnvelope.read(v);
    assertThat(byTs.positionKind()).isEqualTo(PositionKind.TS_MS);
    assertThat(byTs.position()).isEqualTo(v.get("ts_ms").longValue());
    assertThat(byTs.source().isEmpty()).isTrue();

    v.remove("ts_ms");
    ChangeEvent none = DebeziumEnvelope.read(v);
    assertThat(none.hasPosition()).isFalse();
    assertThat(none.position()).isEqualTo(ChangeEvent.NO_POSITION);
  }

  @Test
  void aDeleteWithoutBeforeIsFine() throws Exception {
    ObjectNode v = Fixtures.value(Form.SCHEMAS_OFF, "d");
    v.remove("before");
    ChangeEvent d = DebeziumEnvelope.read(v);
    assertThat(d.op()).isEqualTo(Op.DELETE);
    assertThat(d.row()).isNull();
  }

  @Test
  void anUnknownOpIsNamed() {
    ObjectNode v = Fixtures.value(Form.SCHEMAS_ON, "c-all-types");
    ((ObjectNode) v.get("payload")).put("op", "m");
    RecordFailure f = refusal(v);
    assertThat(f.reason()).isEqualTo(Reason.UNKNOWN_OP);
    assertThat(f.getMessage()).startsWith("op \"m\" is not one Ferry knows (r, c, u, d, t)");
  }

  @Test
  void malformedEnvelopesAreInvalid() {
    assertInvalid(
        Form.SCHEMAS_OFF,
        "c-all-types",
        v -> v.remove("op"),
        "the value has no \"op\" field: it is not a Debezium change event");
    assertInvalid(
        Form.SCHEMAS_OFF, "c-all-types", v -> v.put("op", 1), "the \"op\" field is a number");
    assertInvalid(
        Form.SCHEMAS_OFF,
        "u-in-tx-first",
        v -> v.putNull("after"),
        "an event with op \"u\" has no \"after\" row");
    assertInvalid(
        Form.SCHEMAS_OFF,
        "r-typical",
        v -> v.put("after", "x"),
        "the \"after\" row is a string, not an object");
    assertInvalid(
        Form.SCHEMAS_OFF, "d", v -> v.putArray("before"), "the \"before\" row is an array");
    assertInvalid(
        Form.SCHEMAS_OFF,
        "c-all-types",
        v -> v.put("source", 7),
        "the \"source\" field is a number");
    assertInvalid(
        Form.SCHEMAS_ON,
        "c-all-types",
        v -> v.put("payload", "x"),
        "the Connect wrapper's payload is a string, not a change event object");
    assertInvalid(
        Form.SCHEMAS_ON,
        "c-all-types",
        v -> after(v).put("fields", "x"),
        "the Connect schema of \"after\" cannot be read: it is not a struct schema");
    assertInvalid(
        Form.SCHEMAS_ON,
        "c-all-types",
        v -> ((ObjectNode) after(v).get("fields").get(3)).remove("type"),
        "the Connect schema of \"after\" cannot be read: the field \"c_bigint\" has no \"type\"");
  }

  private static ObjectNode after(ObjectNode wrapper) {
    for (var field : wrapper.get("schema").get("fields")) {
      if (field.get("field").asText().equals("after")) {
        return (ObjectNode) field;
      }
    }
    throw new AssertionError("no after schema");
  }

  private static void assertInvalid(
      Form form, String label, java.util.function.Consumer<ObjectNode> spoil, String message) {
    ObjectNode v = Fixtures.value(form, label);
    spoil.accept(v);
    RecordFailure f = refusal(v);
    assertThat(f.reason()).as(message).isEqualTo(Reason.INVALID_ENVELOPE);
    assertThat(f.getMessage()).startsWith(message);
  }

  private static RecordFailure refusal(ObjectNode v) {
    RecordFailure f = catchThrowableOfType(RecordFailure.class, () -> DebeziumEnvelope.read(v));
    assertThat(f).as(v.toString()).isNotNull();
    return f;
  }

  @Test
  void opCodesRoundTrip() {
    for (Op op : Op.values()) {
      assertThat(Op.of(op.code())).contains(op);
    }
    assertThat(Op.of("x")).isEqualTo(Optional.empty());
  }
}
