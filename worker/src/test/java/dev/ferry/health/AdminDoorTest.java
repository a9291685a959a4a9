package dev.ferry.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.ferry.health.AdminDoor.Outcome;
import dev.ferry.health.http.HttpRequest;
import dev.ferry.health.http.HttpResponse;
import dev.ferry.health.http.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The lock around the routes: who gets in, what is logged and counted. */
class AdminDoorTest {
  private static final String TOKEN = "s3cret-admin-token-0123456789";
  private static final String REMOTE = "/10.1.2.3:40000";

  private final List<Outcome> outcomes = new ArrayList<>();
  private final List<String> routed = new ArrayList<>();
  private final HttpServer.Handler routes =
      request -> {
        routed.add(request.method() + " " + request.path());
        return HttpResponse.json(200, "{}");
      };
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AdminDoor.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private static HttpRequest request(String method, String path, String authorization) {
    Map<String, String> headers = new HashMap<>();
    headers.put("host", "ferry");
    if (authorization != null) {
      headers.put("authorization", authorization);
    }
    return new HttpRequest(method, path, "HTTP/1.1", headers, new byte[0]).from(REMOTE);
  }

  private HttpServer.Handler tokenDoor() {
    return AdminDoor.withToken(TOKEN, outcomes::add).guard(routes);
  }

