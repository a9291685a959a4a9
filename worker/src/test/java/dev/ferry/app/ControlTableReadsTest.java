package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.support.LogCapture;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An outage of a control table is logged once when it starts and once when it ends. */
class ControlTableReadsTest {
  @Test
  void anOutageIsLoggedOnceAtItsStartAndOnceAtItsEndAndEveryGoodReadIsApplied() {
    ControlTableReads reads = new ControlTableReads("ferry.pipeline_pauses", "pauses");
    List<String> applied = new ArrayList<>();
    try (LogCapture log = LogCapture.attach()) {
      reads.run(() -> applied.add("first"));
      for (int i = 0; i < 3; i++) {
        reads.run(
            () -> {
              throw new SQLException("connection refused", "08001");
            });
      }
      reads.run(() -> applied.add("after"));
      reads.run(() -> applied.add("again"));

      assertThat(applied).containsExactly("first", "after", "again");
      assertThat(log.linesContaining("cannot read ferry.pipeline_pauses"))
          .singleElement()
          .asString()
          .contains("the last known pauses stay in force")
          .contains("connection refused");
      assertThat(log.linesContaining("ferry.pipeline_pauses can be read again")).hasSize(1);
    }
  }
}
