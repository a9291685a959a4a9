package dev.ferry.config;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in config values with environment variables.
 * An unset variable without a default is a problem reported with the key that used it. {@code $${}
 * is an escaped, literal {@code ${}, never substituted.
 */
final class EnvSubstitution {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$(\\$\\{)|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Function<String, String> env;

  EnvSubstitution(Function<String, String> env) {
    this.env = env;
  }

  static EnvSubstitution fromSystem() {
    Map<String, String> environment = System.getenv();
    return new EnvSubstitution(environment::get);
  }

  /** Substitutes every reference in {@code text}; unresolved names are added to {@code missing}. */
  String apply(String text, List<String> missing) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      if (m.group(1) != null) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group(1)));
        continue;
      }
      String value = env.apply(m.group(2));
      if (value == null || (value.isEmpty() && m.group(3) != null)) {
        value = m.group(3);
      }
      if (value == null) {
        missing.add(m.group(2));
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
