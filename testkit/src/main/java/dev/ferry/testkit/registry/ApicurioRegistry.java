package dev.ferry.testkit.registry;

import dev.ferry.testkit.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real Confluent-compatible schema registry for tests and the bench: Apicurio Registry with
 * in-memory storage, run as a child JVM from the distribution the {@code registry-runtime} module
 * unpacks ({@code registry-runtime/target/apicurio}, or the system property {@code
 * ferry.registry.home}), on a free loopback port. Its output goes to {@code registry.log} in the
 * work directory. Storage is in memory: every start and restart begins empty, and ids are given out
 * again from 1.
 *
 * <pre>{@code
 * try (ApicurioRegistry registry = ApicurioRegistry.start(workDir)) {
 *   int id = registry.register("orders-value", avroSchemaText, "AVRO");
 *   ... registry.url() in the worker's registry section ...
 * }
 * }</pre>
 *
 * <p>Only the process this object started is ever stopped, by its handle. Not thread-safe.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** A named reference to another subject's version, for Protobuf imports. */
  public record Reference(String name, String subject, int version) {
    public Reference {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(subject, "subject");
    }
  }

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final String API = "/apis/ccompat/v7";
  private static final String FETCH_COUNT = "rest_requests_seconds_count{";
  private static final String FETCH_PATH = "path=\"" + API + "/schemas/ids/{id}\"";

  private final Path workDir;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  private ApicurioRegistry(Path workDir, int port) {
    this.workDir = workDir;
    this.port = port;
  }

  /**
   * Starts Apicurio (in-memory storage) on a free loopback port and waits until {@code
   * /health/ready} answers 200.
   *
   * @throws IllegalStateException if the distribution is missing, or the registry exits or is not
   *     ready within two minutes (the end of its log is in the message)
   */
  public static ApicurioRegistry start(Path workDir) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir, e);
    }
    ApicurioRegistry registry = new ApicurioRegistry(workDir, FreePorts.pick());
    registry.launch();
    return registry;
  }

  /** The Confluent-compatible base URL, {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
  public String url() {
    return baseUrl() + API;
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Stops the process: SIGTERM, then SIGKILL after 20 s; returns once it has exited. */
  public void stop() {
    if (process == null) {
      return;
    }
    Process stopping = process;
    process = null;
    try {
      stopping.destroy();
      if (!stopping.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        stopping.destroyForcibly();
        stopping.waitFor();
      }
    } catch (InterruptedException e) {
      stopping.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the registry", e);
    }
  }

  /** Starts it again on the same port, with empty storage, and waits until it is ready. */
  public void restart() {
    stop();
    launch();
  }

  /**
   * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}).
   *
   * @param type {@code AVRO}, {@code PROTOBUF} or {@code JSON}
   * @return the schema's global id
   * @throws IllegalStateException if the registry refuses it (status and body in the message)
   */
  public int register(String subject, String schemaText, String type) {
    return register(subject, schemaText, type, List.of());
  }

  /** Like {@link #register(String, String, String)}, with references for Protobuf imports. */
  public int register(String subject, String schemaText, String type, List<Reference> references) {
    return SchemaRegistration.register(url(), subject, schemaText, type, references);
  }

  /**
   * The number of {@code GET /schemas/ids/{id}} requests served since the last start or restart,
   * whatever their status: the sum of Apicurio's {@code rest_requests_seconds_count} for that path
   * on its {@code /metrics}.
   */
  public long schemaFetches() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    String metrics = send(request).body();
    return metrics
        .lines()
        .filter(l -> l.startsWith(FETCH_COUNT))
        .filter(l -> l.contains("method=\"GET\"") && l.contains(FETCH_PATH))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() {
    Path home = home();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.log.level=WARN",
            "-jar",
            runnerJar(home).toString());
    try {
      process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Apicurio Registry from " + home, e);
    }
    try {
      awaitReady();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void awaitReady() {
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited " + process.exitValue() + logTail());
      }
      try {
        HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the registry", e);
      }
      pauseUnlessExited();
    }
    throw new IllegalStateException(
        "Apicurio Registry not ready within " + READY_TIMEOUT + ": " + last + logTail());
  }

  /** Waits a moment for the next poll, or less when the registry process ends meanwhile. */
  private void pauseUnlessExited() {
    try {
      process.waitFor(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the registry", e);
    }
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("registry at " + baseUrl() + " did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the registry", e);
    }
  }

  private Path log() {
    return workDir.resolve("registry.log");
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return "; the end of "
          + log()
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "; " + log() + " unreadable: " + e.getMessage();
    }
  }

  /** The unpacked distribution: {@code ferry.registry.home}, or registry-runtime's target. */
  static Path home() {
    String given = System.getProperty("ferry.registry.home");
    if (given != null && !given.isBlank()) {
      return Path.of(given).toAbsolutePath();
    }
    for (String candidate : List.of("../registry-runtime", "registry-runtime")) {
      Path dir = Path.of(candidate, "target", "apicurio");
      if (Files.isDirectory(dir)) {
        return dir.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException(
        "registry-runtime/target/apicurio is missing: build the registry-runtime module first"
            + " (mvn -pl registry-runtime generate-resources), or set -Dferry.registry.home");
  }

  private static Path runnerJar(Path home) {
    try (var files = Files.list(home)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-runner.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no *-runner.jar in " + home));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + home, e);
    }
  }
}
