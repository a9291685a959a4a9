package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.PipelineSettings;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upsert batch that holds a key more than once writes every version of it, in order: none is
 * left out because a later one would overwrite it, so that a version the database refuses (here a
 * line whose order is not there yet) fails the batch and is isolated, as it would be in a batch of
 * its own, instead of being hidden behind the later version.
 */
class RepeatedKeysSinkIT {
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static int tables;
  private SinkFixture fixture;
  private String lines;
  private String written;
  private PipelineSettings pipeline;
  private String target;

  @BeforeEach
  void ordersAndLines() throws Exception {
    fixture = new SinkFixture(PG);
    int n = tables++;
    String orders = "orders_" + n;
    lines = "lines_" + n;
    PG.execute("CREATE TABLE " + orders + " (order_id text PRIMARY KEY)");
    PG.execute("INSERT INTO " + orders + " VALUES ('o-present')");
    PG.execute(
        "CREATE TABLE "
            + lines
            + " (line_id text PRIMARY KEY, order_id text NOT NULL REFERENCES "
            + orders
            + ", qty int NOT NULL)");
    // Every row version written, in the order written.
    written = PG.qualified("written_" + n);
    PG.execute("CREATE TABLE " + written + " (seq serial PRIMARY KEY, line text)");
    PG.execute(
        "CREATE FUNCTION log_"
            + n
            + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
            + written
            + " (line) VALUES (NEW.line_id || '=' || NEW.qty); RETURN NEW; END $$");
    PG.execute(
        "CREATE TRIGGER log_"
            + n
            + " AFTER INSERT OR UPDATE ON "
            + lines
            + " FOR EACH ROW EXECUTE FUNCTION log_"
            + n
            + "()");
    pipeline = SinkFixture.pipeline(lines, fixture.byName(lines, List.of(), Map.of()));
    target = PostgresSink.targetKey(pipeline.name(), pipeline.table());
  }

  @Test
  void everyVersionOfARepeatedKeyIsWrittenInOrder() throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      CommittingSink sink = fixture.committingSink(definitions);
      List<Row> rows =
          List.of(
              line("a", "o-present", 1),
              line("b", "o-present", 1),
              line("a", "o-present", 2),
              line("a", "o-present", 3),
              line("b", "o-present", 2),
              line("c", "o-present", 1));

      assertThat(sink.write(rows, List.of())).isSameAs(Written.ALL);
      assertThat(column("SELECT line FROM " + written + " ORDER BY seq"))
          .containsExactly("a=1", "b=1", "a=2", "a=3", "b=2", "c=1");
      assertThat(column("SELECT line_id || '=' || qty FROM " + lines + " ORDER BY line_id"))
          .containsExactly("a=3", "b=2", "c=1");
      assertThat(sink.alreadyApplied(rows.stream().map(Row::origin).toList())).hasSize(6);
    }
  }

  @Test
  void anEarlierVersionTheDatabaseRefusesFailsTheBatchThoughTheLaterOneWouldPass()
      throws Exception {
    try (TableDefinitions definitions = fixture.tables(pipeline)) {
      PostgresSink sink = fixture.sink(definitions);
      Row waitsForItsOrder = line("l-moved", "o-late", 1);
      Row wouldPass = line("l-moved", "o-present", 2);

      SinkResult whole = sink.write(List.of(waitsForItsOrder, wouldPass), List.of());

      assertThat(whole).isInstanceOf(SinkResult.RolledBack.class);
      assertThat(((SinkResult.RolledBack) whole).cause().getSQLState()).isEqualTo("23503");
      assertThat(PG.queryLong("SELECT count(*) FROM " + lines)).isZero();

      Written isolated =
          new CommittingSink(sink).writeIsolating(List.of(waitsForItsOrder, wouldPass), List.of());

      assertThat(isolated.rejected()).containsOnlyKeys(0);
      assertThat(column("SELECT order_id || ':' || qty FROM " + lines))
          .containsExactly("o-present:2");
    }
  }

  private Row line(String id, String order, int qty) {
    return Row.insert(
        pipeline.name(), target, new String[] {id, order, String.valueOf(qty)}, fixture.next());
  }

  private static List<String> column(String sql) {
    return PG.queryRows(sql).stream()
        .map(r -> String.valueOf(r.values().iterator().next()))
        .toList();
  }
}
