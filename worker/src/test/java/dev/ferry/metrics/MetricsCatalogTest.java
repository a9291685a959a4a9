package dev.ferry.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.errors.FailureClass;
import dev.ferry.errors.Reason;
import dev.ferry.errors.TimeoutKind;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * What a Prometheus scrape shows of a worker that has done nothing yet: every series with a fixed
 * set of labels (each pipeline × each reason, each retry class, timeout kind, lane …) is there at
 * 0, so that rates and alerts work from the start; the meters read the views they were given; and
 * the scrape serves exactly the meters {@code docs/metrics.md} documents.
 */
class MetricsCatalogTest {
  private static final List<String> PIPELINES = List.of("events", "orders");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Views views = new Views();
  private DdlStatementView ddl = DdlStatementView.NONE;

  /** The worker's registration: the catalog's meters, then the workers' counters per pipeline. */
  private String scrape() {
    MetricsCatalog.configure(registry);
    WorkerCounters counters = new WorkerCounters(registry);
    Runnable refresh =
        MetricsCatalog.register(
            registry,
            new MetricsCatalog.Sources(
                PIPELINES,
                views,
                views,
                views,
                views,
                views,
                views,
                Optional.of(views),
                Optional.of(views),
                () -> 1,
                () -> true,
                () -> true,
                ddl));
    counters.registerPipelines(PIPELINES);
    counters.registerWaiting(new java.util.concurrent.atomic.AtomicInteger());
    adminRequests = MetricsCatalog.adminRequests(registry);
    refresh.run();
    return registry.scrape();
  }

  private Consumer<String> adminRequests;

  @Test
  void adminRequestsAreCountedByOutcomeFromZero() {
    scrape();
    adminRequests.accept("unauthorized");
    adminRequests.accept("unauthorized");
    adminRequests.accept("allowed");
    String scrape = registry.scrape();

    assertThat(value(scrape, "ferry_admin_requests_total{outcome=\"unauthorized\"}"))
        .isEqualTo(2.0);
    assertThat(value(scrape, "ferry_admin_requests_total{outcome=\"allowed\"}")).isEqualTo(1.0);
    assertThat(value(scrape, "ferry_admin_requests_total{outcome=\"forbidden\"}")).isEqualTo(0.0);
  }

  @Test
  void everyPipelineAndReasonSeriesIsThereAtZeroBeforeAnythingHappened() {
    String scrape = scrape();

    List<String> series = new ArrayList<>();
    for (String p : PIPELINES) {
      series.add("ferry_records_applied_total{pipeline=\"" + p + "\"}");
      for (Reason reason : Reason.values()) {
        series.add(
            "ferry_records_dead_lettered_total{pipeline=\""
                + p
                + "\",reason=\""
                + reason.code()
                + "\"}");
      }
      for (SkipReason reason : SkipReason.values()) {
        series.add(
            "ferry_records_skipped_total{pipeline=\""
                + p
                + "\",reason=\""
                + reason.label()
                + "\"}");
      }
      series.add("ferry_pipeline_halted{pipeline=\"" + p + "\"}");
      series.add("ferry_pipeline_dead_letter_too_large{pipeline=\"" + p + "\"}");
      series.add("ferry_records_retried_later_total{pipeline=\"" + p + "\"}");
      series.add("ferry_pipeline_rate_limit_records_per_second{pipeline=\"" + p + "\"}");
      series.add("ferry_pipeline_rate_limit_max_transactions{pipeline=\"" + p + "\"}");
      series.add("ferry_pipeline_throttled_seconds_total{pipeline=\"" + p + "\"}");
    }
    series.add("ferry_records_waiting");
    for (FailureClass failureClass : FailureClass.values()) {
      series.add(
          "ferry_retries_total{class=\"" + failureClass.name().toLowerCase(Locale.ROOT) + "\"}");
    }
    for (TimeoutKind kind : TimeoutKind.values()) {
      series.add("ferry_sink_timeouts_total{kind=\"" + kind.label() + "\"}");
    }
    series.add("ferry_commits_in_doubt_total{outcome=\"committed\"}");
    series.add("ferry_commits_in_doubt_total{outcome=\"rolled-back\"}");
    series.add("ferry_dead_letters_refused_total{reason=\"too-large\"}");
    series.add("ferry_dead_letters_refused_total{reason=\"refused\"}");
    series.add("ferry_tracing_spans_dropped_total{reason=\"queue-full\"}");
    series.add("ferry_tracing_spans_dropped_total{reason=\"export-failed\"}");
    series.add("ferry_table_metadata_refreshes_total{outcome=\"changed\",trigger=\"timer\"}");
    series.add("ferry_lane_depth{lane=\"1\"}");
    series.add("ferry_lane_depth{lane=\"2\"}");

    assertThat(series).hasSizeGreaterThan(2 * (Reason.values().length + 3));
    for (String s : series) {
      assertThat(value(scrape, s)).as(s).isEqualTo(0.0);
    }
  }