  @Test
  void anAdminCallWithoutTheHeaderIsRefused401LoggedAndCounted() {
    HttpResponse response = tokenDoor().handle(request("POST", "/pipelines/orders/resume", null));

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers())
        .containsExactly(Map.entry("WWW-Authenticate", "Bearer realm=\"ferry-admin\""));
    assertThat(routed).isEmpty();
    assertThat(outcomes).containsExactly(Outcome.UNAUTHORIZED);
    assertThat(logs.list).hasSize(1);
    ILoggingEvent line = logs.list.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.WARN);
    assertThat(line.getFormattedMessage())
        .isEqualTo(
            "admin call refused (401, no token): POST /pipelines/orders/resume by "
                + REMOTE
                + " (none)");
  }

  @Test
  void aWrongTokenIsRefused401AndNeitherTokenIsLogged() {
    HttpResponse response =
        tokenDoor().handle(request("POST", "/pipelines/orders/resume", "Bearer wrong-token"));

    assertThat(response.status()).isEqualTo(401);
    assertThat(routed).isEmpty();
    assertThat(outcomes).containsExactly(Outcome.UNAUTHORIZED);
    assertThat(logs.list.get(0).getFormattedMessage())
        .isEqualTo(
            "admin call refused (401, wrong token): POST /pipelines/orders/resume by "
                + REMOTE
                + " (token)")
        .doesNotContain("wrong-token")
        .doesNotContain(TOKEN);
  }

  @Test
  void otherSchemesAndAPrefixOfTheTokenAreRefused() {
    HttpServer.Handler door = tokenDoor();
    for (String header :
        new String[] {
          "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN.substring(1), "Bearer " + TOKEN + "x", "Bearer"
        }) {
      assertThat(door.handle(request("POST", "/pipelines/a/resume", header)).status())
          .as(header)
          .isEqualTo(401);
    }
    assertThat(routed).isEmpty();
  }

  @Test
  void theRightTokenLetsTheCallThroughAndLogsItsOutcome() {
    HttpResponse response =
        tokenDoor().handle(request("POST", "/pipelines/orders/resume", "Bearer " + TOKEN));

    assertThat(response.status()).isEqualTo(200);
    assertThat(routed).containsExactly("POST /pipelines/orders/resume");
    assertThat(outcomes).containsExactly(Outcome.ALLOWED);
    ILoggingEvent line = logs.list.get(0);
    assertThat(line.getLevel()).isEqualTo(Level.INFO);
    assertThat(line.getFormattedMessage())
        .isEqualTo(
            "admin call allowed: POST /pipelines/orders/resume by " + REMOTE + " (token) -> 200")
        .doesNotContain(TOKEN);
  }

  @Test
  void theSchemeIsCaseInsensitiveAsHttpSays() {
    assertThat(tokenDoor().handle(request("PUT", "/pipelines/a", "bearer " + TOKEN)).status())
        .isEqualTo(200);
  }

  @Test
  void readsOfMetricsAndHealthStayOpenUnloggedAndUncounted() {
    HttpServer.Handler door = tokenDoor();
    for (String path : new String[] {"/metrics", "/health/live", "/health/ready"}) {
      assertThat(door.handle(request("GET", path, null)).status()).isEqualTo(200);
      assertThat(door.handle(request("HEAD", path, null)).status()).isEqualTo(200);
    }
    assertThat(routed).hasSize(6);
    assertThat(outcomes).isEmpty();
    assertThat(logs.list).isEmpty();
  }

  @Test
  void everyOtherRouteIsAnAdminRouteWhateverItsMethod() {
    HttpServer.Handler door = tokenDoor();
    assertThat(door.handle(request("GET", "/pipelines/orders/status", null)).status())
        .isEqualTo(401);
    assertThat(door.handle(request("POST", "/metrics", null)).status()).isEqualTo(401);
    assertThat(door.handle(request("DELETE", "/health/ready", null)).status()).isEqualTo(401);
    assertThat(door.handle(request("GET", "/admin/anything", null)).status()).isEqualTo(401);
    assertThat(routed).isEmpty();
  }

  @Test
  void withoutATokenAWildcardListenerRefusesAdminCalls403() {
    HttpServer.Handler door =
        AdminDoor.withoutToken(new InetSocketAddress("0.0.0.0", 9400), outcomes::add).guard(routes);

    HttpResponse response = door.handle(request("POST", "/pipelines/orders/resume", null));

    assertThat(response.status()).isEqualTo(403);
    assertThat(routed).isEmpty();
    assertThat(outcomes).containsExactly(Outcome.FORBIDDEN);
    assertThat(logs.list.get(0).getLevel()).isEqualTo(Level.WARN);
    assertThat(door.handle(request("GET", "/metrics", null)).status()).isEqualTo(200);
  }

  @Test
  void withoutATokenALoopbackListenerLetsAdminCallsInAndLogsThem() {
    HttpServer.Handler door =
        AdminDoor.withoutToken(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 9400), outcomes::add)
            .guard(routes);

    assertThat(door.handle(request("POST", "/pipelines/orders/resume", null)).status())
        .isEqualTo(200);
    assertThat(outcomes).containsExactly(Outcome.ALLOWED);
    assertThat(logs.list.get(0).getFormattedMessage())
        .isEqualTo(
            "admin call allowed: POST /pipelines/orders/resume by " + REMOTE + " (none) -> 200");
  }

  @Test
  void controlCharactersInThePathCannotForgeLogLines() {
    tokenDoor().handle(request("POST", "/pipelines/a\nFAKE line", null));

    assertThat(logs.list.get(0).getFormattedMessage()).contains("/pipelines/a?FAKE line");
  }

  @Test
  void tokensAreComparedAsDigestsWithMessageDigestIsEqual() {
    byte[] expected = AdminDoor.digest(TOKEN);

    assertThat(expected).hasSize(32);
    assertThat(AdminDoor.matches(expected, TOKEN)).isTrue();
    assertThat(AdminDoor.matches(expected, TOKEN + " ")).isFalse();
    assertThat(AdminDoor.matches(expected, "")).isFalse();
    // Equal-length digests whatever the length presented: the compare cannot leak the length.
    assertThat(AdminDoor.digest("x")).hasSameSizeAs(AdminDoor.digest(TOKEN.repeat(10)));
  }

  @Test
  void theTokenCheckCallsMessageDigestIsEqualAndNoEquals() {
    JavaMethod matches =
        new ClassFileImporter()
            .importClasses(AdminDoor.class)
            .get(AdminDoor.class)
            .getMethod("matches", byte[].class, String.class);
    List<String> calls =
        matches.getMethodCallsFromSelf().stream()
            .map(call -> call.getTargetOwner().getSimpleName() + "." + call.getName())
            .toList();

    assertThat(calls).contains("MessageDigest.isEqual");
    assertThat(calls).noneMatch(call -> call.endsWith(".equals"));
  }

  @Test
  void theDoorDescribesItselfWithoutTheToken() {
    assertThat(AdminDoor.withToken(TOKEN, outcomes::add).describe())
        .isEqualTo("admin calls need the bearer token of http.admin-token-file")
        .doesNotContain(TOKEN);
    assertThat(
            AdminDoor.withoutToken(new InetSocketAddress("0.0.0.0", 1), outcomes::add).describe())
        .startsWith("admin calls refused");
    assertThat(
            AdminDoor.withoutToken(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), outcomes::add)
                .describe())
        .startsWith("admin calls without a token");
  }

  @Test
  void anEmptyTokenIsNeverADoor() {
    assertThatThrownBy(() -> AdminDoor.withToken("", outcomes::add))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
