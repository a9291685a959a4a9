package dev.ferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.coerce.ColumnType;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WriteStatementsTest {
  private static final TableName TABLE = TableName.parse("s.items").orElseThrow();
  private static final Map<String, ColumnType> TYPES =
      Map.of(
          "id", ColumnType.of("integer", "integer", "int4", 'N', -1),
          "v", ColumnType.of("bigint", "bigint", "int8", 'N', -1),
          "name", ColumnType.of("text", "text", "text", 'S', -1));

  private static WriteStatements upsert(Optional<String> version) {
    return new WriteStatements(
        TABLE,
        PipelineSettings.Mode.UPSERT,
        List.of("id", "v", "name"),
        TYPES,
        List.of("id"),
        version);
  }

  @Test
  void anUpsertWithAVersionColumnUpdatesOnlyWhenTheStoredVersionIsNotNewer() {
    assertThat(upsert(Optional.of("v")).full())
        .isEqualTo(
            "INSERT INTO \"s\".\"items\" AS stored (\"id\", \"v\", \"name\")"
                + " VALUES (CAST(? AS integer), CAST(? AS bigint), CAST(? AS text))"
                + " ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\","
                + " \"name\" = EXCLUDED.\"name\""
                + " WHERE stored.\"v\" IS NULL OR stored.\"v\" <= EXCLUDED.\"v\"");
  }

  @Test
  void anInsertOfARowWithoutAnyColumnWritesEveryDefault() {
    WriteStatements insert =
        new WriteStatements(
            TABLE,
            PipelineSettings.Mode.INSERT,
            List.of("id", "v", "name"),
            TYPES,
            List.of(),
            Optional.empty());
    BitSet all = new BitSet();
    all.set(0, 3);

    assertThat(insert.partial(all)).isEqualTo("INSERT INTO \"s\".\"items\" DEFAULT VALUES");
  }

  @Test
  void aPartialRowWritesOnlyItsColumnsWithOneCachedStatementPerColumnSet() {
    WriteStatements statements = upsert(Optional.empty());
    BitSet nameUnchanged = new BitSet();
    nameUnchanged.set(2);

    String sql = statements.partial(nameUnchanged);

    assertThat(sql)
        .isEqualTo(
            "INSERT INTO \"s\".\"items\" AS stored (\"id\", \"v\")"
                + " VALUES (CAST(? AS integer), CAST(? AS bigint))"
                + " ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
    BitSet same = new BitSet();
    same.set(2);
    assertThat(statements.partial(same)).isSameAs(sql);
    BitSet allButKey = new BitSet();
    allButKey.set(1, 3);
    assertThat(statements.partial(allButKey)).endsWith("ON CONFLICT (\"id\") DO NOTHING");
  }

  @Test
  void theCacheOfPartialStatementsIsBounded() {
    WriteStatements statements =
        new WriteStatements(
            TABLE,
            PipelineSettings.Mode.INSERT,
            java.util.stream.IntStream.range(0, 10).mapToObj(i -> "c" + i).toList(),
            java.util.stream.IntStream.range(0, 10)
                .boxed()
                .collect(
                    java.util.stream.Collectors.toMap(
                        i -> "c" + i, i -> ColumnType.of("text", "text", "text", 'S', -1))),
            List.of(),
            Optional.empty());
    for (int mask = 1; mask < 200; mask++) {
      BitSet unchanged = BitSet.valueOf(new long[] {mask});
      assertThat(statements.partial(unchanged))
          .doesNotContain("\"c" + unchanged.nextSetBit(0) + "\"");
    }
    BitSet late = BitSet.valueOf(new long[] {199});
    assertThat(statements.partial(late))
        .isNotSameAs(statements.partial(late))
        .isEqualTo(statements.partial(late));
    BitSet early = BitSet.valueOf(new long[] {1});
    assertThat(statements.partial(early)).isSameAs(statements.partial(early));
  }

  @Test
  void deleteMatchesTheKeyAndTruncateDeletesEveryRow() {
    WriteStatements statements = upsert(Optional.empty());

    assertThat(statements.delete())
        .contains("DELETE FROM \"s\".\"items\" WHERE \"id\" = CAST(? AS integer)");
    assertThat(statements.truncate()).isEqualTo("DELETE FROM \"s\".\"items\"");
  }

  @Test
  void onlyAnInsertWithoutAVersionColumnIsCopied() {
    WriteStatements insert =
        new WriteStatements(
            TABLE,
            PipelineSettings.Mode.INSERT,
            List.of("id", "v", "name"),
            TYPES,
            List.of("id"),
            Optional.empty());

    assertThat(insert.copy()).contains("COPY \"s\".\"items\" (\"id\", \"v\", \"name\") FROM STDIN");
    assertThat(upsert(Optional.empty()).copy()).isEmpty();
    assertThat(upsert(Optional.of("v")).copy()).isEmpty();
  }
}
