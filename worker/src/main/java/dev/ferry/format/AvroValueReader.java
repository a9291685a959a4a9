package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;

/**
 * Reads one value of one Avro schema from a decoder into its JSON form. Built once per schema by
 * {@link AvroReaders}; immutable, so one instance serves every worker thread at once (each with its
 * own decoder).
 */
@FunctionalInterface
interface AvroValueReader {
  /**
   * The next value of the body.
   *
   * @throws IOException the body ends early ({@link java.io.EOFException}) or holds what its schema
   *     cannot mean ({@link AvroDataException})
   */
  JsonNode read(BinaryDecoder in) throws IOException;
}
