package dev.ferry.ddl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The one snake_case rule: the column a field fills by name ({@code columns-by-name}) and the
 * column Ferry creates for it.
 */
class ColumnNamesTest {
  @Test
  void snakeCaseFollowsTheDocumentedRules() {
    assertThat(ColumnNames.snakeCase("userId")).isEqualTo("user_id");
    assertThat(ColumnNames.snakeCase("HTTPStatus")).isEqualTo("http_status");
    assertThat(ColumnNames.snakeCase("user-id")).isEqualTo("user_id");
    assertThat(ColumnNames.snakeCase("orderID2")).isEqualTo("order_id2");
    assertThat(ColumnNames.snakeCase("already_snake")).isEqualTo("already_snake");
    assertThat(ColumnNames.snakeCase("Name")).isEqualTo("name");
    assertThat(ColumnNames.snakeCase("v2Count")).isEqualTo("v2_count");
  }
}
