package dev.ferry.format;

import static dev.ferry.format.AvroFixtures.framed;
import static dev.ferry.format.AvroFixtures.schema;
import static dev.ferry.format.AvroFormatTypesTest.assertDecimal;
import static dev.ferry.format.AvroFormatTypesTest.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution in one topic: each record is read with its own writer's schema, so v1 and v2
 * records interleaved each come out as written. Also named types from referenced schemas, and one
 * format shared by several threads.
 */
class AvroSchemaVersionsTest {
  private static final Schema V1 =
      schema(
          """
          {"type": "record", "name": "Payment", "namespace": "shop", "fields": [
            {"name": "id", "type": "long"}, {"name": "payer", "type": "string"}]}
          """);
  private static final Schema V2 =
      schema(
          """
          {"type": "record", "name": "Payment", "namespace": "shop", "fields": [
            {"name": "id", "type": "long"}, {"name": "payer", "type": "string"},
            {"name": "memo", "type": ["null", "string"], "default": null},
            {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
              "precision": 20, "scale": 6}, "default": "\\u0000"}]}
          """);

  private final AvroFixtures.Registry registry =
      new AvroFixtures.Registry().avro(11, V1).avro(12, V2);
  private final AvroFormat format = new AvroFormat(registry);

  @Test
  void twoVersionsInterleavedEachComeOutAsWritten() throws Exception {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      records.add(i % 2 == 0 ? framed(11, V1, v1(i)) : framed(12, V2, v2(i)));
    }

    List<ObjectNode> values = new ArrayList<>();
    for (byte[] record : records) {
      values.add(format.decode(record));
    }

    for (int i = 0; i < 6; i++) {
      ObjectNode value = values.get(i);
      assertThat(value.get("id").longValue()).isEqualTo(i);
      if (i % 2 == 0) {
        assertThat(fieldNames(value)).containsExactly("id", "payer");
        assertThat(value.at("/amount").isMissingNode()).isTrue();
      } else {
        assertThat(fieldNames(value)).containsExactly("id", "payer", "memo", "amount");
        assertDecimal(value.get("amount"), "-" + i + "000000.000001");
        assertThat(value.get("memo").textValue()).isEqualTo("memo " + i);
      }
    }
    assertThat(registry.calls).hasValue(2); // one request per distinct id
  }

  @Test
  void namedTypesOfReferencedSchemasResolve() throws Exception {
    Schema money =
        schema(
            """
            {"type": "record", "name": "Money", "namespace": "common", "fields": [
              {"name": "units", "type": {"type": "bytes", "logicalType": "decimal",
                "precision": 10, "scale": 2}},
              {"name": "currency", "type": {"type": "enum", "name": "Currency",
                "symbols": ["EUR", "CHF"]}}]}
            """);
    String invoiceText =
        """
        {"type": "record", "name": "Invoice", "namespace": "shop", "fields": [
          {"name": "total", "type": "common.Money"}]}
        """;
    RegistrySchema.Reference reference = new RegistrySchema.Reference("common.Money", "money", 3);
    registry
        .put(new RegistrySchema(20, "AVRO", invoiceText, List.of(reference)))
        .reference(reference, new RegistrySchema(5, "AVRO", money.toString(), List.of()));
    Schema invoice = new Schema.Parser().addTypes(List.of(money)).parse(invoiceText);
    GenericRecord total = new GenericData.Record(money);
    total.put("units", new BigDecimal("-0.05"));
    total.put("currency", new GenericData.EnumSymbol(money.getField("currency").schema(), "CHF"));
    GenericRecord record = new GenericData.Record(invoice);
    record.put("total", total);

    ObjectNode value = format.decode(framed(20, invoice, record));

    assertDecimal(value.at("/total/units"), "-0.05");
    assertThat(value.at("/total/currency").textValue()).isEqualTo("CHF");
  }

  @Test
  void aMissingReferenceIsTheSourcesFailure() {
    RegistrySchema.Reference reference = new RegistrySchema.Reference("common.Gone", "gone", 1);
    registry.put(new RegistrySchema(21, "AVRO", "{\"type\": \"common.Gone\"}", List.of(reference)));

    RecordFailure failure =
        catchThrowableOfType(RecordFailure.class, () -> format.decode(framed(21, new byte[] {0})));

    assertThat(failure.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
  }

  @Test
  void oneFormatServesSeveralThreadsAtOnce() throws Exception {
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      tasks.add(
          () -> {
            for (int i = 0; i < 2_000; i++) {
              ObjectNode value =
                  format.decode(i % 2 == 0 ? framed(11, V1, v1(i)) : framed(12, V2, v2(i)));
              if (value.get("id").longValue() != i
                  || !value.get("payer").textValue().equals("payer " + i)) {
                return false;
              }
            }
            return true;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (Future<Boolean> result : pool.invokeAll(tasks)) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static GenericRecord v1(long id) {
    GenericRecord r = new GenericData.Record(V1);
    r.put("id", id);
    r.put("payer", "payer " + id);
    return r;
  }

  private static GenericRecord v2(long id) {
    GenericRecord r = new GenericData.Record(V2);
    r.put("id", id);
    r.put("payer", "payer " + id);
    r.put("memo", "memo " + id);
    r.put("amount", new BigDecimal("-" + id + "000000.000001"));
    return r;
  }
}
