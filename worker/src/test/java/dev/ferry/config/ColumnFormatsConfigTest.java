package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code column-formats}: each declaration is read per target into a {@link ColumnFormat}, a zone
 * is checked to be a real one when the config is loaded, and every bad declaration is a problem
 * naming its key.
 */
class ColumnFormatsConfigTest {
  private static final String YAML =
      """
      kafka:
        bootstrap-servers: localhost:9092
        group-id: g
      database:
        url: jdbc:postgresql://localhost:5432/app
      pipelines:
        - name: files
          topics: [files]
          table: files
          columns:
            id: /id
          column-formats:
      %s
      """;

  private static FerryConfig load(String formats) throws ConfigException {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(YAML.formatted(formats.indent(6).stripTrailing()), "test.yaml");
  }

  @Test
  void everyDeclarationIsReadInFileOrder() throws Exception {
    FerryConfig config =
        load(
            """
            payload: base64
            digest: HEX
            local_ts: "zone:Europe/Berlin"
            fixed_ts: "zone:+02:00"
            seen_at: epoch-micros
            born_on: epoch-days
            took: interval-millis
            span: iso-8601
            at_time: time-nanos
            """);

    Map<String, ColumnFormat> formats = config.pipelines().get(0).primary().columnFormats();
    assertThat(formats)
        .containsExactly(
            Map.entry("payload", ColumnFormat.of(ColumnFormat.Kind.BASE64)),
            Map.entry("digest", ColumnFormat.of(ColumnFormat.Kind.HEX)),
            Map.entry("local_ts", ColumnFormat.zone(ZoneId.of("Europe/Berlin"))),
            Map.entry("fixed_ts", ColumnFormat.zone(ZoneId.of("+02:00"))),
            Map.entry("seen_at", ColumnFormat.of(ColumnFormat.Kind.EPOCH_MICROS)),
            Map.entry("born_on", ColumnFormat.of(ColumnFormat.Kind.EPOCH_DAYS)),
            Map.entry("took", ColumnFormat.of(ColumnFormat.Kind.INTERVAL_MILLIS)),
            Map.entry("span", ColumnFormat.of(ColumnFormat.Kind.ISO_8601)),
            Map.entry("at_time", ColumnFormat.of(ColumnFormat.Kind.TIME_NANOS)));
    assertThat(formats.get("local_ts")).hasToString("zone:Europe/Berlin");
    assertThat(formats.get("seen_at")).hasToString("epoch-micros");
  }

  @Test
  void withoutColumnFormatsEveryColumnIsReadTheDefaultWay() throws Exception {
    FerryConfig config =
        ConfigLoader.withEnvironment(Map.of())
            .parse(YAML.replace("    column-formats:\n%s\n", ""), "test.yaml");
    assertThat(config.pipelines().get(0).primary().columnFormats()).isEmpty();
  }

  @Test
  void badDeclarationsAreProblemsNamingTheirKeys() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                load(
                    """
                    payload: base32
                    local_ts: "zone:Europe/Atlantis"
                    "bad-name": hex
                    """));

    assertThat(e.problems())
        .containsExactly(
            "pipelines[0].column-formats.payload 'base32' is not a column format: use base64,"
                + " hex, zone:Area/City, epoch-seconds, epoch-millis, epoch-micros, epoch-nanos,"
                + " epoch-days, time-seconds, time-millis, time-micros, time-nanos,"
                + " interval-seconds, interval-millis, interval-micros, iso-8601",
            "pipelines[0].column-formats.local_ts 'Europe/Atlantis' is not a time zone: use an"
                + " IANA zone id such as zone:Europe/Berlin, or an offset such as zone:+02:00",
            "pipelines[0].column-formats.bad-name is not a plain column name (letters, digits and"
                + " '_')");
  }

  @Test
  void aChangeEventPipelineTakesNoColumnFormats() {
    String yaml =
        YAML.formatted("      payload: base64")
            .replace("    columns:\n      id: /id\n", "    envelope: debezium\n    mode: upsert\n");
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> ConfigLoader.withEnvironment(Map.of()).parse(yaml, "test.yaml"));
    assertThat(e.problems()).anyMatch(p -> p.startsWith("pipelines[0].column-formats"));
  }

  @Test
  void eachKindNamesTheTypesItFits() {
    assertThat(ColumnFormat.Kind.BASE64.typeNames()).isEqualTo("bytea");
    assertThat(ColumnFormat.Kind.ZONE.typeNames()).isEqualTo("timestamptz or timestamp");
    assertThat(ColumnFormat.Kind.EPOCH_NANOS.typeNames())
        .isEqualTo("timestamptz, timestamp or date");
    assertThat(ColumnFormat.Kind.ISO_8601.fits("interval")).isTrue();
    assertThat(ColumnFormat.Kind.TIME_MILLIS.fits("timetz")).isFalse();
    assertThatThrownBy(
            () -> new ColumnFormat(ColumnFormat.Kind.HEX, java.util.Optional.of(ZoneId.of("UTC"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
