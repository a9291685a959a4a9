package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.config.TableName;
import dev.ferry.ddl.PostgresTableProvisioner.Planned;
import dev.ferry.ddl.PostgresTableProvisioner.Policy;
import dev.ferry.errors.Reason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the provisioner would run for a table's shape, as each policy allows. */
class ProvisionPlanTest {
  private static final TableName TABLE = TableName.parse("app.orders").orElseThrow();
  private static final Policy BOTH = new Policy(true, true);
  private static final TableShape MISSING = new TableShape(false, false, Set.of());
  private static final DeclaredTable ORDERS =
      new DeclaredTable(
          List.of(
              new DeclaredColumn("id", "bigint", false),
              new DeclaredColumn("total", "numeric(12,2)", false),
              new DeclaredColumn("note", "text", true),
              new DeclaredColumn("tags", "text[]", true)),
          List.of("id"));

  @Test
  void aMissingTableIsCreatedWithQuotedNamesAndThePrimaryKey() throws Exception {
    assertThat(PostgresTableProvisioner.plan(BOTH, TABLE, ORDERS, MISSING))
        .containsExactly(
            new Planned(
                "create-table",
                "CREATE TABLE IF NOT EXISTS \"app\".\"orders\" (\"id\" bigint, \"total\""
                    + " numeric(12,2), \"note\" text, \"tags\" text[], PRIMARY KEY (\"id\"))"));
  }

  @Test
  void aTableWithoutKeyColumnsGetsNoPrimaryKey() throws Exception {
    DeclaredTable noKey = new DeclaredTable(ORDERS.columns().subList(0, 1), List.of());

    assertThat(PostgresTableProvisioner.plan(BOTH, TABLE, noKey, MISSING))
        .extracting(Planned::sql)
        .containsExactly("CREATE TABLE IF NOT EXISTS \"app\".\"orders\" (\"id\" bigint)");
  }

  @Test
  void withoutAutoCreateAMissingTableIsLeftMissing() throws Exception {
    assertThat(PostgresTableProvisioner.plan(new Policy(false, true), TABLE, ORDERS, MISSING))
        .isEmpty();
  }

  @Test
  void evolveAddsEachMissingOptionalFieldAsANullableColumn() throws Exception {
    TableShape shape = new TableShape(true, true, Set.of("id", "total", "legacy"));

    assertThat(PostgresTableProvisioner.plan(BOTH, TABLE, ORDERS, shape))
        .containsExactly(
            new Planned(
                "add-column",
                "ALTER TABLE \"app\".\"orders\" ADD COLUMN IF NOT EXISTS \"note\" text"),
            new Planned(
                "add-column",
                "ALTER TABLE \"app\".\"orders\" ADD COLUMN IF NOT EXISTS \"tags\" text[]"));
  }

  @Test
  void withoutEvolveOrOnAViewNothingIsAdded() throws Exception {
    TableShape table = new TableShape(true, true, Set.of("id"));
    TableShape view = new TableShape(true, false, Set.of("id"));

    assertThat(PostgresTableProvisioner.plan(new Policy(true, false), TABLE, ORDERS, table))
        .isEmpty();
    assertThat(PostgresTableProvisioner.plan(BOTH, TABLE, ORDERS, view)).isEmpty();
  }

  @Test
  void aRequiredNewFieldIsRefusedAndNothingIsAdded() {
    TableShape shape = new TableShape(true, true, Set.of("id"));

    ProvisionException e =
        catchThrowableOfType(
            ProvisionException.class,
            () -> PostgresTableProvisioner.plan(BOTH, TABLE, ORDERS, shape));

    assertThat(e.reason()).contains(Reason.SCHEMA_EVOLUTION_REFUSED);
    assertThat(e.isTransient()).isFalse();
    assertThat(e).hasMessageContaining("[total]").hasMessageContaining("app.orders");
  }

  @Test
  void theMissingColumnsAreTheDeclaredOnesTheTableLacksInDeclarationOrder() {
    assertThat(ORDERS.missingFrom(Set.of("total", "id", "other")))
        .extracting(DeclaredColumn::name)
        .containsExactly("note", "tags");
    assertThat(ORDERS.missingFrom(List.of("id", "total", "note", "tags"))).isEmpty();
  }

  @Test
  void aTableThatFitsNeedsNothing() throws Exception {
    TableShape shape = new TableShape(true, true, Set.of("id", "total", "note", "tags", "more"));

    assertThat(PostgresTableProvisioner.plan(BOTH, TABLE, ORDERS, shape)).isEmpty();
  }

  @Test
  void namesTypesAndKeysThatCannotGoIntoSqlAreRefused() {
    assertThat(refusal(List.of(new DeclaredColumn("a\"; drop", "text", true)), List.of()))
        .hasMessageContaining("not a plain column name");
    assertThat(
            refusal(
                List.of(
                    new DeclaredColumn("a", "text", true), new DeclaredColumn("a", "bigint", true)),
                List.of()))
        .hasMessageContaining("two fields for column a");
    assertThat(refusal(List.of(new DeclaredColumn("a", "text; drop table x", true)), List.of()))
        .hasMessageContaining("not one Ferry creates");
    assertThat(refusal(List.of(), List.of())).hasMessageContaining("no fields");
    assertThat(refusal(List.of(new DeclaredColumn("a", "text", true)), List.of("b")))
        .hasMessageContaining("key column b");
  }

  private static ProvisionException refusal(List<DeclaredColumn> columns, List<String> keys) {
    DeclaredTable declared = new DeclaredTable(columns, keys);
    return catchThrowableOfType(
        ProvisionException.class,
        () -> {
          PostgresTableProvisioner.validate(TABLE, declared);
          PostgresTableProvisioner.plan(BOTH, TABLE, declared, MISSING);
        });
  }
}
