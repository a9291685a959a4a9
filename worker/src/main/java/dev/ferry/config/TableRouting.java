package dev.ferry.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the routing keys of a plain pipeline: {@code table} as a template with {@code
 * tables-allowed}, {@code columns-by-name} and {@code unknown-fields}.
 */
final class TableRouting {
  private TableRouting() {}

  /**
   * The table template of pipeline section {@code s}: empty when {@code table} has no placeholder
   * (then {@code tables-allowed} must be absent) or is invalid (a problem names the key).
   */
  static Optional<TableTemplate> template(Section s) {
    String text = s.string("table", "");
    Optional<String> allowedText = s.optionalString("tables-allowed");
    if (!TableTemplate.isTemplate(text)) {
      allowedText.ifPresent(
          a ->
              s.problem(
                  s.key("tables-allowed"),
                  "applies to a table template only: table '" + text + "' has no placeholder"));
      return Optional.empty();
    }
    Pattern allowed = null;
    if (allowedText.isEmpty()) {
      s.problem(
          s.key("tables-allowed"),
          "is required when table is a template: a pattern of the table names records may go to,"
              + " e.g. \"app\\\\.[a-z0-9_]+\"");
    } else {
      try {
        allowed = Pattern.compile(allowedText.get());
      } catch (PatternSyntaxException e) {
        s.problem(
            s.key("tables-allowed"),
            "is not a valid regular expression: "
                + e.getDescription()
                + " ('"
                + e.getPattern()
                + "')");
      }
    }
    TableTemplate template;
    try {
      template = TableTemplate.parse(text, allowed == null ? Pattern.compile("(?!)") : allowed);
    } catch (IllegalArgumentException e) {
      s.problem(s.key("table"), "template '" + text + "' " + e.getMessage());
      return Optional.empty();
    }
    checkGroups(s, template);
    return allowed == null ? Optional.empty() : Optional.of(template);
  }

  /** {@code {N}} needs a {@code topic-pattern} with at least N groups. */
  private static void checkGroups(Section s, TableTemplate template) {
    if (template.maxGroup() == 0) {
      return;
    }
    Optional<String> topicPattern = s.optionalString("topic-pattern");
    if (topicPattern.isEmpty()) {
      s.problem(
          s.key("table"),
          "uses {"
              + template.maxGroup()
              + "}, a group of topic-pattern, but the pipeline has no topic-pattern");
      return;
    }
    try {
      int groups = Pattern.compile(topicPattern.get()).matcher("").groupCount();
      if (template.maxGroup() > groups) {
        s.problem(
            s.key("table"),
            "uses {" + template.maxGroup() + "} but topic-pattern has " + groups + " group(s)");
      }
    } catch (PatternSyntaxException e) {
      // topic-pattern's own reader reports it
    }
  }

  /** {@code columns-by-name}: by default true when {@code columns} is absent. */
  static boolean columnsByName(Section s, java.util.Map<String, ColumnSource> columns) {
    return s.bool("columns-by-name", columns.isEmpty());
  }

  /** {@code unknown-fields} of a plain pipeline: ignore (the default) or dead-letter. */
  static CdcSettings.UnknownFields unknownFields(Section s, TargetSettings primary) {
    Optional<String> text = s.optionalString("unknown-fields");
    if (text.isEmpty()) {
      return CdcSettings.UnknownFields.IGNORE;
    }
    String value = text.get().trim().toLowerCase(Locale.ROOT);
    CdcSettings.UnknownFields fields;
    if (value.equals("ignore")) {
      fields = CdcSettings.UnknownFields.IGNORE;
    } else if (value.equals("dead-letter")) {
      fields = CdcSettings.UnknownFields.DEAD_LETTER;
    } else {
      s.problem(s.key("unknown-fields"), "must be ignore or dead-letter, was '" + text.get() + "'");
      return CdcSettings.UnknownFields.IGNORE;
    }
    if (fields == CdcSettings.UnknownFields.DEAD_LETTER && !primary.columnsByName()) {
      s.problem(
          s.key("unknown-fields"),
          "dead-letter needs columns-by-name: with columns listed only, every other field is"
              + " unused by design");
    }
    return fields;
  }
}
