package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read cursor over one mapping of the YAML tree. Every accessor records the key as known and,
 * instead of throwing, adds a problem naming the full key path and falls back to a placeholder, so
 * that one pass reports every problem in the file.
 */
final class Section {
  private final String path;
  private final JsonNode node;
  private final List<String> problems;
  private final EnvSubstitution env;
  private final Path base;
  private final Set<String> known = new HashSet<>();
  private final Set<String> read;

  /** A section whose relative paths resolve against the working directory. */
  Section(String path, JsonNode node, List<String> problems, EnvSubstitution env) {
    this(path, node, problems, env, Path.of("").toAbsolutePath());
  }

  /**
   * @param base the directory relative paths resolve against: the config file's
   */
  Section(String path, JsonNode node, List<String> problems, EnvSubstitution env, Path base) {
    this(path, node, problems, env, base, new java.util.TreeSet<>());
  }

  /**
   * @param read collects the full path of every key read, for the documentation check
   */
  private Section(
      String path,
      JsonNode node,
      List<String> problems,
      EnvSubstitution env,
      Path base,
      Set<String> read) {
    this.base = base;
    this.read = read;
    this.path = path;
    this.node = node == null ? MissingNode.getInstance() : node;
    this.problems = problems;
    this.env = env;
    if (!this.node.isMissingNode() && !this.node.isNull() && !this.node.isObject()) {
      problem(path, "must be a mapping of keys to values");
    }
  }

  /** Whether the section is in the file at all (an absent optional section is not an error). */
  boolean isPresent() {
    return !node.isMissingNode() && !node.isNull();
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  void problem(String key, String message) {
    problems.add(key + " " + message);
  }

  private JsonNode raw(String name) {
    known.add(name);
    read.add(key(name).replaceAll("\\[\\d+]", "[]"));
    JsonNode value = node.isObject() ? node.get(name) : null;
    return value == null || value.isNull() ? null : value;
  }

  Section section(String name) {
    return new Section(key(name), raw(name), problems, env, base, read);
  }

  private Optional<String> scalar(String name, JsonNode value) {
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isValueNode()) {
      problem(key(name), "must be a single value, was " + describe(value));
      return Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    String text = env.apply(value.asText(), missing);
    for (String variable : missing) {
      problem(key(name), "refers to environment variable " + variable + ", which is not set");
    }
    return Optional.of(text);
  }

  Optional<String> optionalString(String name) {
    return scalar(name, raw(name)).filter(s -> !s.isBlank());
  }

  /**
   * A file or directory path; a relative one is resolved against the directory of the config file,
   * so that a config and the files it names can move together.
   */
  Optional<Path> optionalPath(String name) {
    return optionalString(name).map(text -> base.resolve(text.trim()).normalize());
  }

  String string(String name, String fallback) {
    return optionalString(name).orElse(fallback);
  }

  String requiredString(String name) {
    Optional<String> value = optionalString(name);
    if (value.isEmpty()) {
      problem(key(name), "is required");
    }
    return value.orElse("");
  }

  int integer(String name, int fallback, int min, int max) {
    Optional<String> text = scalar(name, raw(name));
    if (text.isEmpty()) {
      return fallback;
    }
    int value;
    try {
      value = Integer.parseInt(text.get().trim());
    } catch (NumberFormatException e) {
      problem(key(name), "must be a whole number, was '" + text.get() + "'");
      return fallback;
    }
    if (value < min || value > max) {
      problem(
          key(name),
          max == Integer.MAX_VALUE
              ? "must be ≥ " + min + ", was " + value
              : "must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  double decimal(String name, double fallback, double min, double max) {
    Optional<String> text = scalar(name, raw(name));
    if (text.isEmpty()) {
      return fallback;
    }
    double value;
    try {
      value = Double.parseDouble(text.get().trim());
    } catch (NumberFormatException e) {
      problem(key(name), "must be a number, was '" + text.get() + "'");
      return fallback;
    }
    if (!(value >= min && value <= max)) {
      problem(key(name), "must be between " + min + " and " + max + ", was " + text.get());
    }
    return value;
  }

  boolean bool(String name, boolean fallback) {
    Optional<String> text = scalar(name, raw(name));
    if (text.isEmpty()) {
      return fallback;
    }
    return switch (text.get().trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problem(key(name), "must be true or false, was '" + text.get() + "'");
        yield fallback;
      }
    };
  }

  Duration duration(String name, Duration fallback, Duration min) {
    Optional<String> text = scalar(name, raw(name));
    if (text.isEmpty()) {
      return fallback;
    }
    Optional<Duration> value = Durations.parse(text.get());
    if (value.isEmpty()) {
      problem(
          key(name), "must be a duration such as 250ms, 30s, 5m or 1h, was '" + text.get() + "'");
      return fallback;
    }
    if (value.get().compareTo(min) < 0) {
      problem(key(name), "must be ≥ " + Durations.format(min) + ", was " + text.get());
    }
    return value.get();
  }

  List<String> stringList(String name) {
    JsonNode value = raw(name);
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    if (value.isValueNode()) {
      scalar(name, value).ifPresent(out::add);
      return out;
    }
    if (!value.isArray()) {
      problem(key(name), "must be a list, was " + describe(value));
      return out;
    }
    for (int i = 0; i < value.size(); i++) {
      scalar(name + "[" + i + "]", value.get(i)).ifPresent(out::add);
    }
    return out;
  }

  /** A mapping of string keys to scalar values, in file order. */
  Map<String, String> stringMap(String name) {
    JsonNode value = raw(name);
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    if (!value.isObject()) {
      problem(key(name), "must be a mapping, was " + describe(value));
      return out;
    }
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (e.getValue().isNull()) {
        problem(key(name) + "." + e.getKey(), "has no value");
        continue;
      }
      scalar(name + "." + e.getKey(), e.getValue()).ifPresent(v -> out.put(e.getKey(), v));
    }
    return out;
  }

  List<Section> sections(String name) {
    JsonNode value = raw(name);
    List<Section> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    if (!value.isArray()) {
      problem(key(name), "must be a list, was " + describe(value));
      return out;
    }
    for (int i = 0; i < value.size(); i++) {
      out.add(new Section(key(name) + "[" + i + "]", value.get(i), problems, env, base, read));
    }
    return out;
  }

  /** Every key path read so far through this section and the ones it opened ({@code a[].b}). */
  Set<String> keysRead() {
    return java.util.Collections.unmodifiableSet(read);
  }

  /** Reports keys that no accessor asked for: most often a typo that would silently be ignored. */
  void rejectUnknownKeys() {
    if (!node.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!known.contains(e.getKey())) {
        problem(key(e.getKey()), "is not a known setting");
      }
    }
  }

  private static String describe(JsonNode value) {
    if (value.isArray()) {
      return "a list";
    }
    if (value.isObject()) {
      return "a mapping";
    }
    return "'" + value.asText() + "'";
  }
}
