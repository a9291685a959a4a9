package dev.ferry.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code worker.memory-budget}: the heap the records a worker holds may take, either a size ({@code
 * 96MiB}) or a share of the JVM's maximum heap ({@code 25%}, the default). Resolved to bytes at
 * start, against the heap of the running JVM ({@link #resolve(long)}), so that one config file fits
 * containers of any size.
 *
 * @param bytes the size when one was given; then {@code heapPercent} is unused
 * @param heapPercent the share of the maximum heap, in percent, when no size was given
 */
public record MemoryBudget(Optional<Long> bytes, int heapPercent) {
  /** The default: a quarter of the heap (see docs/decisions/0012-memory-budget-in-bytes.md). */
  public static final MemoryBudget DEFAULT = new MemoryBudget(Optional.empty(), 25);

  /** The smallest budget accepted: below it the consumer could not fetch usefully. */
  public static final long MIN_BYTES = 1024 * 1024;

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]i?B?|B)?");
  private static final Pattern PERCENT = Pattern.compile("(\\d+)\\s*%");

  /** The budget in bytes for a JVM whose maximum heap is {@code maxHeapBytes}. */
  public long resolve(long maxHeapBytes) {
    return bytes.orElseGet(
        () ->
            Math.max(
                MIN_BYTES,
                maxHeapBytes / 100 * heapPercent + maxHeapBytes % 100 * heapPercent / 100));
  }

  /**
   * Parses {@code 25%}, a plain number of bytes, or a number with a unit: {@code KiB}, {@code MiB},
   * {@code GiB}, {@code TiB} (also {@code Ki}, {@code Mi}, … as in Kubernetes) are powers of 1024;
   * {@code KB}, {@code MB}, {@code GB}, {@code TB} (also {@code K}, {@code M}, …) powers of 1000.
   *
   * @return empty when the text is none of these, or overflows
   */
  public static Optional<MemoryBudget> parse(String text) {
    String t = text.trim();
    Matcher percent = PERCENT.matcher(t);
    if (percent.matches()) {
      try {
        return Optional.of(new MemoryBudget(Optional.empty(), Integer.parseInt(percent.group(1))));
      } catch (NumberFormatException tooLarge) {
        return Optional.empty();
      }
    }
    Matcher size = SIZE.matcher(t);
    if (!size.matches()) {
      return Optional.empty();
    }
    String unit = size.group(2) == null ? "B" : size.group(2);
    long multiplier =
        switch (unit.replace("B", "")) {
          case "" -> 1L;
          case "K" -> 1000L;
          case "Ki" -> 1L << 10;
          case "M" -> 1000L * 1000;
          case "Mi" -> 1L << 20;
          case "G" -> 1000L * 1000 * 1000;
          case "Gi" -> 1L << 30;
          case "T" -> 1000L * 1000 * 1000 * 1000;
          default -> 1L << 40;
        };
    try {
      return Optional.of(
          new MemoryBudget(
              Optional.of(Math.multiplyExact(Long.parseLong(size.group(1)), multiplier)), 0));
    } catch (ArithmeticException | NumberFormatException tooLarge) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return bytes.map(MemoryBudget::format).orElse(heapPercent + "%");
  }

  /** A size in the largest binary unit that divides it exactly, e.g. {@code 96MiB}. */
  public static String format(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (units.length - i));
      if (bytes != 0 && bytes % unit == 0) {
        return bytes / unit + units[i];
      }
    }
    return bytes + "B";
  }
}
