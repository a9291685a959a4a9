package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Which pipeline a topic belongs to: a listed topic wins over every pattern, then the first
 * matching pattern in file order; internal and dead-letter topics are never matched by a pattern;
 * and the consumer's combined subscription matches exactly the topics that belong to a pipeline.
 */
class TopicRoutingTest {
  private static final TargetSettings TABLE =
      new TargetSettings(
          TableName.parse("public.t").orElseThrow(),
          PipelineSettings.Mode.INSERT,
          List.of(),
          java.util.Map.of("id", ColumnSource.parse("/id")),
          false,
          Optional.empty());

  private static PipelineSettings listed(String name, String... topics) {
    return PipelineSettings.simple(
        name, List.of(topics), Optional.empty(), TABLE, PipelineSettings.Tombstones.SKIP);
  }

  private static PipelineSettings matching(String name, String regex) {
    return listed(name).withTopicPattern(TopicPattern.compile(regex));
  }

  private static DeadLetterSettings deadLetters(String template) {
    return new DeadLetterSettings(
        template,
        true,
        new DeadLetterSettings.Breaker(true, 1000, 0.5, 200),
        Duration.ofSeconds(30));
  }

  private static final List<PipelineSettings> PIPELINES =
      List.of(
          matching("shop", "shop\\..*"),
          listed("orders", "shop.orders", "legacy.dlt", "__audit"),
          matching("everything", "(?i)[a-z_.]+"));

  private final TopicRouting routing = new TopicRouting(PIPELINES, deadLetters("{topic}.dlt"));

  private String owner(String topic) {
    return routing.pipelineOf(topic).map(PipelineSettings::name).orElse("(none)");
  }

  @Test
  void aListedTopicBelongsToItsPipelineThoughAnEarlierPatternMatchesIt() {
    assertThat(owner("shop.orders")).isEqualTo("orders");
  }

  @Test
  void amongPatternsTheFirstPipelineInTheFileWins() {
    assertThat(owner("shop.carts")).isEqualTo("shop");
    assertThat(owner("bank.loans")).isEqualTo("everything");
    assertThat(owner("BANK.LOANS")).as("the pattern's own flags count").isEqualTo("everything");
    assertThat(owner("bank-loans")).as("a whole-name match only").isEqualTo("(none)");
  }

  @Test
  void noPatternTakesAnInternalTopicOrAnyNameTheDeadLetterTemplateCanProduce() {
    assertThat(owner("__consumer_offsets")).isEqualTo("(none)");
    assertThat(owner("shop.carts.dlt")).isEqualTo("(none)");
    assertThat(owner("no.input.of.that.name.dlt"))
        .as("whether or not its input topic exists")
        .isEqualTo("(none)");
    assertThat(owner("legacy.dlt")).as("unless a pipeline lists it").isEqualTo("orders");
    assertThat(owner("__audit")).isEqualTo("orders");
    assertThat(owner("shop.dltx")).isEqualTo("shop");
  }

  @Test
  void theDeadLetterNamesFollowTheTemplate() {
    TopicRouting prefixed = new TopicRouting(PIPELINES, deadLetters("dlt-{topic}"));
    assertThat(prefixed.isDeadLetterName("dlt-shop.carts")).isTrue();
    assertThat(prefixed.isDeadLetterName("shop.carts.dlt")).isFalse();
    assertThat(prefixed.pipelineOf("shop.carts.dlt").map(PipelineSettings::name)).contains("shop");

    TopicRouting shared = new TopicRouting(PIPELINES, deadLetters("ferry.dead.letters"));
    assertThat(shared.isDeadLetterName("ferry.dead.letters")).isTrue();
    assertThat(shared.isDeadLetterName("ferry.dead.letters2")).isFalse();
    assertThat(shared.pipelineOf("ferry.dead.letters")).isEmpty();
  }

  @Test
  void theSubscriptionMatchesExactlyTheTopicsThatBelongToAPipeline() {
    Pattern subscription = routing.subscription();
    for (String topic :
        List.of(
            "shop.orders",
            "shop.carts",
            "shop.carts.dlt",
            "bank.loans",
            "BANK.LOANS",
            "bank-loans",
            "__consumer_offsets",
            "__audit",
            "legacy.dlt",
            "other.dlt",
            "shop.dltx",
            "x")) {
      assertThat(subscription.matcher(topic).matches())
          .as(topic)
          .isEqualTo(routing.consumes(topic));
    }
  }

  @Test
  void withoutPatternsTheSubscriptionIsTheListedTopicsQuoted() {
    TopicRouting plain =
        new TopicRouting(List.of(listed("a", "a.b", "c")), deadLetters("{topic}.dlt"));

    assertThat(plain.hasPatterns()).isFalse();
    assertThat(plain.subscription().matcher("a.b").matches()).isTrue();
    assertThat(plain.subscription().matcher("aXb").matches()).isFalse();
    assertThat(plain.explicitTopics()).containsExactly("a.b", "c");
  }

  @Test
  void theTopicsOfAPipelineAmongThoseThatExistAreListedSorted() {
    List<String> existing =
        List.of(
            "shop.z", "shop.orders", "shop.a", "shop.a.dlt", "bank.loans", "__consumer_offsets");

    assertThat(routing.consumedBy(PIPELINES.get(0), existing)).containsExactly("shop.a", "shop.z");
    assertThat(routing.consumedAmong(existing))
        .containsExactly("bank.loans", "shop.a", "shop.orders", "shop.z");
  }
}
