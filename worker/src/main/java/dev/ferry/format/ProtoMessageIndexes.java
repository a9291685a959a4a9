package dev.ferry.format;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * The message indexes Confluent's Protobuf framing puts between the schema id and the body: which
 * message of the {@code .proto} file the body is. A zigzag varint count, then that many zigzag
 * varint indexes, the first into the file's top-level messages, each next one into the nested
 * messages of the previous; a count of 0 (a single 0 byte) means the first message, {@code [0]}.
 * Map entries are not counted: the indexes follow the schema text, where they are not written.
 *
 * @param path the indexes, never empty
 * @param bodyOffset where the Protobuf body starts in the bytes
 */
record ProtoMessageIndexes(List<Integer> path, int bodyOffset) {
  /** Kafka's varints are ints: five 7-bit groups at most. */
  private static final int MAX_VARINT_BYTES = 5;

  ProtoMessageIndexes {
    path = List.copyOf(path);
  }

  /**
   * Reads the indexes at {@code offset}.
   *
   * @throws RecordFailure reason {@code invalid-protobuf}: truncated, or a negative count or index
   */
  static ProtoMessageIndexes read(byte[] bytes, int offset) throws RecordFailure {
    int[] position = {offset};
    int count = readZigzagVarint(bytes, position);
    if (count == 0) {
      return new ProtoMessageIndexes(List.of(0), position[0]);
    }
    if (count < 0 || count > bytes.length - position[0]) {
      throw failure(
          "the message index count "
              + count
              + " is impossible ("
              + (bytes.length - position[0])
              + " byte(s) follow it)");
    }
    List<Integer> path = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int index = readZigzagVarint(bytes, position);
      if (index < 0) {
        throw failure("the message index " + index + " is negative");
      }
      path.add(index);
    }
    return new ProtoMessageIndexes(path, position[0]);
  }

  /**
   * The message these indexes name in {@code file}.
   *
   * @throws RecordFailure reason {@code invalid-protobuf}: an index past the messages there are
   */
  Descriptor select(FileDescriptor file) throws RecordFailure {
    List<Descriptor> candidates = file.getMessageTypes();
    Descriptor selected = null;
    for (int index : path) {
      List<Descriptor> written =
          candidates.stream().filter(d -> !d.getOptions().getMapEntry()).toList();
      if (index >= written.size()) {
        throw failure(
            "the message indexes "
                + path
                + " name no message of "
                + file.getName()
                + (selected == null ? "" : " (in " + selected.getFullName() + ")"));
      }
      selected = written.get(index);
      candidates = selected.getNestedTypes();
    }
    return selected;
  }

  private static int readZigzagVarint(byte[] bytes, int[] position) throws RecordFailure {
    int value = 0;
    for (int i = 0; i < MAX_VARINT_BYTES; i++) {
      if (position[0] >= bytes.length) {
        throw failure("the message indexes are cut short");
      }
      int b = bytes[position[0]++] & 0xff;
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return (value >>> 1) ^ -(value & 1);
      }
    }
    throw failure("a message index varint is longer than 5 bytes");
  }

  private static RecordFailure failure(String message) {
    return new RecordFailure(Reason.INVALID_PROTOBUF, message);
  }
}
