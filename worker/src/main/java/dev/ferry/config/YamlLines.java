package dev.ferry.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each key of a YAML file is, by the path the loader names it with ({@code
 * pipelines[0].columns.id}), and which keys a mapping repeats: the tree Jackson builds keeps only
 * the last of two equal keys and forgets the lines, so the file is also composed into SnakeYAML's
 * node tree, which keeps both. Immutable.
 */
final class YamlLines {
  private final Map<String, Integer> lines;
  private final List<String> duplicates;

  private YamlLines(Map<String, Integer> lines, List<String> duplicates) {
    this.lines = lines;
    this.duplicates = duplicates;
  }

  /** The lines of {@code yaml}; none (and no duplicates) when it does not compose. */
  static YamlLines of(String yaml) {
    Map<String, Integer> lines = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    try {
      Node root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
      if (root != null) {
        walk("", root, lines, duplicates);
      }
    } catch (YAMLException unreadable) {
      // Jackson reports the syntax error; without a tree there are no lines to give.
    }
    return new YamlLines(Map.copyOf(lines), List.copyOf(duplicates));
  }

  private static void walk(
      String path, Node node, Map<String, Integer> lines, List<String> duplicates) {
    if (node instanceof MappingNode mapping) {
      Map<String, List<Integer>> seen = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
          continue;
        }
        String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
        int line = key.getStartMark().getLine() + 1;
        seen.computeIfAbsent(child, k -> new ArrayList<>()).add(line);
        lines.putIfAbsent(child, line);
        walk(child, tuple.getValueNode(), lines, duplicates);
      }
      seen.forEach(
          (key, at) -> {
            if (at.size() > 1) {
              duplicates.add(key + " is set " + at.size() + " times (" + list(at) + "); keep one");
            }
          });
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        String child = path + "[" + i + "]";
        lines.putIfAbsent(child, items.get(i).getStartMark().getLine() + 1);
        walk(child, items.get(i), lines, duplicates);
      }
    }
  }

  /** "line 3", "lines 3 and 7", "lines 3, 5 and 7". */
  private static String list(List<Integer> lines) {
    List<String> text = lines.stream().distinct().map(String::valueOf).toList();
    if (text.size() == 1) {
      return "line " + text.get(0);
    }
    return "lines "
        + String.join(", ", text.subList(0, text.size() - 1))
        + " and "
        + text.get(text.size() - 1);
  }

  /** One problem per key a mapping repeats, naming the key and every line it is on. */
  List<String> duplicates() {
    return duplicates;
  }

  /**
   * The line of the key a problem is about: the longest key path the problem starts with, so a
   * missing key is placed at its section; empty when the problem names no key of the file.
   */
  Optional<Integer> lineOf(String problem) {
    String best = null;
    for (String path : lines.keySet()) {
      if (problem.startsWith(path)
          && problem.length() > path.length()
          && " .[".indexOf(problem.charAt(path.length())) >= 0
          && (best == null || path.length() > best.length())) {
        best = path;
      }
    }
    return Optional.ofNullable(best).map(lines::get);
  }

  /** {@code problem}, with the line of its key when the file has it. */
  String located(String problem) {
    return lineOf(problem).map(line -> problem + " (line " + line + ")").orElse(problem);
  }
}
