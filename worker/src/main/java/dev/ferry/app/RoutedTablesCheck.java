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
 * What {@code ferry check} says about a pipeline whose table is a template: the template and its
 * allow-list, and each table that exists now and the allow-list takes, checked as a fixed table
 * would be. Other tables are checked when a record first goes to them.
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
    out.println(
        "table      routed: "
            + template.text()
            + " (pipeline "
            + p.name()
            + ", tables-allowed "
            + template.allowed().pattern()
            + "); other tables are checked at run time");
    try {
      List<TableName> existing = allowedTables(c, template);
      for (TableName table : existing) {
        TargetSettings primary = p.primary();
        TargetSettings target =
            new TargetSettings(
                table,
                primary.mode(),
                primary.keyColumns(),
                primary.columns(),
                primary.columnsByName(),
                primary.versionColumn());
        try {
          TableWriter.describe(c, p, target);
          out.println("table      ok: " + table + " (pipeline " + p.name() + ")");
        } catch (SinkSetupException e) {
          out.println("table      PROBLEM: " + e.getMessage());
          problems.add(e.getMessage());
        }
      }
      if (existing.isEmpty()) {
        out.println("table      none of the existing tables is allowed yet");
      }
    } catch (SQLException e) {
      out.println("table      PROBLEM: cannot list tables: " + e.getMessage());
      problems.add("pipeline " + p.name() + ": cannot list tables: " + e.getMessage());
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
