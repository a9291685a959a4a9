package dev.ferry.sink;

import dev.ferry.config.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Newer wins by a target's version column, before a batch is written: which upserts the table (or
 * an earlier row of the same key in the batch) already makes stale, compared in SQL with the
 * columns' own types, in one query per target. The upsert's own {@code WHERE} is what guarantees
 * that an older version never overwrites a newer one; this check names the rows it would leave as
 * they are, so that they are reported stale and do not hide a newer row of the same batch.
 *
 * <p>A stored or earlier version that is NULL never makes a row stale; a row whose version is NULL
 * is stale against any non-NULL one (as the upsert's {@code stored.v IS NULL OR stored.v <=
 * EXCLUDED.v} decides). A delete of the key, or a truncate, earlier in the batch starts the key
 * afresh: what was stored before it does not count.
 */
final class VersionCheck {
  private VersionCheck() {}

  /**
   * The indexes of the stale rows of {@code rows}.
   *
   * @return null when no row's target has a version column (nothing queried)
   */
  static BitSet stale(Connection c, List<Row> rows, Function<Row, TableWriter> writers)
      throws SQLException {
    Map<String, List<Integer>> byTarget = null;
    Map<String, TableWriter> writerOf = null;
    TableWriter writer = null;
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      // Rows of one table come in runs: one look-up per run.
      if (writer == null || !row.target().equals(rows.get(i - 1).target())) {
        writer = writers.apply(row);
      }
      if (writer.version().isEmpty()) {
        continue;
      }
      if (byTarget == null) {
        byTarget = new LinkedHashMap<>();
        writerOf = new HashMap<>();
      }
      byTarget.computeIfAbsent(row.target(), t -> new ArrayList<>()).add(i);
      writerOf.putIfAbsent(row.target(), writer);
    }
    if (byTarget == null) {
      return null;
    }
    BitSet stale = new BitSet(rows.size());
    for (Map.Entry<String, List<Integer>> target : byTarget.entrySet()) {
      query(c, rows, target.getValue(), writerOf.get(target.getKey()), stale);
    }
    return stale;
  }

  private static void query(
      Connection c, List<Row> rows, List<Integer> indexes, TableWriter writer, BitSet stale)
      throws SQLException {
    List<String> keys = writer.keyNames();
    int version = writer.columnNames().indexOf(writer.version().orElseThrow());
    List<Integer> ordinals = new ArrayList<>();
    List<Integer> segments = new ArrayList<>();
    List<List<String>> keyValues = new ArrayList<>();
    keys.forEach(k -> keyValues.add(new ArrayList<>()));
    List<String> versions = new ArrayList<>();
    // A delete of a key (or a truncate) starts a new segment of it: stored rows only count in
    // segment 0, earlier rows only in the same segment.
    Map<String, Integer> segmentOf = new HashMap<>();
    int truncates = 0;
    for (int i : indexes) {
      Row row = rows.get(i);
      if (row.kind() == Row.Kind.TRUNCATE) {
        truncates++;
        segmentOf.clear();
        continue;
      }
      String key = writer.keyText(row);
      if (row.delete()) {
        segmentOf.merge(key, 1, Integer::sum);
        continue;
      }
      ordinals.add(i);
      segments.add(segmentOf.getOrDefault(key, 0) + truncates * (indexes.size() + 1));
      String[] keyOfRow = writer.keyValues(row);
      for (int k = 0; k < keys.size(); k++) {
        keyValues.get(k).add(keyOfRow[k]);
      }
      versions.add(row.values()[version]);
    }
    if (ordinals.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql(writer, keys))) {
      int p = 1;
      ps.setArray(p++, c.createArrayOf("int4", ordinals.toArray()));
      ps.setArray(p++, c.createArrayOf("int4", segments.toArray()));
      for (List<String> values : keyValues) {
        ps.setArray(p++, c.createArrayOf("text", values.toArray()));
      }
      ps.setArray(p, c.createArrayOf("text", versions.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stale.set(rs.getInt(1));
        }
      }
    }
  }

  /**
   * {@code SELECT o} of the stale rows: the batch as typed rows with the highest version of the
   * same key and segment before each, joined with the stored row of its key.
   */
  static String sql(TableWriter writer, List<String> keys) {
    String v = TableName.quote(writer.version().orElseThrow());
    String vType = writer.castType(writer.version().orElseThrow());
    List<String> typedKeys = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      typedKeys.add("CAST(u.k" + k + " AS " + writer.castType(keys.get(k)) + ")");
    }
    StringBuilder columns = new StringBuilder("o, s");
    StringBuilder arrays = new StringBuilder("CAST(? AS int4[]), CAST(? AS int4[])");
    for (int k = 0; k < keys.size(); k++) {
      columns.append(", k").append(k);
      arrays.append(", CAST(? AS text[])");
    }
    columns.append(", v");
    arrays.append(", CAST(? AS text[])");
    StringBuilder select = new StringBuilder("SELECT u.o, u.s");
    for (int k = 0; k < keys.size(); k++) {
      select.append(", ").append(typedKeys.get(k)).append(" AS k").append(k);
    }
    select
        .append(", CAST(u.v AS ")
        .append(vType)
        .append(") AS v, max(CAST(u.v AS ")
        .append(vType)
        .append(")) OVER (PARTITION BY u.s, ")
        .append(String.join(", ", typedKeys))
        .append(" ORDER BY u.o ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before")
        .append(" FROM unnest(")
        .append(arrays)
        .append(") AS u(")
        .append(columns)
        .append(')');
    String join =
        java.util.stream.IntStream.range(0, keys.size())
            .mapToObj(k -> "stored." + TableName.quote(keys.get(k)) + " = b.k" + k)
            .collect(Collectors.joining(" AND "));
    return "SELECT b.o FROM ("
        + select
        + ") AS b LEFT JOIN "
        + writer.table().quoted()
        + " AS stored ON b.s = 0 AND "
        + join
        + " WHERE (stored."
        + v
        + " IS NOT NULL AND (b.v IS NULL OR stored."
        + v
        + " > b.v)) OR (b.before IS NOT NULL AND (b.v IS NULL OR b.before > b.v))";
  }
}
