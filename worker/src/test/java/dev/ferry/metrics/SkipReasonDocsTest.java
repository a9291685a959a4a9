package dev.ferry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md} lists exactly the {@code reason} labels of {@code
 * ferry_records_skipped_total} that {@link SkipReason} declares: a new skip reason without docs, or
 * a documented one that no longer exists, fails here.
 */
class SkipReasonDocsTest {
  private static final Path DOC = Path.of("..", "docs", "metrics.md");
  private static final String ROW = "| `ferry_records_skipped_total` |";
  private static final String REASON = "`reason`:";
  private static final Pattern LABEL = Pattern.compile("`([a-z-]+)`");

  @Test
  void everySkipReasonIsDocumentedAndEveryDocumentedOneExists() throws Exception {
    Set<String> declared =
        Arrays.stream(SkipReason.values())
            .map(SkipReason::label)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(documented()).isEqualTo(declared);
  }

  /** The values after {@code `reason`:} in the labels column of the counter's row. */
  private static Set<String> documented() throws Exception {
    String row =
        Files.readAllLines(DOC).stream()
            .filter(line -> line.startsWith(ROW))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no row " + ROW + " in " + DOC));
    String labels = row.substring(ROW.length()).split("\\|")[1]; // type | labels | meaning
    assertThat(labels).as("the labels column of %s", ROW).contains(REASON);
    Set<String> values = new TreeSet<>();
    Matcher m = LABEL.matcher(labels.substring(labels.indexOf(REASON) + REASON.length()));
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }
}
