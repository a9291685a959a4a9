package dev.ferry.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The lean reader against {@code MAPPER.readTree} on generated documents: node for node the same
 * tree (same node classes, same number representation, same field order), whole or restricted to
 * some top-level fields, and the kept objects and arrays hold their exact text.
 */
class JsonTreeReaderTest {
  private static final int DOCUMENTS = 4_000;

  @Test
  void wholeValueIsNodeForNodeWhatReadTreeGives() throws Exception {
    JsonDocuments documents = new JsonDocuments(19);
    JsonTreeReader reader = JsonTreeReader.whole(JsonFormat.MAPPER);
    for (int i = 0; i < DOCUMENTS; i++) {
      byte[] text = documents.next().getBytes(UTF_8);
      JsonNode expected = JsonFormat.MAPPER.readTree(text);

      ObjectNode actual = reader.read(text);

      assertSame(expected, actual, new String(text, UTF_8));
      assertThat(actual.properties()).noneMatch(e -> e.getValue() instanceof RawJson);
    }
  }

  @Test
  void mappedFieldsAreReadTreesFieldsAndTheRestIsLeftOut() throws Exception {
    JsonDocuments documents = new JsonDocuments(20);
    Random pick = new Random(21);
    for (int i = 0; i < DOCUMENTS; i++) {
      byte[] text = documents.next().getBytes(UTF_8);
      Set<String> fields = new HashSet<>();
      for (String key : JsonDocuments.KEYS) {
        if (pick.nextInt(3) == 0) {
          fields.add(key);
        }
      }
      ObjectNode expected = (ObjectNode) JsonFormat.MAPPER.readTree(text);
      expected.retain(fields);

      ObjectNode actual = JsonTreeReader.only(JsonFormat.MAPPER, fields).read(text);

      String context = new String(text, UTF_8) + " fields " + fields;
      assertSame(expected, actual, context);
      for (var field : actual.properties()) {
        if (field.getValue().isContainerNode()) {
          String raw = ((RawJson) field.getValue()).rawJson();
          assertThat(new String(text, UTF_8)).as(context).contains(raw);
          assertSame(JsonFormat.MAPPER.readTree(raw), field.getValue(), context + " raw " + raw);
        }
      }
    }
  }

  @Test
  void rawTextIsTheSliceAsWrittenEvenAfterMultiByteCharacters() throws Exception {
    String attrs = "{ \"n\" : 1.50 ,\"s\":\"\\u00e9\", \"n\":2 }";
    String list = "[1e5, \"😀\"]";
    byte[] text =
        ("{\"é😀\":\"ü\",\"attrs\":" + attrs + ",\"list\":" + list + ",\"skip\":{\"a\":[]}}")
            .getBytes(UTF_8);

    ObjectNode node = JsonTreeReader.only(JsonFormat.MAPPER, Set.of("attrs", "list")).read(text);

    assertThat(((RawJson) node.get("attrs")).rawJson()).isEqualTo(attrs);
    assertThat(((RawJson) node.get("list")).rawJson()).isEqualTo(list);
    assertThat(node.get("attrs").toString()).isEqualTo("{\"n\":2,\"s\":\"é\"}");
    assertThat(node.has("skip")).isFalse();
  }

  /** Same classes (a kept slice counts as its plain node), values, field order and scale. */
  static void assertSame(JsonNode expected, JsonNode actual, String context) {
    assertThat(plainClass(actual)).as(context).isEqualTo(expected.getClass());
    if (expected.isObject()) {
      assertThat(names(actual)).as(context).isEqualTo(names(expected));
      for (String name : names(expected)) {
        assertSame(expected.get(name), actual.get(name), context + " at " + name);
      }
    } else if (expected.isArray()) {
      assertThat(actual.size()).as(context).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertSame(expected.get(i), actual.get(i), context + " at [" + i + "]");
      }
    } else if (expected.isNumber()) {
      // BigDecimal.equals: the scale too (1.50 is not 1.5), unlike DecimalNode.equals.
      assertThat(actual.numberValue()).as(context).isEqualTo(expected.numberValue());
    } else {
      assertThat(actual).as(context).isEqualTo(expected);
    }
  }

  private static Class<?> plainClass(JsonNode node) {
    if (node instanceof RawObjectNode) {
      return ObjectNode.class;
    }
    return node instanceof RawArrayNode ? ArrayNode.class : node.getClass();
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
