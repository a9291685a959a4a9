package dev.ferry.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A pipeline's {@code table} with placeholders, and the allow-list ({@code tables-allowed}) every
 * name it resolves to must match. Placeholders: {@code {topic}}, {@code {1}}..{@code {9}} (groups
 * of the pipeline's topic pattern), {@code {header:NAME}} (the record's last header NAME, as UTF-8)
 * and {@code {field:/pointer}} (a JSON Pointer into the value). Each placeholder's value is
 * lower-cased and every character outside {@code [a-z0-9_]} becomes {@code _}; the literal text
 * around them is kept as written. Immutable, thread-safe.
 */
public final class TableTemplate {
  /** The characters a literal part may hold: those of identifiers, and the schema's dot. */
  private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9_$.]*");

  private final String text;
  private final List<Part> parts;
  private final Pattern allowed;

  /** One piece of a template. */
  private sealed interface Part {}

  private record Literal(String text) implements Part {}

  private record Topic() implements Part {}

  private record Group(int number) implements Part {}

  private record HeaderValue(String name) implements Part {}

  private record FieldValue(String text, JsonPointer pointer) implements Part {}

  /** What one record's table resolved to. */
  public sealed interface Resolution {}

  /** The record goes to {@code table}, which is a valid name the allow-list takes. */
  public record Resolved(TableName table) implements Resolution {}

  /**
   * A value the template needs is absent, null or empty (reason {@code route-missing}).
   *
   * @param why which placeholder, and what was missing
   */
  public record Missing(String why) implements Resolution {}

  /**
   * The resolved name is not a valid table name, or the allow-list refuses it (reason {@code
   * table-not-allowed}).
   *
   * @param why the name, and what is wrong with it
   */
  public record NotAllowed(String why) implements Resolution {}

  private TableTemplate(String text, List<Part> parts, Pattern allowed) {
    this.text = text;
    this.parts = List.copyOf(parts);
    this.allowed = allowed;
  }

  /** Whether {@code text} has a placeholder (a {@code '{'}), so that it is read as a template. */
  public static boolean isTemplate(String text) {
    return text.indexOf('{') >= 0 || text.indexOf('}') >= 0;
  }

  /**
   * Parses a template.
   *
   * @param allowed the allow-list, matched against the whole resolved name
   * @throws IllegalArgumentException saying what is wrong with {@code text}
   */
  public static TableTemplate parse(String text, Pattern allowed) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int open = text.indexOf('{', i);
      int end = open < 0 ? text.length() : open;
      if (end > i) {
        parts.add(literal(text.substring(i, end)));
      }
      if (open < 0) {
        break;
      }
      int close = text.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("has a '{' at index " + open + " without its '}'");
      }
      parts.add(placeholder(text.substring(open + 1, close)));
      i = close + 1;
    }
    if (parts.stream().allMatch(p -> p instanceof Literal)) {
      throw new IllegalArgumentException("has no placeholder");
    }
    long dots = text.chars().filter(c -> c == '.').count();
    if (dots > 1) {
      throw new IllegalArgumentException("has more than one '.' (schema.table)");
    }
    return new TableTemplate(text, parts, allowed);
  }

  /**
   * The template of one fixed table, the only one it allows: a pipeline whose table Ferry may
   * create ({@code auto-create}) looks it up per record like a routed one, so that a missing table
   * is created from the first record's declared schema instead of stopping the start.
   */
  public static TableTemplate fixed(TableName table) {
    String text = table.toString();
    return new TableTemplate(text, List.of(literal(text)), Pattern.compile(Pattern.quote(text)));
  }

  private static Literal literal(String text) {
    if (text.indexOf('}') >= 0) {
      throw new IllegalArgumentException("has a '}' without its '{'");
    }
    if (!LITERAL.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "may hold letters, digits, '_', '$' and '.' outside placeholders, has '" + text + "'");
    }
    return new Literal(text);
  }

  private static Part placeholder(String inner) {
    if (inner.equals("topic")) {
      return new Topic();
    }
    if (inner.length() == 1 && inner.charAt(0) >= '1' && inner.charAt(0) <= '9') {
      return new Group(inner.charAt(0) - '0');
    }
    if (inner.startsWith("header:") && inner.length() > "header:".length()) {
      return new HeaderValue(inner.substring("header:".length()));
    }
    if (inner.startsWith("field:")) {
      String pointer = inner.substring("field:".length());
      try {
        if (!pointer.startsWith("/")) {
          throw new IllegalArgumentException("not a pointer to a field");
        }
        return new FieldValue(inner, ConfigLoader.strictPointer(pointer));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "{" + inner + "} needs a JSON Pointer to a field, e.g. {field:/tenant}", e);
      }
    }
    throw new IllegalArgumentException(
        "has an unknown placeholder {"
            + inner
            + "}: use {topic}, {1}..{9}, {header:NAME} or {field:/pointer}");
  }

  /** The template as written in the config. */
  public String text() {
    return text;
  }

  /** The allow-list ({@code tables-allowed}). */
  public Pattern allowed() {
    return allowed;
  }

  /** The highest group number {@code {N}} the template uses; 0 for none. */
  public int maxGroup() {
    return parts.stream()
        .filter(p -> p instanceof Group)
        .mapToInt(p -> ((Group) p).number())
        .max()
        .orElse(0);
  }

  /** Whether a placeholder reads the record value ({@code {field:…}}). */
  public boolean readsValue() {
    return parts.stream().anyMatch(p -> p instanceof FieldValue);
  }

  /** Whether {@code table}, as written, is one the allow-list takes. */
  public boolean allows(TableName table) {
    return allowed.matcher(table.toString()).matches();
  }

  /**
   * The table of one record.
   *
   * @param groups the groups of the pipeline's topic pattern matched against {@code topic}, group 1
   *     first; empty for a pipeline of listed topics
   * @param value the decoded value, or null when the record has none
   */
  public Resolution resolve(List<String> groups, String topic, Headers headers, JsonNode value) {
    StringBuilder name = new StringBuilder(64);
    for (Part part : parts) {
      if (part instanceof Literal l) {
        name.append(l.text());
        continue;
      }
      String raw = value(part, groups, topic, headers, value);
      if (raw == null || raw.isEmpty()) {
        return new Missing(missing(part, topic));
      }
      name.append(normalize(raw));
    }
    String resolved = name.toString();
    Optional<TableName> table = TableName.parse(resolved);
    if (table.isEmpty()) {
      return new NotAllowed(
          "table template "
              + text
              + " resolved to '"
              + resolved
              + "', which is not a valid table name (schema.table, each part a letter or '_'"
              + " then up to 62 letters, digits and '_')");
    }
    if (!allows(table.get())) {
      return new NotAllowed(
          "table template "
              + text
              + " resolved to '"
              + resolved
              + "', which tables-allowed ("
              + allowed.pattern()
              + ") does not allow");
    }
    return new Resolved(table.get());
  }

  private static String value(
      Part part, List<String> groups, String topic, Headers headers, JsonNode value) {
    if (part instanceof Topic) {
      return topic;
    }
    if (part instanceof Group g) {
      return g.number() <= groups.size() ? groups.get(g.number() - 1) : null;
    }
    if (part instanceof HeaderValue h) {
      Header header = headers.lastHeader(h.name());
      return header == null || header.value() == null
          ? null
          : new String(header.value(), StandardCharsets.UTF_8);
    }
    FieldValue f = (FieldValue) part;
    JsonNode node = value == null ? null : value.at(f.pointer());
    return node == null || !node.isValueNode() || node.isNull() ? null : node.asText();
  }

  private static String missing(Part part, String topic) {
    if (part instanceof Group g) {
      return "table template needs group "
          + g.number()
          + " of the topic pattern, which topic '"
          + topic
          + "' does not give";
    }
    if (part instanceof HeaderValue h) {
      return "table template needs header '" + h.name() + "', which the record lacks or has empty";
    }
    if (part instanceof FieldValue f) {
      return "table template needs {"
          + f.text()
          + "}, which the value lacks, has null or empty, or is not a string, number or boolean";
    }
    return "table template needs the topic name";
  }

  /**
   * A placeholder's value as it goes into a table name: lower-cased, every character outside {@code
   * [a-z0-9_]} replaced by {@code _} ({@code shop.Orders-EU} → {@code shop_orders_eu}).
   */
  public static String normalize(String raw) {
    String lower = raw.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
