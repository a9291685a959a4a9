package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Parsing, resolving and normalizing table templates, and the allow-list. */
class TableTemplateTest {
  private static final Pattern APP = Pattern.compile("app\\.[a-z0-9_]+");

  private static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  private static RecordHeaders headers(String name, String value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static TableTemplate.Resolution resolve(String template, String topic) {
    return TableTemplate.parse(template, APP).resolve(List.of(), topic, new RecordHeaders(), null);
  }

  @Test
  void aPlaceholderValueIsLowerCasedAndEveryOtherCharacterBecomesAnUnderscore() {
    assertThat(resolve("app.{topic}", "shop.Orders-EU"))
        .isEqualTo(new TableTemplate.Resolved(TableName.parse("app.shop_orders_eu").orElseThrow()));
    assertThat(TableTemplate.normalize("Ünïcode Name!")).isEqualTo("_n_code_name_");
  }

  @Test
  void groupsHeadersAndFieldsAreSubstituted() throws Exception {
    TableTemplate template = TableTemplate.parse("app.{1}_{header:kind}_{field:/meta/tenant}", APP);

    TableTemplate.Resolution r =
        template.resolve(
            List.of("Orders"),
            "shop.Orders",
            headers("kind", "Created"),
            json("{\"meta\": {\"tenant\": 42}}"));

    assertThat(r)
        .isEqualTo(
            new TableTemplate.Resolved(TableName.parse("app.orders_created_42").orElseThrow()));
    assertThat(template.maxGroup()).isEqualTo(1);
    assertThat(template.readsValue()).isTrue();
  }

  @Test
  void anAbsentNullOrEmptyValueIsMissing() throws Exception {
    TableTemplate byHeader = TableTemplate.parse("app.{header:kind}", APP);
    TableTemplate byField = TableTemplate.parse("app.{field:/kind}", APP);
    TableTemplate byGroup = TableTemplate.parse("app.{2}", APP);

    assertThat(byHeader.resolve(List.of(), "t", new RecordHeaders(), null))
        .isEqualTo(
            new TableTemplate.Missing(
                "table template needs header 'kind', which the record lacks or has empty"));
    assertThat(byHeader.resolve(List.of(), "t", headers("kind", ""), null))
        .isInstanceOf(TableTemplate.Missing.class);
    assertThat(byHeader.resolve(List.of(), "t", headers("kind", null), null))
        .isInstanceOf(TableTemplate.Missing.class);
    for (String value : List.of("{}", "{\"kind\": null}", "{\"kind\": \"\"}", "{\"kind\": {}}")) {
      assertThat(byField.resolve(List.of(), "t", new RecordHeaders(), json(value)))
          .as(value)
          .isInstanceOf(TableTemplate.Missing.class);
    }
    assertThat(byGroup.resolve(List.of("x"), "t", new RecordHeaders(), null))
        .isEqualTo(
            new TableTemplate.Missing(
                "table template needs group 2 of the topic pattern, which topic 't' does not"
                    + " give"));
  }

  @Test
  void aNameTheAllowListRefusesOrThatIsNoIdentifierIsNotAllowed() {
    assertThat(resolve("other.{topic}", "orders"))
        .isEqualTo(
            new TableTemplate.NotAllowed(
                "table template other.{topic} resolved to 'other.orders', which tables-allowed"
                    + " (app\\.[a-z0-9_]+) does not allow"));
    assertThat(resolve("app.{topic}", "2024")) // a leading digit
        .isEqualTo(
            new TableTemplate.NotAllowed(
                "table template app.{topic} resolved to 'app.2024', which is not a valid table"
                    + " name (schema.table, each part a letter or '_' then up to 62 letters,"
                    + " digits and '_')"));
    assertThat(resolve("app.{topic}", "x".repeat(63))).isInstanceOf(TableTemplate.Resolved.class);
    assertThat(resolve("app.{topic}", "x".repeat(64))).isInstanceOf(TableTemplate.NotAllowed.class);
    assertThat(resolve("{topic}", "orders")) // the allow-list matches the name as written
        .isInstanceOf(TableTemplate.NotAllowed.class);
  }

  @Test
  void badTemplatesSayWhatIsWrong() {
    assertThatThrownBy(() -> TableTemplate.parse("app.{0}", APP))
        .hasMessageContaining("unknown placeholder {0}");
    assertThatThrownBy(() -> TableTemplate.parse("app.{10}", APP))
        .hasMessageContaining("unknown placeholder {10}");
    assertThatThrownBy(() -> TableTemplate.parse("app.{header:}", APP))
        .hasMessageContaining("unknown placeholder {header:}");
    assertThatThrownBy(() -> TableTemplate.parse("app.topic}", APP))
        .hasMessage("has a '}' without its '{'");
    assertThatThrownBy(() -> TableTemplate.parse("app.{field:/a~2}", APP))
        .hasMessage("{field:/a~2} needs a JSON Pointer to a field, e.g. {field:/tenant}");
  }
}
