package dev.ferry.dlt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DltFilterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

  private static DltFilter parse(String reason, String since, String until, Long from, Long to) {
    return DltFilter.parse(reason, since, until, null, from, to, CLOCK);
  }

  @Test
  void timesInEveryAcceptedSpelling() {
    assertThat(parse(null, "2026-11-25T10:00:00Z", null, null, null).since())
        .hasValue(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(parse(null, "2026-11-25T11:00:00+01:00", null, null, null).since())
        .hasValue(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(parse(null, "2026-11-25T10:00", null, null, null).since())
        .hasValue(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(parse(null, "2026-11-24", null, null, null).since())
        .hasValue(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(parse(null, "90m", "30s", null, null).since())
        .hasValue(Instant.parse("2026-11-25T10:30:00Z"));
    assertThat(parse(null, "7d", null, null, null).since())
        .hasValue(Instant.parse("2026-11-18T12:00:00Z"));
  }

  @Test
  void badTimesAndRangesAreAllNamedAtOnce() {
    assertThatThrownBy(() -> parse(null, "yesterday", "2026-13-01", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--since 'yesterday' is not a time: use 2026-11-25T10:00:00Z, 2026-11-25 (UTC) or an"
                + " age such as 30m, 2h, 7d; --until '2026-13-01' is not a time: use"
                + " 2026-11-25T10:00:00Z, 2026-11-25 (UTC) or an age such as 30m, 2h, 7d");
    assertThatThrownBy(() -> parse(null, "2026-11-25", "2026-11-24", null, null))
        .hasMessage("--since 2026-11-25 is after --until 2026-11-24");
    assertThatThrownBy(() -> parse(null, null, null, 10L, 5L))
        .hasMessage("--from-offset 10 is above --to-offset 5");
    assertThatThrownBy(() -> parse(null, null, null, -1L, null))
        .hasMessage("--from-offset must be 0 or more, was -1");
    assertThatThrownBy(() -> parse(" ", null, null, null, null)).hasMessage("--reason is empty");
  }

  @Test
  void everyGivenPartMustMatch() {
    RecordHeaders h = new RecordHeaders();
    h.add("ferry.dlt.original.topic", "events".getBytes(UTF_8));
    h.add("ferry.dlt.reason", "check-violation".getBytes(UTF_8));
    h.add("ferry.dlt.failed-at", "2026-11-25T11:00:00Z".getBytes(UTF_8));
    ConsumerRecord<byte[], byte[]> r =
        new ConsumerRecord<>(
            "events.dlt",
            0,
            20,
            0L,
            TimestampType.CREATE_TIME,
            0,
            0,
            "user-1".getBytes(UTF_8),
            new byte[0],
            h,
            Optional.empty());
    DeadLetterInfo info = DeadLetterInfo.of(r);

    assertThat(DltFilter.ALL.matches(r, info)).isTrue();
    assertThat(parse("check-violation", "2h", "30m", 20L, 20L).matches(r, info)).isTrue();
    assertThat(parse("invalid-json", null, null, null, null).matches(r, info)).isFalse();
    assertThat(parse(null, "30m", null, null, null).matches(r, info)).isFalse();
    assertThat(parse(null, null, "2026-11-25T10:59:59Z", null, null).matches(r, info)).isFalse();
    assertThat(parse(null, null, null, 21L, null).matches(r, info)).isFalse();
    assertThat(DltFilter.parse(null, null, null, "user-2", null, null, CLOCK).matches(r, info))
        .isFalse();
    assertThat(DltFilter.parse(null, null, null, "user-1", null, null, CLOCK).matches(r, info))
        .isTrue();
  }

  @Test
  void describesItselfForTheAuditTrail() {
    assertThat(DltFilter.ALL.describe()).isEqualTo("all");
    assertThat(parse("check-violation", null, null, 5L, null).describe())
        .isEqualTo("reason=check-violation from-offset=5");
  }
}
