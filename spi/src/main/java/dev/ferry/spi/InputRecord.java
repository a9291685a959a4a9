package dev.ferry.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A record as a transform sees it: already decoded (and validated against the pipeline's JSON
 * Schema, when it has one). Read-only by contract: do not modify {@code value}.
 *
 * @param value the record value, a JSON object (numbers with a fraction are exact decimals)
 * @param key the raw key bytes, or null
 * @param timestamp the record timestamp in epoch milliseconds, or -1 without one
 * @param headers the last value of each header, by name
 */
public record InputRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    JsonNode value,
    Map<String, byte[]> headers) {}
