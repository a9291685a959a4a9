package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.config.PipelineSettings;
import dev.ferry.config.TableName;
import dev.ferry.config.TableTemplate;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import dev.ferry.sink.TableLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Routes each record of a pipeline with a table template to its table: resolves the template
 * (reasons {@code route-missing} and {@code table-not-allowed}), finds the table's definition,
 * described on first use ({@link TableLookup}), and when it does not exist gives the provisioner
 * its chance to create it ({@link SchemaFollower}), else fails the record with reason {@code
 * table-missing}. Thread-safe.
 */
final class TableRoute {
  private final PipelineSettings settings;
  private final TableTemplate template;
  private final Optional<Pattern> topicPattern;
  private final TableLookup tables;
  private final SchemaFollower follower;

  /**
   * @param topicPattern the pipeline's topic pattern, whose groups {@code {1}}..{@code {9}} read;
   *     empty for a pipeline of listed topics
   */
  TableRoute(
      PipelineSettings settings,
      Optional<Pattern> topicPattern,
      TableLookup tables,
      SchemaFollower follower) {
    this.settings = settings;
    this.template = settings.tableTemplate().orElseThrow();
    this.topicPattern = topicPattern;
    this.tables = tables;
    this.follower = follower;
  }

  /** A resolved table: its name and its key ({@code dev.ferry.sink.PostgresSink#targetKey}). */
  record Routed(TableName table, String target) {}

  /**
   * The table of one record.
   *
   * @param value the decoded value; null for a tombstone
   * @param mayCreate whether a missing table may be created for it (not for a delete)
   * @throws RecordFailure {@code route-missing}, {@code table-not-allowed} or {@code table-missing}
   */
  Routed route(ConsumerRecord<byte[], byte[]> record, JsonNode value, boolean mayCreate)
      throws RecordFailure {
    TableName table = resolve(record, value);
    TableLookup.Lookup lookup = tables.lookup(settings, table);
    if (lookup instanceof TableLookup.Missing && mayCreate) {
      lookup = follower.create(table, record, value).orElse(lookup);
    }
    if (lookup instanceof TableLookup.Found found) {
      return new Routed(table, found.target());
    }
    String why =
        lookup instanceof TableLookup.Missing m ? m.why() : ((TableLookup.Unfit) lookup).why();
    throw new RecordFailure(Reason.TABLE_MISSING, why);
  }

  /**
   * The record's table name, resolved and allowed. A change event's {@code {field:…}} reads the
   * event without the Connect wrapper, as its listed columns do ({@code /source/table}).
   */
  TableName resolve(ConsumerRecord<byte[], byte[]> record, JsonNode value) throws RecordFailure {
    JsonNode fields = value;
    if (settings.cdc().isPresent()
        && value != null
        && value.size() == 2
        && value.has("payload")
        && (value.path("schema").isObject() || value.path("schema").isNull())) {
      fields = value.get("payload"); // the Connect wrapper, as DebeziumEnvelope reads it
    }
    TableTemplate.Resolution resolution =
        template.resolve(groups(record.topic()), record.topic(), record.headers(), fields);
    if (resolution instanceof TableTemplate.Resolved r) {
      return r.table();
    }
    if (resolution instanceof TableTemplate.Missing m) {
      throw new RecordFailure(Reason.ROUTE_MISSING, m.why());
    }
    throw new RecordFailure(
        Reason.TABLE_NOT_ALLOWED, ((TableTemplate.NotAllowed) resolution).why());
  }

  /** The groups of the topic pattern in {@code topic}, group 1 first; empty without a pattern. */
  private List<String> groups(String topic) {
    if (template.maxGroup() == 0 || topicPattern.isEmpty()) {
      return List.of();
    }
    Matcher m = topicPattern.get().matcher(topic);
    if (!m.matches()) {
      return List.of();
    }
    List<String> groups = new ArrayList<>(m.groupCount());
    for (int i = 1; i <= m.groupCount(); i++) {
      groups.add(m.group(i));
    }
    return groups;
  }
}
