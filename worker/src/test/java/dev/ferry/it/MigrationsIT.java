package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.bookkeeping.Migrations;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.FerrySchema;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** Ferry's own schema is created once and left alone afterwards, by run and by migrate. */
@Timeout(60)
class MigrationsIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  @Test
  void migrateBringsTheSchemaToTheLatestVersionAndIsIdempotent(@TempDir Path dir) throws Exception {
    PGSimpleDataSource db = FerrySchema.dataSource(PG);
    Migrations.migrate(db);
    assertThat(Migrations.migrate(db)).isEmpty();
    try (Connection c = db.getConnection()) {
      assertThat(Migrations.currentVersion(c)).isEqualTo(Migrations.latestVersion());
    }
    assertThat(PG.queryLong("SELECT count(*) FROM ferry.schema_version"))
        .isEqualTo(Migrations.latestVersion());
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'ferry'"
                    + " AND table_name IN ('partition_epochs', 'applied_offsets')"))
        .isEqualTo(2);

    Path config = dir.resolve("ferry.yaml");
    Files.writeString(
        config,
        """
        kafka: {bootstrap-servers: "127.0.0.1:1"}
        database: {url: "%s", username: "%s", password: "%s"}
        pipelines:
          - {name: p, topics: [t], table: t, columns: {a: /a}}
        """
            .formatted(PG.url(), PG.user(), PG.password()));
    try (FerryProcess ferry = FerryProcess.start(dir, "migrate", "--config", config.toString())) {
      assertThat(ferry.awaitExit(Duration.ofSeconds(30))).as(ferry.output()).isZero();
      assertThat(ferry.output())
          .contains("schema ferry is current (version " + Migrations.latestVersion() + ")");
    }
  }

  @Test
  void aConfigWithOnlyTheDatabaseSectionMigrates(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("db-only.yaml");
    Files.writeString(
        config,
        """
        database:
          url: "%s"
          username: "%s"
          password: "%s"
        """
            .formatted(PG.url(), PG.user(), PG.password()));

    try (FerryProcess ferry = FerryProcess.start(dir, "migrate", "--config", config.toString())) {
      assertThat(ferry.awaitExit(Duration.ofSeconds(30))).as(ferry.output()).isZero();
      assertThat(ferry.output()).contains("schema ferry ");
    }
  }
}
