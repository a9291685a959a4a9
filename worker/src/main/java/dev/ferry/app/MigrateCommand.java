package dev.ferry.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bookkeeping.Migrations;
import dev.ferry.config.DatabaseSettings;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry migrate}: creates or upgrades Ferry's own schema {@code ferry} (exactly-once
 * bookkeeping) and exits. {@code ferry run} does the same on start; this command lets an operator
 * do it ahead of a rollout, with a database user that may create schemas. It reads only the
 * config's {@code database} section, so a file with nothing else will do.
 */
@Command(
    name = "migrate",
    description = "Create or upgrade Ferry's own schema 'ferry' in Postgres, then exit.",
    mixinStandardHelpOptions = true)
final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<DatabaseSettings> loaded = config.loadDatabase(err);
    if (loaded.isEmpty()) {
      return ExitCodes.BAD_CONFIG;
    }
    try (HikariDataSource db = ConnectionPools.open(loaded.get(), 1)) {
      List<Integer> applied = Migrations.migrate(db);
      out.println(
          applied.isEmpty()
              ? "schema ferry is current (version " + Migrations.latestVersion() + ")"
              : "schema ferry upgraded to version "
                  + Migrations.latestVersion()
                  + " (applied "
                  + applied
                  + ")");
      return ExitCodes.OK;
    } catch (StartupException | SQLException e) {
      err.println("ferry: migration failed: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
