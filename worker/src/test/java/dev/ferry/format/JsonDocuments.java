package dev.ferry.format;

import java.util.List;
import java.util.Random;

/**
 * Random JSON object texts for comparing readers: nested objects and arrays, every scalar kind,
 * integers at the int and long edges and beyond, decimals with exponents and trailing zeros,
 * negative zero, unicode and escapes, duplicate keys, random whitespace. Seeded, so a failure
 * repeats.
 */
public final class JsonDocuments {
  /** Top-level (and nested) field names; few, so that duplicates are common. */
  public static final List<String> KEYS =
      List.of("a", "b", "attrs", "list", "é", "k\"q", "x/y", "😀", "");

  private static final String[] NUMBERS = {
    "0",
    "-0",
    "7",
    "-1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "0.0",
    "-0.0",
    "1.50",
    "100.000",
    "1e5",
    "1E+5",
    "1.0E-7",
    "2.50e+3",
    "-3.25E2",
    "0.1000000000000000055511151231257827",
    "123456789012345678901234567890.000",
    "5e-324",
    "1.7976931348623157e308",
    "1e400",
    "-1.0e-400"
  };

  private static final String[] STRINGS = {
    "",
    "plain",
    "é ü ß",
    "😀",
    "line\\nbreak",
    "tab\\t",
    "quote\\\"",
    "back\\\\slash",
    "\\/slash",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\u20ac",
    "\\\\u0000 is text",
    "mixed 😀 \\u00fc"
  };

  private final Random random;

  public JsonDocuments(long seed) {
    this.random = new Random(seed);
  }

  /** The next document: an object of up to eight fields, nested up to four deep. */
  public String next() {
    return object(0);
  }

  private String object(int depth) {
    StringBuilder b = new StringBuilder("{").append(space());
    int n = random.nextInt(depth == 0 ? 9 : 5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(',').append(space());
      }
      b.append('"').append(escapeKey(KEYS.get(random.nextInt(KEYS.size())))).append('"');
      b.append(space()).append(':').append(space()).append(value(depth + 1)).append(space());
    }
    return b.append('}').toString();
  }

  private String array(int depth) {
    StringBuilder b = new StringBuilder("[").append(space());
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(space()).append(',').append(space());
      }
      b.append(value(depth + 1));
    }
    return b.append(space()).append(']').toString();
  }

  private String value(int depth) {
    int kind = random.nextInt(depth >= 4 ? 6 : 8);
    return switch (kind) {
      case 0, 1 -> NUMBERS[random.nextInt(NUMBERS.length)];
      case 2, 3 -> '"' + STRINGS[random.nextInt(STRINGS.length)] + '"';
      case 4 -> random.nextBoolean() ? "true" : "false";
      case 5 -> "null";
      case 6 -> object(depth);
      default -> array(depth);
    };
  }

  private static String escapeKey(String key) {
    return key.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private String space() {
    return switch (random.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\n  ";
      case 2 -> "\t";
      default -> "";
    };
  }
}
