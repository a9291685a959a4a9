package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a pipeline's {@code topic-pattern}, the alternative to {@code topics}, and checks the
 * patterns of all pipelines together: they must combine into the one expression the consumer
 * subscribes with.
 */
final class TopicPatternReader {
  private TopicPatternReader() {}

  /**
   * A pipeline's {@code topic-pattern}.
   *
   * @param set whether the key is set at all (then {@code topics} is not required)
   * @param pattern the compiled expression; empty when not set or not valid (a problem was added)
   */
  record Read(boolean set, Optional<TopicPattern> pattern) {}

  /**
   * The {@code topic-pattern} of {@code s}. Setting it together with a non-empty {@code topics} is
   * a problem, as are an expression Java cannot compile and one with back-references (which the
   * combined subscription could not keep).
   */
  static Read read(Section s) {
    Optional<String> regex = s.optionalString("topic-pattern");
    if (regex.isEmpty()) {
      return new Read(false, Optional.empty());
    }
    String key = s.key("topic-pattern");
    if (!s.stringList("topics").isEmpty()) {
      s.problem(key, "and topics are both set; a pipeline takes exactly one of them");
    }
    if (hasBackReference(regex.get())) {
      s.problem(key, "may not use back-references (\\1, \\k<name>), was '" + regex.get() + "'");
      return new Read(true, Optional.empty());
    }
    try {
      return new Read(true, Optional.of(TopicPattern.compile(regex.get())));
    } catch (PatternSyntaxException e) {
      s.problem(
          key,
          "is not a valid Java regular expression: "
              + e.getDescription()
              + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
              + " in '"
              + regex.get()
              + "'");
      return new Read(true, Optional.empty());
    }
  }

  /** Whether {@code regex} refers back to a group ({@code \1}…{@code \9}, {@code \k<name>}). */
  static boolean hasBackReference(String regex) {
    for (int i = 0; i < regex.length() - 1; i++) {
      if (regex.charAt(i) != '\\') {
        continue;
      }
      char next = regex.charAt(i + 1);
      if (next == 'Q') {
        int end = regex.indexOf("\\E", i + 2);
        if (end < 0) {
          return false; // quoted to the end
        }
        i = end + 1;
      } else if ((next >= '1' && next <= '9')
          || (next == 'k' && i + 2 < regex.length() && regex.charAt(i + 2) == '<')) {
        return true;
      } else {
        i++; // an escaped character, such as \\ or \.
      }
    }
    return false;
  }

  /**
   * Adds a problem for a pattern that is the same as an earlier pipeline's (it would never get a
   * topic) and for one that cannot be combined with the earlier ones (two groups of the same name,
   * or a comment running to the end).
   *
   * @param sections the pipelines' sections, in file order, matching {@code pipelines}
   */
  static void checkTogether(List<Section> sections, List<PipelineSettings> pipelines) {
    List<String> earlier = new ArrayList<>();
    for (int i = 0; i < pipelines.size(); i++) {
      PipelineSettings p = pipelines.get(i);
      if (p.topicPattern().isEmpty()) {
        continue;
      }
      Section s = sections.get(i);
      String regex = p.topicPattern().get().regex();
      Optional<PipelineSettings> same =
          pipelines.subList(0, i).stream()
              .filter(o -> o.topicPattern().map(t -> t.regex().equals(regex)).orElse(false))
              .findFirst();
      if (same.isPresent()) {
        s.problem(
            s.key("topic-pattern"),
            "is the same as pipeline "
                + same.get().name()
                + "'s, which takes every topic it matches first");
        continue;
      }
      List<String> with = new ArrayList<>(earlier);
      with.add(regex);
      try {
        Pattern.compile(TopicRouting.subscription(List.of(), with, "x"));
        earlier.add(regex);
      } catch (PatternSyntaxException e) {
        s.problem(
            s.key("topic-pattern"),
            "cannot be combined with the topic patterns before it into one subscription: "
                + e.getDescription()
                + " (use distinct group names, and no comment that runs to the end)");
      }
    }
  }
}
