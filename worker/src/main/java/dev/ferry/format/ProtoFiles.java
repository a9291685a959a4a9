package dev.ferry.format;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the {@link FileDescriptor} of a registry's Protobuf schema: parses its {@code .proto}
 * text, builds its imports first (Google's well-known types from protobuf-java itself, any other
 * import from the schema the registry lists as a reference by that name), resolves its type names
 * and lets protobuf-java check the whole. Referenced files are cached by subject and version (a
 * version's text never changes); the caller caches by schema id. Thread-safe.
 */
final class ProtoFiles {
  /** Imports nest this deep at most: a cycle in the registry's references is refused. */
  private static final int MAX_IMPORT_DEPTH = 32;

  private static final Map<String, FileDescriptor> WELL_KNOWN =
      List.of(
              TimestampProto.getDescriptor(),
              WrappersProto.getDescriptor(),
              DurationProto.getDescriptor(),
              EmptyProto.getDescriptor(),
              StructProto.getDescriptor(),
              AnyProto.getDescriptor(),
              FieldMaskProto.getDescriptor(),
              SourceContextProto.getDescriptor(),
              TypeProto.getDescriptor(),
              ApiProto.getDescriptor(),
              DescriptorProtos.getDescriptor())
          .stream()
          .collect(Collectors.toUnmodifiableMap(FileDescriptor::getName, Function.identity()));

  private final SchemaSource source;
  private final Map<RegistrySchema.Reference, FileDescriptor> referenced =
      new ConcurrentHashMap<>();

  ProtoFiles(SchemaSource source) {
    this.source = source;
  }

  /**
   * The descriptor of {@code schema}, named {@code name}.
   *
   * @throws RecordFailure reason {@code invalid-protobuf} when the schema or an import cannot be
   *     read or does not hold together; {@code unknown-schema} when a reference is not there
   * @throws RegistryUnavailableException when a reference could not be fetched
   */
  FileDescriptor build(String name, RegistrySchema schema)
      throws RecordFailure, RegistryUnavailableException {
    return build(name, schema, 0);
  }

  private FileDescriptor build(String name, RegistrySchema schema, int depth)
      throws RecordFailure, RegistryUnavailableException {
    if (!"PROTOBUF".equals(schema.type())) {
      throw new RecordFailure(
          Reason.INVALID_PROTOBUF,
          "schema " + schema.id() + " is " + schema.type() + ", not PROTOBUF");
    }
    FileDescriptorProto parsed = ProtoParser.parse(name, schema.text());
    List<FileDescriptor> imports = new ArrayList<>();
    for (String dependency : parsed.getDependencyList()) {
      imports.add(imported(dependency, schema, depth));
    }
    FileDescriptorProto resolved = ProtoTypeResolver.resolve(parsed, imports);
    try {
      return FileDescriptor.buildFrom(resolved, imports.toArray(FileDescriptor[]::new));
    } catch (DescriptorValidationException e) {
      throw new RecordFailure(
          Reason.INVALID_PROTOBUF,
          "the .proto schema " + name + " does not hold together: " + e.getMessage(),
          e);
    }
  }

  private FileDescriptor imported(String path, RegistrySchema importer, int depth)
      throws RecordFailure, RegistryUnavailableException {
    FileDescriptor wellKnown = WELL_KNOWN.get(path);
    if (wellKnown != null) {
      return wellKnown;
    }
    Optional<RegistrySchema.Reference> reference =
        importer.references().stream().filter(r -> r.name().equals(path)).findFirst();
    if (reference.isEmpty()) {
      throw new RecordFailure(
          Reason.INVALID_PROTOBUF,
          "the .proto schema imports "
              + path
              + ", which is neither a well-known type nor among the references the registry"
              + " lists for it");
    }
    FileDescriptor cached = referenced.get(reference.get());
    if (cached != null) {
      return cached;
    }
    if (depth >= MAX_IMPORT_DEPTH) {
      throw new RecordFailure(
          Reason.INVALID_PROTOBUF,
          "the .proto imports nest deeper than " + MAX_IMPORT_DEPTH + " at " + path);
    }
    FileDescriptor built = build(path, source.byReference(reference.get()), depth + 1);
    referenced.putIfAbsent(reference.get(), built);
    return built;
  }
}
