package dev.ferry.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.IOException;
import java.time.DateTimeException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Protobuf bodies in Confluent's framing: magic byte 0, the schema id, the message indexes (which
 * message of the schema's {@code .proto} file), then the message. The schema's {@code .proto} text
 * is fetched by id, parsed and built once per id (imports through the registry's references); the
 * body is parsed with it into the tree {@link ProtoTree} describes. Thread-safe.
 */
public final class ProtobufFormat implements ValueFormat {
  private final SchemaSource source;
  private final ProtoFiles files;
  private final Map<Integer, FileDescriptor> byId = new ConcurrentHashMap<>();

  public ProtobufFormat(SchemaSource source) {
    this.source = source;
    this.files = new ProtoFiles(source);
  }

  /**
   * {@inheritDoc}
   *
   * @throws RecordFailure reason {@code invalid-framing} (no magic byte 0), {@code unknown-schema}
   *     (an id or reference the registry does not have), {@code invalid-protobuf} (bad message
   *     indexes, a schema that cannot be read, a body that is not that message)
   */
  @Override
  public ObjectNode decode(byte[] bytes) throws RecordFailure, RegistryUnavailableException {
    Framing framing = Framing.read(bytes);
    ProtoMessageIndexes indexes = ProtoMessageIndexes.read(bytes, framing.bodyOffset());
    Descriptor type = indexes.select(file(framing.schemaId()));
    int offset = indexes.bodyOffset();
    try {
      return ProtoTree.object(
          DynamicMessage.parseFrom(
              type, CodedInputStream.newInstance(bytes, offset, bytes.length - offset)));
    } catch (IOException e) {
      // InvalidProtocolBufferException: bytes in memory fail in no other way.
      throw new RecordFailure(
          Reason.INVALID_PROTOBUF,
          "the body is not a " + type.getFullName() + " message: " + e.getMessage(),
          e);
    } catch (DateTimeException e) {
      throw new RecordFailure(
          Reason.INVALID_PROTOBUF,
          "a google.protobuf.Timestamp in the " + type.getFullName() + " is out of range",
          e);
    }
  }

  private FileDescriptor file(int schemaId) throws RecordFailure, RegistryUnavailableException {
    FileDescriptor cached = byId.get(schemaId);
    if (cached != null) {
      return cached;
    }
    // Two threads may build the same id at once; both results are equal, the first one stays.
    FileDescriptor built = files.build("schema-" + schemaId + ".proto", source.byId(schemaId));
    FileDescriptor raced = byId.putIfAbsent(schemaId, built);
    return raced == null ? built : raced;
  }
}
