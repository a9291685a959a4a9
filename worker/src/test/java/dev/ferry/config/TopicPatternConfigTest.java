package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code topic-pattern} as the alternative to {@code topics}, and {@code
 * kafka.topic-refresh-interval}: what is read, and every way they can be wrong, each naming its
 * key.
 */
class TopicPatternConfigTest {
  private static final String HEAD =
      """
      kafka:
        bootstrap-servers: localhost:9092
      %s
      database:
        url: jdbc:postgresql://localhost/app
      pipelines:
      """;

  private static String pipeline(String name, String topics) {
    return """
          - name: %s
            %s
            table: public.events
            columns:
              id: /id
        """
        .formatted(name, topics);
  }

  private static FerryConfig load(String kafkaExtra, String... pipelines) throws ConfigException {
    String yaml = HEAD.formatted(kafkaExtra) + String.join("", pipelines);
    return ConfigLoader.withEnvironment(Map.of()).parse(yaml, "test.yaml");
  }

  private static List<String> problems(String kafkaExtra, String... pipelines) {
    return catchThrowableOfType(ConfigException.class, () -> load(kafkaExtra, pipelines))
        .problems();
  }

  @Test
  void aPatternIsReadInsteadOfTopicsAndTheRefreshIntervalDefaultsToThirtySeconds()
      throws Exception {
    FerryConfig config = load("", pipeline("shop", "topic-pattern: 'shop\\.(.+)'"));

    PipelineSettings p = config.pipelines().get(0);
    assertThat(p.topics()).isEmpty();
    assertThat(p.topicPattern()).map(TopicPattern::regex).contains("shop\\.(.+)");
    assertThat(p.topicPattern().get().pattern().matcher("shop.orders").replaceAll("$1"))
        .isEqualTo("orders");
    assertThat(config.kafka().topicRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.inputTopics()).isEmpty();
    assertThat(config.pipelineFor("shop.orders")).isSameAs(p);
    assertThat(config.describe())
        .contains("topic-refresh-interval=30s")
        .contains("topic-pattern=shop\\.(.+)");
  }

  @Test
  void theRefreshIntervalIsReadAndMustBeAtLeastOneSecond() throws Exception {
    assertThat(
            load("  topic-refresh-interval: 2s", pipeline("a", "topics: [a]"))
                .kafka()
                .topicRefreshInterval())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(problems("  topic-refresh-interval: 500ms", pipeline("a", "topics: [a]")))
        .anyMatch(p -> p.equals("kafka.topic-refresh-interval must be ≥ 1s, was 500ms"));
  }

  @Test
  void metadataMaxAgeInClientPropertiesIsRefusedForTheSettingThatSetsIt() {
    assertThat(
            problems(
                "  client-properties:\n    metadata.max.age.ms: \"1000\"",
                pipeline("a", "topics: [a]")))
        .contains(
            "kafka.client-properties.metadata.max.age.ms is set by"
                + " kafka.topic-refresh-interval; set it there");
  }

  @Test
  void topicsAndAPatternTogetherOrNeitherAreProblems() {
    assertThat(problems("", pipeline("a", "topics: [a]\n    topic-pattern: 'a.*'")))
        .containsExactly(
            "pipelines[0].topic-pattern and topics are both set; a pipeline takes exactly one of"
                + " them");
    assertThat(problems("", pipeline("a", "mode: insert")))
        .containsExactly("pipelines[0].topics must list at least one topic (or set topic-pattern)");
  }

  @Test
  void aPatternJavaCannotCompileIsAProblemNamingTheKeyAndNotAlsoMissingTopics() {
    assertThat(problems("", pipeline("a", "topic-pattern: 'shop\\.(.+'")))
        .containsExactly(
            "pipelines[0].topic-pattern is not a valid Java regular expression: Unclosed group at"
                + " index 9 in 'shop\\.(.+'");
  }

  @Test
  void backReferencesAreRefusedButEscapedBackslashesAndQuotesAreNot() {
    assertThat(problems("", pipeline("a", "topic-pattern: '(a)\\1'")))
        .containsExactly(
            "pipelines[0].topic-pattern may not use back-references (\\1, \\k<name>), was"
                + " '(a)\\1'");
    assertThat(TopicPatternReader.hasBackReference("(?<t>a)\\k<t>")).isTrue();
    assertThat(TopicPatternReader.hasBackReference("a\\\\1")).isFalse();
    assertThat(TopicPatternReader.hasBackReference("\\Q\\1\\E.*")).isFalse();
    assertThat(TopicPatternReader.hasBackReference("shop\\.[a-z]+")).isFalse();
  }

  @Test
  void aPatternLikeAnEarlierOneOrClashingWithItIsAProblemOfTheLaterPipeline() {
    assertThat(
            problems(
                "",
                pipeline("first", "topic-pattern: 'shop\\..*'"),
                pipeline("second", "topic-pattern: 'shop\\..*'")))
        .containsExactly(
            "pipelines[1].topic-pattern is the same as pipeline first's, which takes every topic"
                + " it matches first");
    assertThat(
            problems(
                "",
                pipeline("first", "topic-pattern: '(?<t>shop)\\..*'"),
                pipeline("second", "topic-pattern: '(?<t>bank)\\..*'")))
        .singleElement()
        .asString()
        .startsWith(
            "pipelines[1].topic-pattern cannot be combined with the topic patterns before it");
  }

  @Test
  void overlappingPatternsAndAListedTopicAreAllowed() throws Exception {
    FerryConfig config =
        load(
            "",
            pipeline("orders", "topics: [shop.orders]"),
            pipeline("shop", "topic-pattern: 'shop\\..*'"),
            pipeline("all", "topic-pattern: '.*'"));

    assertThat(config.pipelineFor("shop.orders").name()).isEqualTo("orders");
    assertThat(config.pipelineFor("shop.carts").name()).isEqualTo("shop");
    assertThat(config.pipelineFor("bank.loans").name()).isEqualTo("all");
    assertThat(config.pipelineOf("shop.carts.dlt")).isEmpty();
  }

  @Test
  void aDeadLetterTemplateOfTheTopicAloneIsRefusedWithAPattern() {
    String yaml =
        HEAD.formatted("")
            + pipeline("shop", "topic-pattern: 'shop\\..*'")
            + "dead-letter:\n  topic: '{topic}'\n";
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () -> ConfigLoader.withEnvironment(Map.of()).parse(yaml, "test.yaml"))
                .problems())
        .contains(
            "dead-letter.topic '{topic}' makes every topic its own dead-letter topic; a"
                + " topic-pattern needs a template with more than {topic}");
  }
}
