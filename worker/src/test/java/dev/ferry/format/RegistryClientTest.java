package dev.ferry.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.ferry.config.RegistrySettings;
import dev.ferry.config.Secret;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry client against a tiny HTTP server in the test JVM. */
class RegistryClientTest {
  private static final String AVRO = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[]}";
  private static final String APICURIO_ANSWER =
      "{\"schema\":"
          + quoted(AVRO)
          + ",\"schemaType\":\"AVRO\",\"references\":[{\"name\":\"common.proto\","
          + "\"subject\":\"common\",\"version\":2}]}";
  private static final String CONFLUENT_ANSWER = "{\"schema\":" + quoted(AVRO) + "}";
  private static final String NOT_FOUND =
      "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}";

  private final FakeRegistry registry;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);

  RegistryClientTest() throws Exception {
    registry = new FakeRegistry();
  }

  @AfterEach
  void stop() {
    registry.close();
    threads.shutdownNow();
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\"", "\\\"") + "\"";
  }

  private RegistryClient client(Optional<String> user, Secret password, Secret token) {
    return new RegistryClient(
        new RegistrySettings(
            URI.create(registry.url()),
            user,
            password,
            token,
            Duration.ofSeconds(5),
            Optional.empty()));
  }

  private RegistryClient client() {
    return client(Optional.empty(), new Secret(""), new Secret(""));
  }

  @Test
  void aSchemaByIdIsReadLenientlyInApicuriosAndConfluentsForm() throws Exception {
    registry.answer("/schemas/ids/7", 200, APICURIO_ANSWER);
    registry.answer("/schemas/ids/8", 200, CONFLUENT_ANSWER);
    RegistryClient client = client();

    RegistrySchema apicurio = client.byId(7);
    RegistrySchema confluent = client.byId(8);

    assertThat(apicurio)
        .isEqualTo(
            new RegistrySchema(
                7,
                "AVRO",
                AVRO,
                List.of(new RegistrySchema.Reference("common.proto", "common", 2))));
    assertThat(confluent).isEqualTo(new RegistrySchema(8, "AVRO", AVRO, List.of()));
    assertThat(client.requests(RegistryClient.Outcome.OK)).isEqualTo(2);
    assertThat(client.cachedSchemas()).isEqualTo(2);
  }

  @Test
  void aReferenceIsFetchedBySubjectAndVersion() throws Exception {
    registry.answer(
        "/subjects/common/versions/2",
        200,
        "{\"subject\":\"common\",\"version\":2,\"id\":3,\"schemaType\":\"PROTOBUF\","
            + "\"schema\":\"syntax = \\\"proto3\\\";\"}");

    RegistrySchema schema =
        client().byReference(new RegistrySchema.Reference("common.proto", "common", 2));

    assertThat(schema)
        .isEqualTo(new RegistrySchema(3, "PROTOBUF", "syntax = \"proto3\";", List.of()));
  }

  @Test
  void anUnknownIdIsTheRecordsFaultAndIsAskedAgainLater() throws Exception {
    registry.answer("/schemas/ids/7", 404, NOT_FOUND);
    RegistryClient client = client();

    RecordFailure failure = catchThrowableOfType(RecordFailure.class, () -> client.byId(7));

    assertThat(failure.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
    assertThat(failure).hasMessageContaining("schema id 7");
    registry.answer("/schemas/ids/7", 200, CONFLUENT_ANSWER); // registered since
    assertThat(client.byId(7).text()).isEqualTo(AVRO);
    assertThat(registry.requestsFor("/schemas/ids/7")).isEqualTo(2);
    assertThat(client.requests(RegistryClient.Outcome.UNKNOWN_ID)).isEqualTo(1);
    assertThat(client.requests(RegistryClient.Outcome.OK)).isEqualTo(1);
  }

  @Test
  void aServerErrorIsTransientAndNotCached() throws Exception {
    registry.answer("/schemas/ids/7", 503, "{\"message\":\"storage not ready\"}");
    RegistryClient client = client();

    RegistryUnavailableException e =
        catchThrowableOfType(RegistryUnavailableException.class, () -> client.byId(7));

    assertThat(e).hasMessageContaining("HTTP 503").hasMessageContaining("storage not ready");
    registry.answer("/schemas/ids/7", 200, CONFLUENT_ANSWER);
    assertThat(client.byId(7).id()).isEqualTo(7);
    assertThat(client.requests(RegistryClient.Outcome.UNAVAILABLE)).isEqualTo(1);
  }

  @Test
  void a404WithoutTheRegistrysErrorCodeMeansTheUrlIsWrongNotTheRecord() {
    RegistryUnavailableException e =
        catchThrowableOfType(RegistryUnavailableException.class, () -> client().byId(7));

    assertThat(e)
        .hasMessageContaining("HTTP 404 without a registry error code")
        .hasMessageContaining("registry.url");
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIsTransient() {
    registry.hold = new CountDownLatch(1);
    RegistryClient client =
        new RegistryClient(
            new RegistrySettings(
                URI.create(registry.url()),
                Optional.empty(),
                new Secret(""),
                new Secret(""),
                Duration.ofMillis(200),
                Optional.empty()));

    RegistryUnavailableException e =
        catchThrowableOfType(RegistryUnavailableException.class, () -> client.byId(7));

    assertThat(e).hasMessageContaining("registry.request-timeout (200ms)");
  }

  @Test
  void anUnreachableRegistryIsTransient() {
    registry.close();

    RegistryUnavailableException e =
        catchThrowableOfType(RegistryUnavailableException.class, () -> client().byId(7));

    assertThat(e).hasMessageContaining(registry.url());
  }

  @Test
  void basicAuthIsSentAndARefusalNeverShowsTheCredential() {
    registry.answer("/schemas/ids/7", 401, "{\"message\":\"Unauthorized\"}");
    RegistryClient client = client(Optional.of("ferry"), new Secret("s3cret"), new Secret(""));

    RegistryUnavailableException e =
        catchThrowableOfType(RegistryUnavailableException.class, () -> client.byId(7));

    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("ferry:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(registry.requests.get(0).authorization()).isEqualTo(expected);
    assertThat(e)
        .hasMessageContaining("refused the credentials (HTTP 401)")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aBearerTokenIsSent() throws Exception {
    registry.answer("/schemas/ids/7", 200, CONFLUENT_ANSWER);

    client(Optional.empty(), new Secret(""), new Secret("tok-123")).byId(7);

    assertThat(registry.requests.get(0).authorization()).isEqualTo("Bearer tok-123");
  }

  @Test
  void concurrentMissesForOneIdMakeOneRequest() throws Exception {
    registry.answer("/schemas/ids/7", 200, CONFLUENT_ANSWER);
    registry.hold = new CountDownLatch(1);
    RegistryClient client = client();
    List<Future<RegistrySchema>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(threads.submit(() -> client.byId(7)));
    }

    assertThat(registry.received.await(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ((java.util.concurrent.ThreadPoolExecutor) threads).getActiveCount() == 8);
    registry.hold.countDown();

    for (Future<RegistrySchema> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS).id()).isEqualTo(7);
    }
    assertThat(registry.requestsFor("/schemas/ids/7")).isEqualTo(1);
    assertThat(client.requests(RegistryClient.Outcome.OK)).isEqualTo(1);
  }

  @Test
  void afterWarmUpARegistryOutageCostsNothing() throws Exception {
    registry.answer("/schemas/ids/7", 200, CONFLUENT_ANSWER);
    RegistryClient client = client();
    RegistrySchema warm = client.byId(7);

    registry.close();

    assertThat(client.byId(7)).isEqualTo(warm);
    assertThat(client.requests(RegistryClient.Outcome.OK)).isEqualTo(1);
    assertThat(client.requests(RegistryClient.Outcome.UNAVAILABLE)).isZero();
  }

  @Test
  void theLatestVersionOfASubjectForCheck() throws Exception {
    registry.answer(
        "/subjects/orders-value/versions/latest",
        200,
        "{\"subject\":\"orders-value\",\"version\":3,\"id\":12,\"schema\":" + quoted(AVRO) + "}");
    registry.answer(
        "/subjects/missing-value/versions/latest",
        404,
        "{\"error_code\":40401,\"message\":\"Subject not found\"}");

    assertThat(client().latest("orders-value")).contains(new RegistryClient.Latest(12, 3));
    assertThat(client().latest("missing-value")).isEmpty();
  }
}
