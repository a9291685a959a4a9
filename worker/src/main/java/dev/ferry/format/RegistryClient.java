package dev.ferry.format;

import dev.ferry.config.RegistrySettings;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.LongAdder;

/**
 * The schema registry, by its Confluent-compatible REST API: schemas by id ({@code GET
 * /schemas/ids/{id}}) and by subject and version ({@code GET /subjects/{s}/versions/{v}}), each
 * fetched once and then served from memory, so a registry outage after warm-up costs nothing and
 * there is one request per distinct id (concurrent misses for one id share one request).
 *
 * <p>Outcomes: a schema; {@code unknown-schema} when the registry answers 404 with its error code
 * for a missing schema, subject or version (40403, 40401, 40402), which is not cached, so a schema
 * registered later is found when the dead letter is replayed; {@link RegistryUnavailableException}
 * for everything else (unreachable, a timeout, a 5xx, refused credentials, a 404 without the
 * registry's error code, which means {@code registry.url} points elsewhere). Thread-safe.
 */
public final class RegistryClient implements SchemaSource {
  /** What one request to the registry came to, for {@code ferry_registry_requests_total}. */
  public enum Outcome {
    OK("ok"),
    UNKNOWN_ID("unknown-id"),
    UNAVAILABLE("unavailable");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The id and version of a subject's latest schema, for {@code ferry check}. */
  public record Latest(int id, int version) {}

  private final RegistryHttp http;
  private final SchemaCache<Integer> byId = new SchemaCache<>();
  private final SchemaCache<RegistrySchema.Reference> byReference = new SchemaCache<>();
  private final LongAdder[] requests = new LongAdder[Outcome.values().length];

  public RegistryClient(RegistrySettings settings) {
    this.http = new RegistryHttp(settings);
    for (int i = 0; i < requests.length; i++) {
      requests[i] = new LongAdder();
    }
  }

  @Override
  public RegistrySchema byId(int id) throws RecordFailure, RegistryUnavailableException {
    return byId.get(id, this::fetchById);
  }

  @Override
  public RegistrySchema byReference(RegistrySchema.Reference reference)
      throws RecordFailure, RegistryUnavailableException {
    return byReference.get(reference, this::fetchByReference);
  }

  /**
   * The latest schema of {@code subject}, asked afresh (not cached).
   *
   * @return empty when the registry has no such subject
   */
  public Optional<Latest> latest(String subject) throws RegistryUnavailableException {
    RegistryHttp.Answer answer = http.get("/subjects/" + encode(subject) + "/versions/latest");
    if (answer.status() == 404 && RegistryAnswers.errorCode(answer.body()) / 100 == 404) {
      return Optional.empty();
    }
    if (answer.status() != 200) {
      throw unexpected(answer, "/subjects/" + subject + "/versions/latest");
    }
    int[] idAndVersion = RegistryAnswers.idAndVersion(answer.body(), http.url());
    return Optional.of(new Latest(idAndVersion[0], idAndVersion[1]));
  }

  /** How many requests came to {@code outcome} since start. */
  public long requests(Outcome outcome) {
    return requests[outcome.ordinal()].sum();
  }

  /** How many schemas are held in memory. */
  public int cachedSchemas() {
    return byId.size() + byReference.size();
  }

  private RegistrySchema fetchById(Integer id) throws RecordFailure, RegistryUnavailableException {
    String path = "/schemas/ids/" + id;
    RegistrySchema schema =
        answered(
            path,
            "schema id " + id,
            body -> RegistryAnswers.schema(body, OptionalInt.of(id), http.url()));
    return schema;
  }

  private RegistrySchema fetchByReference(RegistrySchema.Reference ref)
      throws RecordFailure, RegistryUnavailableException {
    String path = "/subjects/" + encode(ref.subject()) + "/versions/" + ref.version();
    return answered(
        path,
        "subject "
            + ref.subject()
            + " version "
            + ref.version()
            + " (referenced as "
            + ref.name()
            + ")",
        body -> RegistryAnswers.schema(body, OptionalInt.empty(), http.url()));
  }

  @FunctionalInterface
  private interface Parse {
    RegistrySchema parse(String body) throws RegistryUnavailableException;
  }

  /** One request, counted by outcome. */
  private RegistrySchema answered(String path, String what, Parse parse)
      throws RecordFailure, RegistryUnavailableException {
    try {
      RegistryHttp.Answer answer = http.get(path);
      if (answer.status() == 404 && RegistryAnswers.errorCode(answer.body()) / 100 == 404) {
        count(Outcome.UNKNOWN_ID);
        throw new RecordFailure(
            Reason.UNKNOWN_SCHEMA,
            "the schema registry at " + http.url() + " has no " + what + " (HTTP 404)");
      }
      if (answer.status() != 200) {
        throw unexpected(answer, path);
      }
      RegistrySchema schema = parse.parse(answer.body());
      count(Outcome.OK);
      return schema;
    } catch (RegistryUnavailableException e) {
      count(Outcome.UNAVAILABLE);
      throw e;
    }
  }

  private RegistryUnavailableException unexpected(RegistryHttp.Answer answer, String path) {
    return new RegistryUnavailableException(
        "the schema registry at "
            + http.url()
            + " answered GET "
            + path
            + " with HTTP "
            + answer.status()
            + (answer.status() == 404 ? " without a registry error code" : "")
            + ": "
            + RegistryHttp.abbreviated(answer.body())
            + "; is registry.url the Confluent-compatible API (for Apicurio …/apis/ccompat/v7)?");
  }

  private void count(Outcome outcome) {
    requests[outcome.ordinal()].increment();
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
