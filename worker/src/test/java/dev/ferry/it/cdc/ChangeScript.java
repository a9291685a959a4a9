package dev.ferry.it.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A random but reproducible (seeded) script of changes to {@code items (id int PRIMARY KEY, version
 * int, note text, amount numeric(12,2))} on a few hundred keys: inserts of absent keys, updates,
 * deletes and primary-key changes, grouped into small transactions. It knows how many records
 * Debezium writes for it: one per insert or update, two per delete (the event and its tombstone),
 * three per key change (delete, tombstone, create).
 */
final class ChangeScript {
  static final String TABLE =
      "(id int PRIMARY KEY, version int NOT NULL, note text, amount numeric(12,2))";

  private final List<List<String>> transactions = new ArrayList<>();
  private long records;

  private ChangeScript() {}

  /**
   * @param keys the key space, ids 1 to {@code keys}; ids 1 to {@code keys / 3} exist at the start
   *     ({@link #initialRows})
   * @param changes how many changes
   */
  static ChangeScript generate(long seed, int keys, int changes) {
    Random random = new Random(seed);
    ChangeScript script = new ChangeScript();
    Set<Integer> present = new TreeSet<>();
    for (int id = 1; id <= keys / 3; id++) {
      present.add(id);
    }
    int version = 0;
    List<String> transaction = new ArrayList<>();
    for (int i = 0; i < changes; i++) {
      int id = 1 + random.nextInt(keys);
      version++;
      if (!present.contains(id)) {
        transaction.add(
            "INSERT INTO items VALUES ("
                + id
                + ", "
                + version
                + ", 'new', "
                + amount(random)
                + ")");
        present.add(id);
        script.records += 1;
      } else {
        int pick = random.nextInt(10);
        if (pick < 6) {
          transaction.add(
              "UPDATE items SET version = "
                  + version
                  + ", note = 'updated', amount = "
                  + amount(random)
                  + " WHERE id = "
                  + id);
          script.records += 1;
        } else if (pick < 8) {
          transaction.add("DELETE FROM items WHERE id = " + id);
          present.remove(id);
          script.records += 2;
        } else {
          int to = 1 + random.nextInt(keys);
          if (present.contains(to)) {
            continue; // the new key is taken: no change this time
          }
          transaction.add(
              "UPDATE items SET id = " + to + ", version = " + version + " WHERE id = " + id);
          present.remove(id);
          present.add(to);
          script.records += 3;
        }
      }
      if (random.nextInt(3) == 0) { // on average three changes per transaction
        script.transactions.add(List.copyOf(transaction));
        transaction.clear();
      }
    }
    if (!transaction.isEmpty()) {
      script.transactions.add(List.copyOf(transaction));
    }
    return script;
  }

  /** The rows before the connector starts, ids 1 to {@code keys / 3}. */
  static String initialRows(int keys) {
    return "INSERT INTO items SELECT g, 0, 'initial', g * 1.25 FROM generate_series(1, "
        + keys / 3
        + ") g";
  }

  private static String amount(Random random) {
    return (random.nextInt(2_000_000) - 1_000_000)
        + "."
        + String.format("%02d", random.nextInt(100));
  }

  /** The transactions, each a list of statements, in order. */
  List<List<String>> transactions() {
    return transactions;
  }

  /** How many records Debezium writes to the table's topic for the script. */
  long records() {
    return records;
  }
}
