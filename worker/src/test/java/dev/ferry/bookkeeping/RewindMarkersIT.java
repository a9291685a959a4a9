package dev.ferry.bookkeeping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.FerrySchema;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** What {@link RewindMarkers#reset} leaves in the bookkeeping tables, against real Postgres. */
class RewindMarkersIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static PGSimpleDataSource DB;
  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  @BeforeAll
  static void migrate() throws Exception {
    DB = FerrySchema.dataSource(PG);
    Migrations.migrate(DB);
  }

  @Test
  void marksAtOrAboveTheNewOffsetAreForgottenOnceAndTheEpochMoves() throws Exception {
    String group = "rewind-it-" + UUID.randomUUID();
    EpochStore epochs = new EpochStore(DB, group, "w1", TopicIds.fixed(Map.of("t", "id-1")));
    assertThat(epochs.claim(P0).epoch()).isEqualTo(1);
    epochs.claim(P1);
    mark(group, 0, "{1,2,3}");
    mark(group, 0, "{4,7,5}"); // lanes complete out of order: one row straddles the new offset
    mark(group, 0, "{8,9}");
    mark(group, 1, "{6,7}"); // another partition, not moved
    mark("other-" + group, 0, "{7}"); // another group
    RewindMarkers markers = new RewindMarkers(DB, group);
    RewindMarkers.Audit audit =
        new RewindMarkers.Audit(group, "events", "it", "to-offsets t:0=5", false, "[]", 4);

    RewindMarkers.Reset reset = markers.reset(Map.of(P0, 5L), "rewind:it", audit, "resetting");

    assertThat(reset.forgottenMarkers()).containsExactly(Map.entry(P0, 4L));
    assertThat(
            PG.queryRows(
                "SELECT partition, max_offset, offsets::text AS o FROM ferry.applied_offsets"
                    + " WHERE group_id = '"
                    + group
                    + "' ORDER BY partition, max_offset"))
        .extracting(r -> r.get("partition") + " " + r.get("max_offset") + " " + r.get("o"))
        .containsExactly("0 3 {1,2,3}", "0 4 {4}", "1 7 {6,7}");
    assertThat(
            PG.queryLong(
                "SELECT count(*) FROM ferry.applied_offsets WHERE group_id = 'other-"
                    + group
                    + "'"))
        .isEqualTo(1);
    assertThat(
            PG.queryRows(
                "SELECT partition, epoch, owner FROM ferry.partition_epochs WHERE group_id = '"
                    + group
                    + "' ORDER BY partition"))
        .extracting(r -> r.get("partition") + " " + r.get("epoch") + " " + r.get("owner"))
        .containsExactly("0 2 rewind:it", "1 1 w1");
    assertThat(epochs.claim(P0).applied()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);

    RewindMarkers.Reset again = markers.reset(Map.of(P0, 5L), "rewind:it", audit, "again");
    markers.outcome(reset.auditId(), "done");

    assertThat(again.forgottenMarkers()).containsExactly(Map.entry(P0, 0L));
    assertThat(
            PG.queryRows(
                "SELECT pipeline, requested_by, spec, dry_run, records, outcome"
                    + " FROM ferry.rewind_audit WHERE group_id = '"
                    + group
                    + "' ORDER BY id"))
        .extracting(
            r ->
                r.get("pipeline")
                    + " "
                    + r.get("requested_by")
                    + " "
                    + r.get("spec")
                    + " "
                    + r.get("dry_run")
                    + " "
                    + r.get("records")
                    + " "
                    + r.get("outcome"))
        .containsExactly(
            "events it to-offsets t:0=5 false 4 done", "events it to-offsets t:0=5 false 4 again");
  }

  private static void mark(String group, int partition, String offsets) {
    PG.execute(
        "INSERT INTO ferry.applied_offsets"
            + " (group_id, topic, partition, epoch, max_offset, offsets, topic_id)"
            + " SELECT '"
            + group
            + "', 't', "
            + partition
            + ", 1, (SELECT max(o) FROM unnest(a) o), a, 'id-1' FROM (SELECT '"
            + offsets
            + "'::bigint[] AS a) s");
  }
}
