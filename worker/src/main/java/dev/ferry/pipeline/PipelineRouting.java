package dev.ferry.pipeline;

import dev.ferry.ddl.RecordSchemas;
import dev.ferry.ddl.TableProvisioner;
import dev.ferry.sink.TableLookup;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a pipeline needs beyond its settings to route records to tables resolved per record and to
 * make tables fit declared schemas.
 *
 * @param tables finds (and describes on first use) a routed pipeline's tables
 * @param schemas each record's declared schema, for the provisioner
 * @param provisioner creates missing tables and adds missing columns, as the pipeline allows
 * @param topicPattern the pipeline's topic pattern, whose groups a table template reads ({@code
 *     {1}}..{@code {9}}); empty for a pipeline of listed topics
 */
public record PipelineRouting(
    TableLookup tables,
    RecordSchemas schemas,
    TableProvisioner provisioner,
    Optional<Pattern> topicPattern) {
  /** No routed tables, no provisioning: enough for every pipeline with a fixed table. */
  public static final PipelineRouting NONE =
      new PipelineRouting(
          TableLookup.NONE, RecordSchemas.NONE, TableProvisioner.NONE, Optional.empty());
}