  @Test
  void theMetersReadTheViews() {
    views.inMemory = 7;
    views.consumed = 12;
    views.haltedPipeline = "orders";
    views.refused = 3;
    views.refusedTooLarge = 1;

    String scrape = scrape();

    assertThat(value(scrape, "ferry_records_in_memory")).isEqualTo(7.0);
    assertThat(value(scrape, "ferry_records_consumed_total")).isEqualTo(12.0);
    assertThat(value(scrape, "ferry_pipeline_halted{pipeline=\"orders\"}")).isEqualTo(1.0);
    assertThat(value(scrape, "ferry_pipeline_halted{pipeline=\"events\"}")).isEqualTo(0.0);
    assertThat(value(scrape, "ferry_dead_letters_refused_total{reason=\"too-large\"}"))
        .isEqualTo(1.0);
    assertThat(value(scrape, "ferry_dead_letters_refused_total{reason=\"refused\"}"))
        .isEqualTo(2.0);
    assertThat(value(scrape, "ferry_consumer_lag{partition=\"0\",topic=\"events\"}"))
        .isEqualTo(5.0);
    assertThat(value(scrape, "ferry_lifecycle_state")).isEqualTo(1.0);
  }

  @Test
  void theDdlStatementCounterIsThereAtZeroPerPipelineAndKindAndReadsItsView() {
    ddl = (pipeline, kind) -> pipeline.equals("orders") && kind.equals("add-column") ? 3 : 0;

    String scrape = scrape();

    assertThat(value(scrape, "ferry_ddl_statements_total{kind=\"add-column\",pipeline=\"orders\"}"))
        .isEqualTo(3.0);
    for (String p : PIPELINES) {
      assertThat(
              value(
                  scrape,
                  "ferry_ddl_statements_total{kind=\"create-table\",pipeline=\"" + p + "\"}"))
          .isEqualTo(0.0);
    }
    assertThat(value(scrape, "ferry_ddl_statements_total{kind=\"add-column\",pipeline=\"events\"}"))
        .isEqualTo(0.0);
  }

  @Test
  void theScrapeServesExactlyTheDocumentedMeters() throws Exception {
    Set<String> served = new TreeSet<>();
    for (String line : scrape().split("\n")) {
      if (line.startsWith("ferry_")) {
        served.add(line.split("[{ ]", 2)[0].replaceFirst("_(bucket|count|sum|max)$", ""));
      }
    }

    assertThat(served).isEqualTo(documented());
  }

  /** The first column of the rows of docs/metrics.md's Ferry table. */
  private static Set<String> documented() throws Exception {
    Set<String> names = new TreeSet<>();
    Pattern row = Pattern.compile("^\\| `(ferry_[a-z_]+)` \\|");
    for (String line : Files.readAllLines(Path.of("..", "docs", "metrics.md"))) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The value of one series, as Prometheus reads it; fails if the scrape lacks the series. */
  private static double value(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in the scrape:\n" + scrape);
  }

  /** Every view over a worker that did nothing yet, with a few values a test may set. */
  private static final class Views
      implements RegistryView,
          QueueView,
          ConsumerView,
          PipelineStatusView,
          TransactionView,
          DeadLetterView,
          TableRefreshView,
          SpanDropView {
    int inMemory;
    long consumed;
    String haltedPipeline = "";
    long refused;
    long refusedTooLarge;

    @Override
    public int inMemory() {
      return inMemory;
    }

    @Override
    public int capacity() {
      return 100;
    }

    @Override
    public long bytesInMemory() {
      return 0;
    }

    @Override
    public long peakBytesInMemory() {
      return 0;
    }

    @Override
    public long byteLimit() {
      return 1 << 20;
    }

    @Override
    public int lanes() {
      return 2;
    }

    @Override
    public int depth(int lane) {
      return 0;
    }

    @Override
    public long consumed() {
      return consumed;
    }

    @Override
    public long alreadyApplied() {
      return 0;
    }

    @Override
    public double oldestUncommittedAgeSeconds() {
      return 0;
    }

    @Override
    public int assignedPartitions() {
      return 1;
    }

    @Override
    public int pausedPartitions() {
      return 0;
    }

    @Override
    public long assignments() {
      return 1;
    }

    @Override
    public long revocations() {
      return 0;
    }

    @Override
    public long losses() {
      return 0;
    }

    @Override
    public Map<TopicPartition, Long> lags() {
      return Map.of(new TopicPartition("events", 0), 5L);
    }

    @Override
    public boolean halted(String pipeline) {
      return pipeline.equals(haltedPipeline);
    }

    @Override
    public boolean haltedForTooLargeDeadLetter(String pipeline) {
      return false;
    }

    @Override
    public double oldestAgeSeconds() {
      return 0;
    }

    @Override
    public int stuckLanes() {
      return 0;
    }

    @Override
    public long aborted() {
      return 0;
    }

    @Override
    public long failedSends() {
      return 0;
    }

    @Override
    public long headersShed() {
      return 0;
    }

    @Override
    public long refused() {
      return refused;
    }

    @Override
    public long refusedTooLarge() {
      return refusedTooLarge;
    }

    @Override
    public List<String> triggers() {
      return List.of("timer");
    }

    @Override
    public List<String> outcomes() {
      return List.of("changed");
    }

    @Override
    public long refreshes(String trigger, String outcome) {
      return 0;
    }

    @Override
    public long droppedQueueFull() {
      return 0;
    }

    @Override
    public long droppedExportFailed() {
      return 0;
    }

    @Override
    public long requestsOk() {
      return 0;
    }

    @Override
    public long requestsUnknownId() {
      return 0;
    }

    @Override
    public long requestsUnavailable() {
      return 0;
    }

    @Override
    public int cachedSchemas() {
      return 0;
    }
  }
}
