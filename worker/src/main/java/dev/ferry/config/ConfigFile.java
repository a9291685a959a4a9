package dev.ferry.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One config file as the loader reads it: its YAML tree, the directory its relative paths resolve
 * against, and the file-level checks around reading its settings. A file that cannot be read or
 * parsed is a {@link ConfigException} naming the file (and the line and column of a syntax error);
 * {@link #throwIfAny} adds the keys a mapping repeats and shows each problem with its line.
 *
 * @param text the file's content
 * @param source the file's name, as problems name it
 * @param base the directory relative paths resolve against: the file's own
 * @param root the YAML tree; for a repeated key it holds the last value only
 */
record ConfigFile(String text, String source, Path base, JsonNode root) {
  /** Reads and parses {@code file}. */
  static ConfigFile read(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(), List.of("the file cannot be read: " + e.getMessage()));
    }
    Path parent = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), parent == null ? Path.of("").toAbsolutePath() : parent);
  }

  /**
   * Parses {@code yaml}, named {@code source}, whose relative paths resolve against {@code base}.
   */
  static ConfigFile parse(String yaml, String source, Path base) throws ConfigException {
    try {
      return new ConfigFile(yaml, source, base, new YAMLMapper().readTree(yaml));
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      // The parser read a string, which it calls 'reader' in its excerpts.
      String message = e.getOriginalMessage().replace("in 'reader',", "in " + source + ",");
      throw new ConfigException(
          source, List.of(source + " is not valid YAML" + where + ": " + message));
    }
  }

  /** Whether the file holds no settings at all. */
  boolean isEmpty() {
    return root == null || root.isMissingNode() || root.isNull();
  }

  /** The top-level section, collecting into {@code problems}. */
  Section top(List<String> problems, EnvSubstitution env) {
    return new Section("", root, problems, env, base);
  }

  /**
   * Throws when there are {@code problems} or the file repeats a key (which the YAML tree silently
   * resolved to its last value): every problem in one exception, each shown with its line.
   *
   * @param within the section whose repeated keys count; empty for the whole file
   */
  void throwIfAny(List<String> problems, String within) throws ConfigException {
    YamlLines lines = YamlLines.of(text);
    List<String> repeated =
        lines.duplicates().stream()
            .filter(
                d -> within.isEmpty() || d.startsWith(within + " ") || d.startsWith(within + "."))
            .toList();
    List<String> all = new ArrayList<>(repeated);
    List<String> shown = new ArrayList<>(repeated);
    for (String problem : problems) {
      all.add(problem);
      shown.add(lines.located(problem));
    }
    if (!all.isEmpty()) {
      throw new ConfigException(source, all, shown);
    }
  }
}
