package dev.ferry.deadletter;

import dev.ferry.errors.Stage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that cannot be applied, with why.
 *
 * @param record the original record, copied to the DLT with its key, value, headers and timestamp
 * @param pipeline the pipeline that failed it
 * @param stage where it failed
 * @param reason short machine-readable code, e.g. {@code invalid-json}
 * @param error the failure; its class and message go into headers
 * @param attempts how many times applying it was tried
 */
public record DeadLetter(
    ConsumerRecord<byte[], byte[]> record,
    String pipeline,
    Stage stage,
    String reason,
    Throwable error,
    int attempts) {}
