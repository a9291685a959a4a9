package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry check} resolves the latest schema of each registry pipeline's subjects: ok with id
 * and version, a missing subject or an unreachable registry as a problem.
 */
class RegistryCheckTest {
  private final HttpServer server;
  private final StringWriter out = new StringWriter();
  private final List<String> problems = new ArrayList<>();

  RegistryCheckTest() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          boolean known = path.equals("/subjects/orders-value/versions/latest");
          byte[] body =
              (known
                      ? "{\"subject\":\"orders-value\",\"id\":12,\"version\":3,\"schema\":\"{}\"}"
                      : "{\"error_code\":40401,\"message\":\"Subject not found\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(known ? 200 : 404, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private FerryConfig config(String url) throws Exception {
    return ConfigLoader.withEnvironment(Map.of())
        .parse(
            "kafka: {bootstrap-servers: \"k:9092\"}\n"
                + "database: {url: \"jdbc:postgresql://h/d\"}\n"
                + "registry: {url: \""
                + url
                + "\", request-timeout: 2s}\n"
                + "pipelines:\n"
                + "  - {name: p, topics: [orders], table: t, columns: {id: /id}, format: avro,"
                + " key-format: avro}\n"
                + "  - {name: q, topics: [events], table: e, columns: {id: /id}}\n",
            "test");
  }

  @Test
  void eachSubjectIsOkWithItsIdAndVersionOrAProblem() throws Exception {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();

    RegistryCheck.check(config(url), new PrintWriter(out, true), problems);

    assertThat(out.toString().split("\\R"))
        .containsExactly(
            "registry   ok: orders-value (schema id 12, version 3)",
            "registry   PROBLEM: subject orders-key is not in the schema registry at " + url);
    assertThat(problems)
        .containsExactly("subject orders-key is not in the schema registry at " + url);
  }

  @Test
  void aTopicPatternsPipelineIsCheckedForTheTopicsItMatchesNow() throws Exception {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    FerryConfig config =
        ConfigLoader.withEnvironment(Map.of())
            .parse(
                "kafka: {bootstrap-servers: \"k:9092\"}\n"
                    + "database: {url: \"jdbc:postgresql://h/d\"}\n"
                    + "registry: {url: \""
                    + url
                    + "\"}\n"
                    + "pipelines:\n"
                    + "  - {name: p, topic-pattern: 'o.*', table: t, columns: {id: /id},"
                    + " format: avro}\n",
                "test");

    RegistryCheck.check(config, List.of("orders", "ounces"), new PrintWriter(out, true), problems);

    assertThat(out.toString().split("\\R"))
        .containsExactly(
            "registry   ok: orders-value (schema id 12, version 3)",
            "registry   PROBLEM: subject ounces-value is not in the schema registry at " + url);
  }

  @Test
  void anUnreachableRegistryIsOneProblem() throws Exception {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    server.stop(0);

    RegistryCheck.check(config(url), new PrintWriter(out, true), problems);

    assertThat(out.toString()).startsWith("registry   UNREACHABLE: ");
    assertThat(problems).singleElement().asString().contains(url);
  }
}
