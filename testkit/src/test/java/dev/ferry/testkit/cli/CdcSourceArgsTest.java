package dev.ferry.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdcSourceArgsTest {

  @Test
  void tablesAddUpAndSchemasAreOnUnlessTurnedOff() {
    CdcSource.Args args =
        CdcSource.Args.parse(
            "--bootstrap",
            "b:1",
            "--topic-prefix",
            "shop",
            "--table",
            "public.a",
            "--table",
            "public.b",
            "--work",
            "/tmp/w");

    assertThat(args.tables()).isEqualTo(List.of("public.a", "public.b"));
    assertThat(args.workDir()).isEqualTo(Path.of("/tmp/w"));
    assertThat(args.initSql()).isNull();
    assertThat(args.schemas()).isTrue();
    assertThat(
            CdcSource.Args.parse(
                    "--bootstrap",
                    "b:1",
                    "--topic-prefix",
                    "shop",
                    "--table",
                    "public.a",
                    "--work",
                    "/tmp/w",
                    "--schemas",
                    "false",
                    "--init-sql",
                    "/tmp/i.sql")
                .schemas())
        .isFalse();
  }

  @Test
  void missingAndUnknownOptionsAreNamed() {
    assertThatThrownBy(() -> CdcSource.Args.parse("--bootstrap", "b:1", "--topic-prefix", "p"))
        .hasMessageContaining("--table");
    assertThatThrownBy(() -> CdcSource.Args.parse("--bootstrap"))
        .hasMessageContaining("--bootstrap needs a value");
    assertThatThrownBy(() -> CdcSource.Args.parse("--slot", "x"))
        .hasMessageContaining("unknown option --slot");
    assertThatThrownBy(
            () ->
                CdcSource.Args.parse(
                    "--bootstrap",
                    "b:1",
                    "--topic-prefix",
                    "p",
                    "--table",
                    "t",
                    "--work",
                    "w",
                    "--schemas",
                    "on"))
        .hasMessageContaining("--schemas must be true or false");
  }
}
