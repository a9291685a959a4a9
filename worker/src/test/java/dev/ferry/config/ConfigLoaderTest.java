package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String VALID =
      """
      kafka:
        bootstrap-servers: ${BOOTSTRAP:-localhost:9092}
        group-id: ferry-test
        client-properties:
          max.poll.records: "50"
          sasl.jaas.config: secret-stuff
      database:
        url: jdbc:postgresql://localhost:5432/app
        username: ferry
        password: ${FERRY_DB_PASSWORD}
        pool-size: 4
      worker:
        threads: 4
        queue-capacity: 1000
        batch-size: 100
        batch-linger: 5ms
        drain-timeout: 20s
      retry:
        max-attempts: 3
        initial-backoff: 50ms
        max-backoff: 2m
      pipelines:
        - name: events
          topics: [events]
          table: public.events
          mode: upsert
          key-columns: [event_id]
          columns:
            event_id: /event_id
            user_id: /user_id
            attrs: /attrs
      """;

  private static FerryConfig load(String yaml, Map<String, String> env) throws ConfigException {
    return ConfigLoader.withEnvironment(env).parse(yaml, "test.yaml");
  }

  private static ConfigException problems(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> load(yaml, Map.of()));
  }

  @Test
  void readsEveryKeyAndSubstitutesTheEnvironment() throws Exception {
    FerryConfig config = load(VALID, Map.of("FERRY_DB_PASSWORD", "hunter2"));

    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.kafka().groupId()).isEqualTo("ferry-test");
    assertThat(config.kafka().clientProperties()).containsEntry("max.poll.records", "50");
    assertThat(config.database().password().value()).isEqualTo("hunter2");
    assertThat(config.database().poolSize()).isEqualTo(4);
    assertThat(config.worker().threads()).isEqualTo(4);
    assertThat(config.worker().batchLinger()).isEqualTo(Duration.ofMillis(5));
    assertThat(config.worker().drainTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.worker().commitInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.deadLetter().topicFor("events")).isEqualTo("events.dlt");
    assertThat(config.http().port()).isEqualTo(9400);
    PipelineSettings p = config.pipelines().get(0);
    assertThat(p.table().quoted()).isEqualTo("\"public\".\"events\"");
    assertThat(p.mode()).isEqualTo(PipelineSettings.Mode.UPSERT);
    assertThat(p.columns().keySet()).containsExactly("event_id", "user_id", "attrs");
    assertThat(p.columns().get("user_id").toString()).isEqualTo("/user_id");
    assertThat(config.pipelineFor("events")).isSameAs(p);
  }

  @Test
  void threadsAndPoolSizeDefaultToTheMachine() throws Exception {
    FerryConfig config =
        load(
            """
            kafka:
              bootstrap-servers: localhost:9092
              group-id: g
            database:
              url: jdbc:postgresql://localhost/app
            pipelines:
              - name: events
                topics: [events]
                table: public.events
                columns:
                  id: /id
            """,
            Map.of());
    int processors = Runtime.getRuntime().availableProcessors();

    assertThat(config.worker().threads()).isEqualTo(WorkerSettings.defaultThreads(processors));
    assertThat(config.database().poolSize()).isEqualTo(config.worker().threads() + 2);
    assertThat(
            java.util.stream.IntStream.of(1, 2, 3, 8, 9, 64)
                .map(WorkerSettings::defaultThreads)
                .toArray())
        .as("two threads per processor, between 2 and 16")
        .containsExactly(2, 4, 6, 16, 16, 16);
  }

  @Test
  void describeMasksSecrets() throws Exception {
    String text = load(VALID, Map.of("FERRY_DB_PASSWORD", "hunter2")).describe();

    assertThat(text).doesNotContain("hunter2").doesNotContain("secret-stuff").contains("****");
  }

  @Test
  void envDefaultIsUsedWhenTheVariableIsUnsetOrEmpty() throws Exception {
    assertThat(load(VALID, Map.of("FERRY_DB_PASSWORD", "x", "BOOTSTRAP", "")).kafka())
        .extracting(KafkaSettings::bootstrapServers)
        .isEqualTo("localhost:9092");
    assertThat(
            load(VALID, Map.of("FERRY_DB_PASSWORD", "x", "BOOTSTRAP", "broker:1"))
                .kafka()
                .bootstrapServers())
        .isEqualTo("broker:1");
  }

  @Test
  void reportsEveryProblemAtOnceNamingEachKey() {
    ConfigException e =
        problems(
            """
            kafka:
              group-id: g
            database:
              url: jdbc:postgresql://localhost/app
            worker:
              threads: 0
              batch-linger: soon
            retry:
              initial-backoff: 1s
              max-backoff: 10ms
            pipelines:
              - name: events
                topics: [events]
                table: events
                columns:
                  event_id: event_id
            """);

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "kafka.bootstrap-servers is required",
            "worker.threads must be between 1 and 1024, was 0",
            "worker.batch-linger must be a duration such as 250ms, 30s, 5m or 1h, was 'soon'",
            "retry.max-backoff must be ≥ retry.initial-backoff (1s), was 10ms",
            "pipelines[0].columns.event_id 'event_id' is not a valid JSON Pointer (RFC 6901:"
                + " empty, or '/' followed by field names, e.g. /user_id)");
    assertThat(e.getMessage()).startsWith("invalid configuration in test.yaml (5 problems):");
  }

  @Test
  void timeoutsHaveDefaultsAndAreReadFromEverySection() throws Exception {
    FerryConfig defaults = load(VALID, Map.of("FERRY_DB_PASSWORD", "x"));
    assertThat(defaults.database().timeouts()).isEqualTo(DatabaseTimeouts.DEFAULTS);
    assertThat(defaults.kafka().timeouts()).isEqualTo(KafkaTimeouts.DEFAULTS);
    assertThat(defaults.deadLetter().sendTimeout()).isEqualTo(Duration.ofSeconds(30));

    FerryConfig custom =
        load(
            VALID
                    .replace(
                        "  pool-size: 4\n",
                        """
                      pool-size: 4
                      connect-timeout: 3s
                      acquire-timeout: 4s
                      socket-timeout: 20s
                      statement-timeout: 15s
                      lock-timeout: 2s
                      transaction-timeout: 1m
                    """)
                    .replace(
                        "  group-id: ferry-test\n",
                        """
                      group-id: ferry-test
                      request-timeout: 11s
                      api-timeout: 22s
                      commit-timeout: 5s
                    """)
                + "dead-letter:\n  send-timeout: 9s\n",
            Map.of("FERRY_DB_PASSWORD", "x"));

    assertThat(custom.database().timeouts())
        .isEqualTo(
            new DatabaseTimeouts(
                Duration.ofSeconds(3),
                Duration.ofSeconds(4),
                Duration.ofSeconds(20),
                Duration.ofSeconds(15),
                Duration.ofSeconds(2),
                Duration.ofMinutes(1)));
    assertThat(custom.database().timeouts().watchdogMargin()).isEqualTo(Duration.ofSeconds(6));
    assertThat(custom.kafka().timeouts())
        .isEqualTo(
            new KafkaTimeouts(
                Duration.ofSeconds(11), Duration.ofSeconds(22), Duration.ofSeconds(5)));
    assertThat(custom.deadLetter().sendTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(custom.describe())
        .contains("socket-timeout=20s", "lock-timeout=2s", "api-timeout=22s", "send-timeout=9s");
  }

  @Test
  void timeoutsThatCannotWorkTogetherAreProblems() {
    ConfigException e =
        problems(
            """
            kafka:
              bootstrap-servers: k:9092
              client-properties:
                request.timeout.ms: "5000"
            database:
              url: jdbc:postgresql://localhost/app
              statement-timeout: 30s
              socket-timeout: 30s
              transaction-timeout: 10s
              lock-timeout: forever
            dead-letter:
              send-timeout: 100ms
            pipelines:
              - name: events
                topics: [events]
                table: events
                columns: {event_id: /event_id}
            """);

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "kafka.client-properties.request.timeout.ms is set by kafka.request-timeout; set it"
                + " there",
            "database.lock-timeout must be a duration such as 250ms, 30s, 5m or 1h, was"
                + " 'forever'",
            "database.socket-timeout must be longer than database.statement-timeout (30s) so that"
                + " Postgres cancels a slow statement before Ferry gives up on the connection, was"
                + " 30s",
            "database.transaction-timeout must be ≥ database.statement-timeout (30s), was 10s",
            "dead-letter.send-timeout must be ≥ 1s, was 100ms");
  }

  @Test
  void tableMetadataIsReadAgainEveryFiveMinutesUnlessSetOtherwise() throws Exception {
    assertThat(load(VALID, Map.of("FERRY_DB_PASSWORD", "x")).database().metadataRefreshInterval())
        .isEqualTo(Duration.ofMinutes(5));
    String yaml =
        VALID.replace("  pool-size: 4\n", "  pool-size: 4\n  metadata-refresh-interval: %s\n");
    assertThat(
            load(yaml.formatted("0s"), Map.of("FERRY_DB_PASSWORD", "x"))
                .database()
                .metadataRefreshInterval())
        .isZero();
    assertThat(
            load(yaml.formatted("30s"), Map.of("FERRY_DB_PASSWORD", "x"))
                .database()
                .metadataRefreshInterval())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(problems(yaml.formatted("500ms").replace("${FERRY_DB_PASSWORD}", "x")).problems())
        .containsExactly("database.metadata-refresh-interval must be 0s (off) or ≥ 1s, was 500ms");
  }

  @Test
  void insertModeRunsAreCopiedUnlessTheWriteMethodIsStatements() throws Exception {
    assertThat(load(VALID, Map.of("FERRY_DB_PASSWORD", "x")).worker().writeMethod())
        .isEqualTo(WorkerSettings.WriteMethod.COPY);
    String yaml =
        VALID.replace("  drain-timeout: 20s\n", "  drain-timeout: 20s\n  write-method: %s\n");
    assertThat(load(yaml.formatted("statements"), Map.of("FERRY_DB_PASSWORD", "x")).worker())
        .extracting(WorkerSettings::writeMethod)
        .isEqualTo(WorkerSettings.WriteMethod.STATEMENTS);
    assertThat(problems(yaml.formatted("binary").replace("${FERRY_DB_PASSWORD}", "x")).problems())
        .containsExactly("worker.write-method must be copy or statements, was 'binary'");
  }

  @Test
  void tracingIsOffByDefaultAndTakesOnlyOpenTelemetryProperties() throws Exception {
    assertThat(load(VALID, Map.of("FERRY_DB_PASSWORD", "x")).tracing().enabled()).isFalse();

    FerryConfig traced =
        load(
            VALID
                + """
                tracing:
                  enabled: true
                  service-name: ferry-orders
                  properties:
                    otel.exporter.otlp.endpoint: http://collector:4318
                    otel.exporter.otlp.headers: "api-key=s3cr3t"
                """,
            Map.of("FERRY_DB_PASSWORD", "x"));
    assertThat(traced.tracing().enabled()).isTrue();
    assertThat(traced.tracing().serviceName()).isEqualTo("ferry-orders");
    assertThat(traced.tracing().properties())
        .containsEntry("otel.exporter.otlp.endpoint", "http://collector:4318");
    assertThat(traced.describe())
        .contains("otel.exporter.otlp.headers=****")
        .doesNotContain("s3cr3t");

    assertThat(
            problems(
                    VALID.replace("${FERRY_DB_PASSWORD}", "x")
                        + "tracing:\n  properties: {exporter: otlp}\n")
                .problems())
        .containsExactly(
            "tracing.properties.exporter is not an OpenTelemetry SDK property (they start with"
                + " otel.)");
  }

  @Test
  void unknownKeysAreProblemsNotSilentlyIgnored() {
    ConfigException e =
        problems(
            """
            kafka: {bootstrap-servers: "k:9092", grup-id: typo}
            database: {url: "jdbc:postgresql://h/d"}
            workers: {threads: 2}
            pipelines:
              - {name: p, topics: [t], table: t, columns: {a: /a}, colums: {}}
            """);

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "kafka.grup-id is not a known setting",
            "workers is not a known setting",
            "pipelines[0].colums is not a known setting");
  }

  @Test
  void pipelineRulesAreChecked() {
    ConfigException e =
        problems(
            """
            kafka: {bootstrap-servers: "k:9092"}
            database: {url: "postgres://h/d", pool-size: 2}
            worker: {threads: 4}
            dead-letter: {topic: "{topic}"}
            pipelines:
              - {name: a, topics: [t], table: "x; drop table y", mode: merge, columns: {a: /a}}
              - {name: a, topics: [t], table: t, mode: upsert, columns: {"b c": /b}}
            """);

    assertThat(e.problems())
        .contains(
            "database.url must start with jdbc:postgresql:, was 'postgres://h/d'",
            "database.pool-size must be ≥ worker.threads (4) so that every worker can hold a"
                + " connection, was 2",
            "pipelines[0].mode must be insert or upsert, was 'merge'",
            "pipelines[1].name 'a' is used by another pipeline too",
            "pipelines[1].topics topic 't' is already consumed by pipeline a",
            "pipelines[1].key-columns is required when mode is upsert",
            "pipelines[1].columns.b c is not a plain column name (letters, digits and '_')",
            "dead-letter.topic resolves to 't' for input topic 't', which is itself an input"
                + " topic: dead letters would be consumed again");
    assertThat(e.problems()).anyMatch(p -> p.startsWith("pipelines[0].table must be a table name"));
  }

  @Test
  void pointersFollowRfc6901Strictly() {
    assertThat(ConfigLoader.strictPointer("/a~1b/~0c").toString()).isEqualTo("/a~1b/~0c");
    assertThat(ConfigLoader.strictPointer("").matches()).isTrue();
    for (String bad : new String[] {"a", "/a~2", "/a~"}) {
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .isThrownBy(() -> ConfigLoader.strictPointer(bad));
    }
  }

  @Test
  void aSchemaFileThatCannotBeReadIsAProblem() {
    ConfigException e =
        problems(
            """
            kafka: {bootstrap-servers: "k:9092"}
            database: {url: "jdbc:postgresql://h/d"}
            pipelines:
              - {name: p, topics: [t], table: t, schema: /no/such/schema.json, columns: {a: /a}}
            """);

    assertThat(e.problems())
        .containsExactly(
            "pipelines[0].schema file '/no/such/schema.json' does not exist or cannot be read");
  }

  @Test
  void columnSourcesBeyondPointersAreParsedAndUnknownOnesRejected() throws Exception {
    FerryConfig config =
        load(
            """
            kafka: {bootstrap-servers: "k:9092"}
            database: {url: "jdbc:postgresql://h/d"}
            pipelines:
              - name: p
                topics: [t]
                table: t
                columns: {a: "@key/id", b: "@offset", c: "@header:trace", d: /d}
            """,
            Map.of());
    assertThat(config.pipelines().get(0).columns().values())
        .extracting(ColumnSource::text)
        .containsExactly("@key/id", "@offset", "@header:trace", "/d");
    assertThat(
            problems(
                    """
                    kafka: {bootstrap-servers: "k:9092"}
                    database: {url: "jdbc:postgresql://h/d"}
                    pipelines:
                      - {name: p, topics: [t], table: t, columns: {a: "@value"}}
                    """)
                .problems()
                .get(0))
        .startsWith("pipelines[0].columns.a '@value' is not a column source");
  }

  @Test
  void missingEnvironmentVariableIsAProblem() {
    ConfigException e = problems(VALID);

    assertThat(e.problems())
        .containsExactly(
            "database.password refers to environment variable FERRY_DB_PASSWORD, which is not"
                + " set");
  }

  @Test
  void emptyAndMalformedFilesAreReported() {
    assertThat(problems("").problems()).contains("the file is empty");
    assertThat(problems("kafka: [unclosed").problems().get(0))
        .startsWith("test.yaml is not valid YAML (line 1, column ")
        .doesNotContain("'reader'");
  }

  @Test
  void repeatedKeysAreRefusedNamingTheKeyAndItsLines() {
    ConfigException e =
        problems(
            """
            kafka:
              bootstrap-servers: k:9092
            database:
              url: jdbc:postgresql://h/d
            worker:
              threads: 2
              batch-size: 10
              threads: 4
            pipelines:
              - name: p
                topics: [t]
                table: t
                columns: {a: /a, a: /b}
            worker:
              queue-capacity: 5
            """);

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "worker is set 2 times (lines 5 and 14); keep one",
            "worker.threads is set 2 times (lines 6 and 8); keep one",
            "pipelines[0].columns.a is set 2 times (line 13); keep one");
  }

  @Test
  void theMessageGivesEachProblemTheLineOfItsKey() {
    ConfigException e =
        problems(
            """
            kafka:
              group-id: g
              client-properties:
                max.poll.records: lots
            database:
              url: jdbc:postgresql://localhost/app
            worker:
              threads: 0
            pipelines:
              - name: events
                topics: [events]
                table: events
                columns:
                  event_id: event_id
            dead-letter: {topic: "{topic}"}
            """);

    assertThat(e.getMessage())
        .contains(
            "  - kafka.bootstrap-servers is required (line 1)",
            "  - worker.threads must be between 1 and 1024, was 0 (line 8)",
            "  - pipelines[0].columns.event_id 'event_id' is not a valid JSON Pointer",
            "e.g. /user_id) (line 14)",
            "'lots': Not a number of type INT",
            "  - dead-letter.topic resolves to 'events' for input topic 'events', which is itself"
                + " an input topic: dead letters would be consumed again (line 15)");
    assertThat(e.problems()).contains("worker.threads must be between 1 and 1024, was 0");
  }

  @Test
  void aPasswordFileIsReadWithoutItsTrailingLineBreak(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("db-password");
    Files.writeString(secret, "s3cr3t\n");
    String yaml =
        VALID.replace("password: ${FERRY_DB_PASSWORD}", "password-file: \"" + secret + "\"");

    FerryConfig config = load(yaml, Map.of());

    assertThat(config.database().password().value()).isEqualTo("s3cr3t");
    assertThat(config.describe()).doesNotContain("s3cr3t");
  }

  @Test
  void aMissingOrEmptyPasswordFileAndTwoPasswordsAreProblems(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThat(
            problems(
                    VALID.replace(
                        "password: ${FERRY_DB_PASSWORD}",
                        "password-file: \"" + dir.resolve("absent") + "\""))
                .problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("database.password-file file '" + dir.resolve("absent") + "' cannot be read");
    assertThat(
            problems(VALID.replace("password: ${FERRY_DB_PASSWORD}", "password-file: " + empty))
                .problems())
        .containsExactly("database.password-file file '" + empty + "' is empty");
    assertThat(
            problems(
                    VALID.replace(
                        "password: ${FERRY_DB_PASSWORD}", "password: x\n  password-file: " + empty))
                .problems())
        .containsExactly("database.password-file and database.password are both set; keep one");
  }

  @Test
  void targetsNeedATransformAndDistinctTables() {
    String targets =
        """
            targets:
              - table: public.events
                columns: {a: /a}
              - table: public.lines
                mode: upsert
                columns: {a: /a}
        """;
    ConfigException e =
        problems(withoutSecret().replace("    columns:\n", targets + "    columns:\n"));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "pipelines[0].targets[0].table 'public.events' is a target of this pipeline already",
            "pipelines[0].targets[1].key-columns is required when mode is upsert",
            "pipelines[0].targets needs a transform: only a transform writes rows to more tables");
  }

  @Test
  void transformOptionsWithoutATransformAreAProblem() {
    ConfigException e =
        problems(
            withoutSecret()
                .replace("    columns:\n", "    transform-options: {a: b}\n    columns:\n"));

    assertThat(e.problems())
        .containsExactly(
            "pipelines[0].transform-options is set but the pipeline names no transform");
  }

  @Test
  void kafkaConfigProviderReferencesPassThroughUntouched() throws Exception {
    String reference = "${file:/run/secrets/kafka.properties:sasl.jaas.config}";
    FerryConfig config =
        load(
            withoutSecret()
                .replace(
                    "sasl.jaas.config: secret-stuff", "sasl.jaas.config: \"" + reference + "\""),
            Map.of());

    assertThat(config.kafka().clientProperties()).containsEntry("sasl.jaas.config", reference);
  }

  @Test
  void clientPropertyValuesAreCheckedAgainstKafkasOwnDefinitions() {
    ConfigException e =
        problems(
            """
            kafka:
              bootstrap-servers: k:9092
              client-properties:
                max.poll.records: lots
                fetch.min.bytes: "1"
                linger.ms: "-5"
                security.protocol: TLS
                sasl.jaas.config: "${file:/run/secrets/kafka.properties:sasl.jaas.config}"
                not.a.kafka.key: anything
            database:
              url: jdbc:postgresql://localhost/app
            worker:
              threads: 0
            pipelines:
              - name: events
                topics: [events]
                table: events
                columns: {event_id: /event_id}
            """);

    assertThat(e.problems()).hasSize(4);
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "kafka.client-properties.max.poll.records is refused by the Kafka"
                            + " consumer, was 'lots': Not a number of type INT")
                    .contains("expected a whole number (int), [1,...]"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "kafka.client-properties.linger.ms is refused by the Kafka producer, was"
                            + " '-5'")
                    .contains("at least 0"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "kafka.client-properties.security.protocol is refused by the Kafka"
                            + " consumer, was 'TLS'")
                    .contains("SASL_SSL"))
        .contains("worker.threads must be between 1 and 1024, was 0");
  }

  @Test
  void everyKeyKafkaTypesAsAPasswordIsMasked() throws Exception {
    String yaml =
        withoutSecret()
            .replace(
                "sasl.jaas.config: secret-stuff",
                """
                sasl.oauthbearer.assertion.private.key.passphrase: pass-phrase-1
                    ssl.truststore.certificates: pem-text-2
                    ssl.keystore.key: pem-key-3\
                """);

    FerryConfig config = load(yaml, Map.of());

    assertThat(config.kafka().clientProperties())
        .containsEntry("sasl.oauthbearer.assertion.private.key.passphrase", "pass-phrase-1");
    assertThat(config.describe())
        .doesNotContain("pass-phrase-1", "pem-text-2", "pem-key-3")
        .contains("sasl.oauthbearer.assertion.private.key.passphrase=****");
    for (org.apache.kafka.common.config.ConfigDef def :
        java.util.List.of(
            org.apache.kafka.clients.consumer.ConsumerConfig.configDef(),
            org.apache.kafka.clients.producer.ProducerConfig.configDef(),
            org.apache.kafka.clients.admin.AdminClientConfig.configDef())) {
      def.configKeys().values().stream()
          .filter(k -> k.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD)
          .forEach(k -> assertThat(ClientProperties.isSecret(k.name)).as(k.name).isTrue());
    }
  }

  @Test
  void relativePathsResolveAgainstTheConfigFilesDirectory(@TempDir Path dir) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.createDirectories(conf.resolve("secrets"));
    Files.createDirectories(conf.resolve("plugins"));
    Files.createDirectories(conf.resolve("schemas"));
    Files.writeString(conf.resolve("secrets/db"), "from-the-file\n");
    Files.writeString(conf.resolve("schemas/events.json"), "{}");
    Path file = conf.resolve("ferry.yaml");
    Files.writeString(
        file,
        withoutSecret()
            .replace("password: x", "password-file: secrets/db")
            .replace("  threads: 4\n", "  threads: 4\n  plugin-dir: ./plugins\n")
            .replace(
                "    table: public.events\n",
                "    table: public.events\n    schema: schemas/events.json\n"));

    FerryConfig config = ConfigLoader.withEnvironment(Map.of()).load(file);

    assertThat(config.database().password().value()).isEqualTo("from-the-file");
    assertThat(config.worker().pluginDir()).contains(conf.resolve("plugins").toAbsolutePath());
    assertThat(config.pipelines().get(0).schema())
        .contains(conf.resolve("schemas/events.json").toAbsolutePath().toString());
  }

  @Test
  void aDoubledDollarSignEscapesSubstitution() throws Exception {
    FerryConfig config =
        load(
            withoutSecret()
                .replace("group-id: ferry-test", "group-id: \"g-$${NOT_SET}-$$x-$${A:-b}\""),
            Map.of());

    assertThat(config.kafka().groupId()).isEqualTo("g-${NOT_SET}-$$x-${A:-b}");
  }

  @Test
  void theDatabaseSectionAloneIsEnoughForMigrate(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("db.yaml"),
            """
            database:
              url: jdbc:postgresql://h/d
              password-file: pw
              pool-size: 2
            """);
    Files.writeString(dir.resolve("pw"), "s3cr3t");
    ConfigLoader loader = ConfigLoader.withEnvironment(Map.of());

    DatabaseSettings database = loader.loadDatabase(file);

    assertThat(database.url()).isEqualTo("jdbc:postgresql://h/d");
    assertThat(database.password().value()).isEqualTo("s3cr3t");
    assertThat(catchThrowableOfType(ConfigException.class, () -> loader.load(file)).problems())
        .contains(
            "kafka.bootstrap-servers is required", "pipelines must list at least one pipeline");
  }

  @Test
  void migrateStillRefusesABadDatabaseSection(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("db.yaml"),
            """
            database:
              url: postgres://h/d
              pool-size: 0
              pool-size: 1
              colour: blue
            kafka: {anything: goes}
            """);

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> ConfigLoader.withEnvironment(Map.of()).loadDatabase(file));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "database.pool-size is set 2 times (lines 3 and 4); keep one",
            "database.url must start with jdbc:postgresql:, was 'postgres://h/d'",
            "database.colour is not a known setting");
  }

  private static String withoutSecret() {
    return VALID.replace("${FERRY_DB_PASSWORD}", "x");
  }

  @Test
  void theMemoryBudgetIsAQuarterOfTheHeapByDefaultOrASizeOrAShare() throws Exception {
    long mib = 1024 * 1024;
    FerryConfig defaults = load(VALID, Map.of("FERRY_DB_PASSWORD", "x"));
    assertThat(defaults.worker().memoryBudget()).isEqualTo(MemoryBudget.DEFAULT);
    assertThat(defaults.worker().memoryBudget().resolve(384 * mib)).isEqualTo(96 * mib);

    Map<String, Long> sizes =
        Map.of(
            "96MiB", 96 * mib,
            "96Mi", 96 * mib,
            "1GiB", 1024 * mib,
            "500MB", 500_000_000L,
            "2097152", 2 * mib);
    for (Map.Entry<String, Long> size : sizes.entrySet()) {
      FerryConfig config =
          load(
              VALID.replace("queue-capacity: 1000", "memory-budget: " + size.getKey()),
              Map.of("FERRY_DB_PASSWORD", "x"));
      assertThat(config.worker().memoryBudget().resolve(384 * mib))
          .as(size.getKey())
          .isEqualTo(size.getValue());
    }
    FerryConfig share =
        load(
            VALID.replace("queue-capacity: 1000", "memory-budget: 40%"),
            Map.of("FERRY_DB_PASSWORD", "x"));
    assertThat(share.worker().memoryBudget().resolve(1000 * mib)).isEqualTo(400 * mib);
    assertThat(share.worker().toString()).contains("memory-budget=40%");
  }

  @Test
  void aMemoryBudgetThatIsNoSizeOrTooSmallOrTooLargeAShareIsAProblem() {
    for (String[] bad :
        new String[][] {
          {
            "lots",
            "worker.memory-budget must be a size such as 256MiB, 1GiB or 500MB, or a share"
                + " of the heap such as 25%, was 'lots'"
          },
          {"512KiB", "worker.memory-budget must be ≥ 1MiB, was 512KiB"},
          {"95%", "worker.memory-budget must be between 1% and 90% of the heap, was 95%"},
          {
            "99999999999999GiB",
            "worker.memory-budget must be a size such as 256MiB, 1GiB or"
                + " 500MB, or a share of the heap such as 25%, was '99999999999999GiB'"
          }
        }) {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class,
              () ->
                  load(
                      VALID.replace("queue-capacity: 1000", "memory-budget: " + bad[0]),
                      Map.of("FERRY_DB_PASSWORD", "x")));
      assertThat(e).as(bad[0]).isNotNull();
      assertThat(e.problems()).as(bad[0]).containsExactly(bad[1]);
    }
  }
}
