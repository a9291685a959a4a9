package dev.ferry.sink;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Newer wins by source position, for the rows of one batch that have one ({@link
 * Row#hasPosition()}): the highest position applied to each row key of a target is kept in {@code
 * ferry.source_positions}, with the target's floor (its last truncate) under {@link #FLOOR}. A row
 * whose position is lower than what its key already reflects is stale; an equal one is applied
 * again (a redelivered event is idempotent). A truncate is stale when any change of its target
 * already applied is newer.
 *
 * <p>Per target and batch: one query reads (and locks) the stored positions of the batch's keys and
 * the floor before the writes, and one statement saves the advanced ones after them (plus, for a
 * batch that applies a truncate, a query of the target's highest position and a delete of the
 * positions the new floor covers). Not thread-safe: one per transaction.
 */
final class SourcePositions {
  /** The {@code row_key} of a target's floor; a key's text is a JSON array, never empty. */
  static final String FLOOR = "";

  private static final long NONE = Long.MIN_VALUE;

  private final Map<String, TargetState> targets;
  private final TargetState[] stateOf;
  private final String[] keyOf;

  private SourcePositions(Map<String, TargetState> targets, TargetState[] stateOf, String[] keyOf) {
    this.targets = targets;
    this.stateOf = stateOf;
    this.keyOf = keyOf;
  }

  /**
   * Reads the stored positions of the keys of {@code rows} that have a position.
   *
   * @return null when no row has a position (the common case: nothing read, nothing allocated)
   */
  static SourcePositions read(Connection c, List<Row> rows, Function<Row, TableWriter> writers)
      throws SQLException {
    Map<String, TargetState> targets = null;
    TargetState[] stateOf = null;
    String[] keyOf = null;
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      if (!row.hasPosition()) {
        continue;
      }
      if (targets == null) {
        targets = new LinkedHashMap<>();
        stateOf = new TargetState[rows.size()];
        keyOf = new String[rows.size()];
      }
      TargetState state = targets.computeIfAbsent(row.target(), TargetState::new);
      stateOf[i] = state;
      if (row.kind() == Row.Kind.TRUNCATE) {
        state.truncates = true;
      } else {
        keyOf[i] = writers.apply(row).keyText(row);
        state.keys.add(keyOf[i]);
      }
    }
    if (targets == null) {
      return null;
    }
    for (TargetState state : targets.values()) {
      state.load(c);
    }
    return new SourcePositions(targets, stateOf, keyOf);
  }

  /**
   * Key values as text that names them unambiguously: a JSON array of strings ({@code
   * ["42","eu"]}), null as JSON null; never empty, unlike {@link #FLOOR}.
   */
  static String keyText(String[] values) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        text.append(',');
      }
      if (values[i] == null) {
        text.append("null");
      } else {
        text.append('"')
            .append(JsonStringEncoder.getInstance().quoteAsString(values[i]))
            .append('"');
      }
    }
    return text.append(']').toString();
  }

  /** Whether row {@code i} is older than what its key (or its whole target) already reflects. */
  boolean stale(int i, Row row) {
    TargetState state = stateOf[i];
    return state != null && row.position() < state.current(keyOf[i]);
  }

  /** Records that row {@code i} (not stale) was applied. */
  void advance(int i, Row row) {
    TargetState state = stateOf[i];
    if (state != null) {
      state.advance(keyOf[i], row.position());
    }
  }

  /** Saves the positions advanced so far, in one statement per target (and its floor). */
  void save(Connection c) throws SQLException {
    for (TargetState state : targets.values()) {
      state.save(c);
    }
  }

  /** What one target's keys reflect: stored, and advanced by this batch. */
  static final class TargetState {
    private final String target;
    private final Set<String> keys = new LinkedHashSet<>();
    private final Map<String, Long> stored = new HashMap<>();
    private final Map<String, Long> advanced = new LinkedHashMap<>();
    private boolean truncates;
    private long floor = NONE;
    private long highest = NONE;
    private boolean floorRaised;

    TargetState(String target) {
      this.target = target;
    }

    /** For a key: the position a row must reach to be applied; for a truncate (null), likewise. */
    long current(String key) {
      if (key == null) {
        return Math.max(floor, highest);
      }
      Long position = advanced.get(key);
      if (position == null) {
        position = stored.get(key);
      }
      return position == null ? floor : Math.max(position, floor);
    }

    void advance(String key, long position) {
      if (key == null) {
        // Every key is at most this high now: the floor stands for them all.
        floor = position;
        highest = position;
        floorRaised = true;
        advanced.clear();
        stored.clear();
        return;
      }
      if (position > current(key)) {
        advanced.put(key, position);
      }
      highest = Math.max(highest, position);
    }

    private void load(Connection c) throws SQLException {
      String[] asked = new String[keys.size() + 1];
      asked[0] = FLOOR;
      int n = 1;
      for (String key : keys) {
        asked[n++] = key;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT row_key, position FROM ferry.source_positions"
                  + " WHERE target = ? AND row_key = ANY(?) FOR UPDATE")) {
        ps.setString(1, target);
        ps.setArray(2, c.createArrayOf("text", asked));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            remember(rs.getString(1), rs.getLong(2));
          }
        }
      }
      if (truncates) {
        // Rare: a truncate must not be older than any change of any key of the target.
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT max(position) FROM ferry.source_positions WHERE target = ?")) {
          ps.setString(1, target);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long max = rs.getLong(1);
            highest = rs.wasNull() ? highest : Math.max(highest, max);
          }
        }
      }
    }

    /** A stored position, as read: of a key, or the floor. */
    void remember(String key, long position) {
      if (key.equals(FLOOR)) {
        floor = position;
      } else {
        stored.put(key, position);
      }
      highest = Math.max(highest, position);
    }

    private void save(Connection c) throws SQLException {
      if (floorRaised) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM ferry.source_positions"
                    + " WHERE target = ? AND row_key <> ? AND position <= ?")) {
          ps.setString(1, target);
          ps.setString(2, FLOOR);
          ps.setLong(3, floor);
          ps.executeUpdate();
        }
      }
      List<String> savedKeys = new ArrayList<>(advanced.size() + 1);
      List<Long> savedPositions = new ArrayList<>(advanced.size() + 1);
      if (floorRaised) {
        savedKeys.add(FLOOR);
        savedPositions.add(floor);
      }
      advanced.forEach(
          (key, position) -> {
            savedKeys.add(key);
            savedPositions.add(position);
          });
      if (savedKeys.isEmpty()) {
        return;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO ferry.source_positions AS s (target, row_key, position)"
                  + " SELECT ?, k, p FROM unnest(CAST(? AS text[]), CAST(? AS bigint[])) AS u(k, p)"
                  + " ON CONFLICT (target, row_key)"
                  + " DO UPDATE SET position = GREATEST(s.position, EXCLUDED.position)")) {
        ps.setString(1, target);
        ps.setArray(2, c.createArrayOf("text", savedKeys.toArray()));
        ps.setArray(3, c.createArrayOf("int8", savedPositions.toArray()));
        ps.executeUpdate();
      }
    }
  }
}
