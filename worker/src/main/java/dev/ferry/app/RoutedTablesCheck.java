package dev.ferry.app;

import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TableTemplate;
import dev.ferry.config.TargetSettings;
import dev.ferry.sink.SinkSetupException;
import dev.ferry.sink.TableWriter;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ferry check} says about a pipeline whose table is looked up per record: a template
 * ({@code table} with placeholders) or, with {@code auto-create}, a fixed table Ferry may create.
 *
 * <p>A template: the template and its allow-list, and each table that exists now and the allow-list
 * takes, checked as a fixed table would be. Other tables are checked (or, with {@code auto-create},
 * created) when a record first goes to them.
 *
 * <p>A fixed table under {@code auto-create}: checked as any fixed table when it exists; when it
 * does not, not a problem (the first record creates it from its declared schema), unless its schema
 * does not exist either: Ferry creates tables, never schemas, so every record would be
 * dead-lettered.
 */
final class RoutedTablesCheck {
  /** How many existing tables are checked and listed at most. */
  private static final int MAX_CHECKED = 50;

  private RoutedTablesCheck() {}

  static void report(
      Connection c,
      PipelineSettings p,
      TableTemplate template,
      PrintWriter out,
      List<String> problems) {
    if (creatable(p)) {
      reportCreatable(c, p, out, problems);
      return;
    }
    out.println(
        "table      routed: "
            + template.text()
            + " (pipeline "
            + p.name()
            + ", tables-allowed "
            + template.allowed().pattern()
            + "); other tables are checked at run time"
            + (p.autoCreate()
                ? ", and created from the declared schema by the first record routed to them"
                    + " (auto-create)"
                : ""));
    try {
      List<TableName> existing = allowedTables(c, template);
      for (TableName table : existing) {
        describe(c, p, table, out, problems);
      }
      if (existing.isEmpty()) {
        out.println(
            "table      none of the existing tables is allowed yet"
                + (p.autoCreate() ? "; each is created on first use" : ""));
      }
    } catch (SQLException e) {
      out.println("table      PROBLEM: cannot list tables: " + e.getMessage());
      problems.add("pipeline " + p.name() + ": cannot list tables: " + e.getMessage());
    }
  }

  /** The fixed table of a pipeline with {@code auto-create}: there, or creatable. */
  private static void reportCreatable(
      Connection c, PipelineSettings p, PrintWriter out, List<String> problems) {
    TableName table = p.table();
    try {
      if (exists(c, table)) {
        describe(c, p, table, out, problems);
        return;
      }
      Optional<String> problem = uncreatable(c, p);
      if (problem.isPresent()) {
        out.println("table      PROBLEM: " + problem.get());
        problems.add(problem.get());
        return;
      }
      out.println(
          "table      absent: "
              + table
              + " (pipeline "
              + p.name()
              + "): created from the declared schema on the first record (auto-create)");
    } catch (SQLException e) {
      out.println("table      PROBLEM: cannot look " + table + " up: " + e.getMessage());
      problems.add("pipeline " + p.name() + ": cannot look " + table + " up: " + e.getMessage());
    }
  }

  /** Whether {@code p}'s table is a fixed one that {@code auto-create} creates when missing. */
  static boolean creatable(PipelineSettings p) {
    return p.autoCreate()
        && p.tableTemplate().map(t -> !TableTemplate.isTemplate(t.text())).orElse(false);
  }

  /**
   * Why the fixed table of {@code p} (see {@link #creatable}) is missing and cannot be created: its
   * Postgres schema does not exist either (Ferry creates tables, never schemas), so every record
   * would be dead-lettered. Empty when the table exists or can be created.
   */
  static Optional<String> uncreatable(Connection c, PipelineSettings p) throws SQLException {
    TableName table = p.table();
    if (exists(c, table) || schemaOf(c, table).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        "pipeline "
            + p.name()
            + ": table "
            + table
            + " does not exist and cannot be created (auto-create): "
            + table.schema().map(s -> "schema " + s + " does not exist").orElse("no schema")
            + " (Ferry creates tables, not schemas)");
  }

  /** Checks {@code table} as the pipeline's target would be described on first use. */
  private static void describe(
      Connection c, PipelineSettings p, TableName table, PrintWriter out, List<String> problems)
      throws SQLException {
    TargetSettings primary = p.primary();
    TargetSettings target =
        new TargetSettings(
            table,
            primary.mode(),
            primary.keyColumns(),
            primary.columns(),
            primary.columnsByName(),
            primary.versionColumn(),
            primary.columnFormats());
    try {
      TableWriter writer = TableWriter.describe(c, p, target);
      out.println(
          "table      ok: "
              + table
              + " (pipeline "
              + p.name()
              + ")"
              + (p.cdc().isPresent() ? CheckCommand.changeEvents(writer, target) : ""));
    } catch (SinkSetupException e) {
      out.println("table      PROBLEM: " + e.getMessage());
      problems.add(e.getMessage());
    }
  }

  /** Whether a relation of this name exists (as {@code sink.TableCatalog} looks it up). */
  private static boolean exists(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * The schema a missing {@code table} would be created in: its own when it exists, else (no schema
   * written) the session's current schema; empty when there is none.
   */
  private static Optional<String> schemaOf(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT nspname FROM pg_namespace"
                + " WHERE nspname = coalesce(CAST(? AS text), current_schema()::text)")) {
      ps.setString(1, table.schema().orElse(null));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** The existing tables whose name, as the template would write it, the allow-list takes. */
  private static List<TableName> allowedTables(Connection c, TableTemplate template)
      throws SQLException {
    boolean qualified = template.text().contains(".");
    String query =
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN ('pg_catalog',"
            + " 'information_schema', 'ferry') AND n.nspname NOT LIKE 'pg_toast%'"
            + (qualified ? "" : " AND n.nspname = ANY (current_schemas(false))")
            + " ORDER BY 1, 2";
    List<TableName> tables = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(query);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next() && tables.size() < MAX_CHECKED) {
        Optional<TableName> name =
            TableName.parse(qualified ? rs.getString(1) + "." + rs.getString(2) : rs.getString(2));
        if (name.isPresent() && template.allows(name.get())) {
          tables.add(name.get());
        }
      }
    }
    return tables;
  }
}
