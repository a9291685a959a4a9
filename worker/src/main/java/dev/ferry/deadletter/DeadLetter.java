package dev.ferry.deadletter;

import dev.ferry.errors.Reason;
import dev.ferry.errors.Stage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that cannot be applied, with why.
 *
 * @param record the original record, copied to the DLT with its key, value, headers and timestamp
 * @param pipeline the pipeline that failed it
 * @param reason why, e.g. {@link Reason#INVALID_JSON}; its stage says where it failed
 * @param error the failure; its class and message go into headers
 * @param attempts how many times applying it was tried
 */
public record DeadLetter(
    ConsumerRecord<byte[], byte[]> record,
    String pipeline,
    Reason reason,
    Throwable error,
    int attempts) {

  /** Where it failed: the stage of its reason. */
  public Stage stage() {
    return reason.stage();
  }
}
