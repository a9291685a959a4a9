package dev.ferry.testkit.load;

/** The command line of {@link LoadGenerator#main}. */
record LoadGeneratorArgs(
    String bootstrap,
    String topic,
    int count,
    double rate,
    double badFraction,
    long seed,
    int users) {

  static final String USAGE =
      "usage: load-generator --bootstrap HOST:PORT --topic T --count N [--rate R]"
          + " [--bad-fraction F] [--seed S] [--users U]";

  /**
   * @throws IllegalArgumentException naming the first bad or missing option
   */
  static LoadGeneratorArgs parse(String... args) {
    String bootstrap = null;
    String topic = null;
    Integer count = null;
    double rate = 0;
    double badFraction = 0;
    long seed = 42;
    int users = 1_000;
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
          case "--count" -> count = Integer.parseInt(value);
          case "--rate" -> rate = Double.parseDouble(value);
          case "--bad-fraction" -> badFraction = Double.parseDouble(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--users" -> users = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be a number, was '" + value + "'", e);
      }
    }
    if (bootstrap == null || topic == null || count == null) {
      throw new IllegalArgumentException("--bootstrap, --topic and --count are required");
    }
    LoadGeneratorArgs parsed =
        new LoadGeneratorArgs(bootstrap, topic, count, rate, badFraction, seed, users);
    parsed.toBuilder(); // validates the ranges, naming the builder's field
    return parsed;
  }

  LoadGenerator.Builder toBuilder() {
    return LoadGenerator.builder(bootstrap)
        .topic(topic)
        .count(count)
        .ratePerSecond(rate)
        .badFraction(badFraction)
        .seed(seed)
        .users(users);
  }
}
