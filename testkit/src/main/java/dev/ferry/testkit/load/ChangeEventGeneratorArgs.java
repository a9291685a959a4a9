package dev.ferry.testkit.load;

/** The command line of {@link ChangeEventGenerator#main}. */
record ChangeEventGeneratorArgs(
    String bootstrap,
    String topic,
    long count,
    int keys,
    long seed,
    String topicPrefix,
    String schema,
    String table,
    boolean schemas) {

  static final String USAGE =
      "usage: change-event-generator --bootstrap HOST:PORT --topic T --count N [--keys K]"
          + " [--seed S] [--topic-prefix P] [--table SCHEMA.TABLE] [--schemas true|false]";

  /**
   * @throws IllegalArgumentException naming the first bad or missing option
   */
  static ChangeEventGeneratorArgs parse(String... args) {
    String bootstrap = null;
    String topic = null;
    long count = -1;
    int keys = 0;
    long seed = 1;
    String prefix = "bench";
    String table = "public.events";
    boolean schemas = true;
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      try {
        switch (option) {
          case "--bootstrap" -> bootstrap = value;
          case "--topic" -> topic = value;
          case "--count" -> count = Long.parseLong(value);
          case "--keys" -> keys = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--topic-prefix" -> prefix = value;
          case "--table" -> table = value;
          case "--schemas" -> schemas = bool(option, value);
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be a number, was '" + value + "'", e);
      }
    }
    if (bootstrap == null || topic == null || count < 0) {
      throw new IllegalArgumentException("--bootstrap, --topic and --count are required");
    }
    if (keys == 0) {
      keys = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 1, count / 4));
    }
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be >= 1, was " + keys);
    }
    int dot = table.indexOf('.');
    if (dot < 1 || dot == table.length() - 1) {
      throw new IllegalArgumentException("--table must be SCHEMA.TABLE, was '" + table + "'");
    }
    return new ChangeEventGeneratorArgs(
        bootstrap,
        topic,
        count,
        keys,
        seed,
        prefix,
        table.substring(0, dot),
        table.substring(dot + 1),
        schemas);
  }

  private static boolean bool(String option, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(option + " must be true or false");
    };
  }

  ChangeEventSequence sequence() {
    return new ChangeEventSequence(seed, keys, topicPrefix, schema, table, schemas);
  }
}
