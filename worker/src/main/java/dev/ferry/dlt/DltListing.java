package dev.ferry.dlt;

import java.io.PrintWriter;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What {@code ferry dlt list} prints: each dead letter the filter selects, up to the limit, as a
 * table line or a JSON object on standard output, then how many matched. It reads on past the
 * limit, only to count what it does not show. Not thread-safe.
 */
public final class DltListing implements DltScanner.Visitor {
  private final DltFilter filter;
  private final int limit;
  private final boolean json;
  private final PrintWriter out;
  private final RegistryValues values;
  private long matching;

  /**
   * @param format {@code table} or {@code json}, as {@link DltOptions#list} checked
   */
  public DltListing(DltFilter filter, int limit, String format, PrintWriter out) {
    this(filter, limit, format, out, RegistryValues.NONE);
  }

  /**
   * @param format {@code table} or {@code json}, as {@link DltOptions#list} checked
   * @param values decodes registry-framed values of registry-format pipelines
   */
  public DltListing(
      DltFilter filter, int limit, String format, PrintWriter out, RegistryValues values) {
    this.values = values;
    this.filter = filter;
    this.limit = limit;
    this.json = format.equals("json");
    this.out = out;
  }

  @Override
  public boolean record(ConsumerRecord<byte[], byte[]> record) throws Exception {
    DeadLetterInfo info = DeadLetterInfo.of(record);
    if (filter.matches(record, info) && ++matching <= limit) {
      Optional<RegistryValues.Decoded> decoded = values.decode(info.pipeline(), record.value());
      out.println(
          json
              ? DeadLetterText.json(record, info, decoded)
              : DeadLetterText.line(record, info, decoded));
    }
    return true;
  }

  public ListCount count() {
    return new ListCount(matching, limit);
  }

  /**
   * The closing words: the table's count line on standard output (when there was a table), or, in
   * JSON, what is beyond the limit on {@code err}, so that standard output stays JSON lines.
   *
   * @param any whether the topics held any records
   */
  public void finish(boolean any, PrintWriter err) {
    ListCount count = count();
    if (any && !json) {
      out.println(count.line(filter));
    } else if (count.beyond() > 0) {
      err.println("ferry: " + count.beyondNote());
    }
  }
}
