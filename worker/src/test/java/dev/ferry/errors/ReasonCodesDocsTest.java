package dev.ferry.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/errors.md} documents exactly the reason codes a dead letter can carry, each with the
 * stage {@link Reason} gives it: a new code without a row in the table, a documented code that no
 * longer exists, or a row naming the wrong stage fails here.
 */
class ReasonCodesDocsTest {
  private static final Path DOC = Path.of("..", "docs", "errors.md");
  private static final String SECTION = "## Reason codes";
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([a-z]+) \\|");

  @Test
  void everyReasonIsDocumentedWithItsStageAndEveryDocumentedReasonExists() throws Exception {
    Map<String, String> catalogue = new TreeMap<>();
    Arrays.stream(Reason.values()).forEach(r -> catalogue.put(r.code(), r.stage().label()));

    assertThat(documented())
        .as("code -> stage in %s (actual) and in dev.ferry.errors.Reason (expected)", DOC)
        .isEqualTo(catalogue);
  }

  @Test
  void codesAreShortLowerCaseWordsJoinedByHyphens() {
    for (Reason reason : Reason.values()) {
      assertThat(reason.code()).as(reason.name()).matches("[a-z0-9]+(-[a-z0-9]+)*");
    }
    assertThat(Arrays.stream(Reason.values()).map(Reason::code).distinct())
        .hasSize(Reason.values().length);
  }

  /** Code to stage, from the rows of the reason table. */
  private static Map<String, String> documented() throws Exception {
    Map<String, String> codes = new TreeMap<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(DOC)) {
      if (line.startsWith("## ")) {
        inSection = line.trim().equals(SECTION);
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (inSection && m.find()) {
        assertThat(codes.put(m.group(1), m.group(2)))
            .as("%s documented twice", m.group(1))
            .isNull();
      }
    }
    assertThat(codes).as("the table under '%s' in %s", SECTION, DOC).isNotEmpty();
    return codes;
  }
}
