package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.deadletter.DeadLetterHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** {@code dlt list}: the limit, the closing count, and standard output kept to JSON lines. */
class DltListingTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static ConsumerRecord<byte[], byte[]> letter(long offset, String reason) {
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>("events.dlt", 0, offset, null, "{}".getBytes(UTF_8));
    r.headers()
        .add(DeadLetterHeaders.ORIGINAL_TOPIC, "events".getBytes(UTF_8))
        .add(DeadLetterHeaders.REASON, reason.getBytes(UTF_8));
    return r;
  }

  private DltListing listed(String format) throws Exception {
    DltFilter filter =
        DltFilter.parse("invalid-json", null, null, null, null, null, Clock.systemUTC());
    DltListing listing = new DltListing(filter, 2, format, new PrintWriter(out, true));
    for (int i = 0; i < 5; i++) {
      assertThat(listing.record(letter(i, i == 1 ? "other" : "invalid-json"))).isTrue();
    }
    listing.finish(true, new PrintWriter(err, true));
    return listing;
  }

  @Test
  void aTableShowsUpToTheLimitAndCountsTheRest() throws Exception {
    DltListing listing = listed("table");

    String[] lines = out.toString().split("\\R");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("events.dlt-0@0 ");
    assertThat(lines[1]).startsWith("events.dlt-0@2 ");
    assertThat(lines[2])
        .isEqualTo(
            "2 shown of 4 matching (filter: reason=invalid-json, limit 2); 2 more match beyond"
                + " --limit 2: raise it or narrow the filter");
    assertThat(listing.count()).isEqualTo(new ListCount(4, 2));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void jsonKeepsStandardOutputToRecordsAndSaysWhatIsBeyondOnStandardError() throws Exception {
    listed("json");

    assertThat(out.toString().split("\\R")).hasSize(2).allMatch(l -> l.startsWith("{\"dlt\":"));
    assertThat(err.toString().trim())
        .isEqualTo("ferry: 2 more match beyond --limit 2: raise it or narrow the filter");
  }
}
