package dev.ferry.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.deadletter.DeadLetterHeaders;
import dev.ferry.support.DeadLetters;
import dev.ferry.support.FerryYaml;
import dev.ferry.support.GroupLag;
import dev.ferry.support.RunningWorker;
import dev.ferry.testkit.kafka.KafkaBrokerExtension;
import dev.ferry.testkit.postgres.PostgresSchemaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pipeline whose table is named by its topic ({@code {topic}}, normalized), its columns mapped by
 * name: camelCase and kebab-case fields land in snake_case columns, a field the record lacks keeps
 * the column's default on insert and the stored value on upsert, an explicit null writes NULL, and
 * an unknown field dead-letters the record under {@code unknown-fields: dead-letter}.
 */
@Timeout(120)
class TopicTemplateByNameIT {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresSchemaExtension PG = new PostgresSchemaExtension();

  private static final String GROUP = "ferry-topic-template";

  private static final List<String> VALUES =
      List.of(
          "{\"id\": 1, \"userId\": 10, \"HTTPStatus\": 200, \"displayName\": \"Ann\"}",
          "{\"id\": 2, \"userId\": 20, \"HTTPStatus\": 201}",
          "{\"id\": 1, \"HTTPStatus\": 404}",
          "{\"id\": 3, \"userId\": 30, \"zed\": 1, \"extraField\": true}",
          "{\"id\": 4, \"user-id\": 40, \"HTTPStatus\": null}");

  @Test
  void eachTopicGoesToItsOwnTableWithFieldsMappedByName() throws Exception {
    List<String> topics = List.of(KAFKA.uniqueTopic("Sign.Ups"), KAFKA.uniqueTopic("Sign.Ups"));
    for (String topic : topics) {
      KAFKA.createTopic(topic, 1);
      PG.execute(
          "CREATE TABLE "
              + table(topic)
              + " (id bigint PRIMARY KEY, user_id bigint, http_status integer,"
              + " display_name text NOT NULL DEFAULT 'anon')");
    }
    try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
      for (String topic : topics) {
        for (String value : VALUES) {
          producer.send(new ProducerRecord<>(topic, "k".getBytes(UTF_8), value.getBytes(UTF_8)));
        }
      }
    }
    String schema = PG.schema();
    FerryYaml yaml =
        FerryYaml.events(KAFKA.bootstrapServers(), PG, topics.get(0))
            .group(GROUP)
            .withoutEventsPipeline()
            .morePipelines(
                """
                  - name: signups
                    topics: [%s, %s]
                    table: "%s.{topic}"
                    tables-allowed: "%s\\\\.sign_ups_[a-z0-9_]+"
                    mode: upsert
                    key-columns: [id]
                    unknown-fields: dead-letter
                """
                    .formatted(topics.get(0), topics.get(1), schema, schema));

    RunningWorker worker = RunningWorker.start(yaml.load());
    try (worker) {
      await("both topics applied")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  GroupLag.of(KAFKA.bootstrapServers(), GROUP, topics.get(0)) == 0
                      && GroupLag.of(KAFKA.bootstrapServers(), GROUP, topics.get(1)) == 0);
    }

    for (String topic : topics) {
      assertThat(rows(table(topic)))
          .as(topic)
          .containsExactly("1|10|404|Ann", "2|20|201|anon", "4|40|null|anon");
      List<ConsumerRecord<byte[], byte[]>> dead =
          DeadLetters.readAll(KAFKA.bootstrapServers(), topic + ".dlt");
      assertThat(dead).hasSize(1);
      ConsumerRecord<byte[], byte[]> r = dead.get(0);
      assertThat(DeadLetters.header(r, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo("3");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.REASON)).isEqualTo("unknown-field");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.STAGE)).isEqualTo("transform");
      assertThat(DeadLetters.header(r, DeadLetterHeaders.EXCEPTION_MESSAGE))
          .isEqualTo(
              "the value has field(s) [extraField, zed] but table "
                  + schema
                  + "."
                  + table(topic)
                  + " has no column for them (it has: [id, user_id, http_status,"
                  + " display_name]); add the column(s), or set unknown-fields: ignore");
    }
  }

  /** The table a topic's records go to: its name lower-cased, other characters '_'. */
  private static String table(String topic) {
    return topic.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  private static List<String> rows(String table) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> row :
        PG.queryRows(
            "SELECT id, user_id, http_status, display_name FROM " + table + " ORDER BY id")) {
      out.add(
          row.get("id")
              + "|"
              + row.get("user_id")
              + "|"
              + row.get("http_status")
              + "|"
              + row.get("display_name"));
    }
    return out;
  }
}
