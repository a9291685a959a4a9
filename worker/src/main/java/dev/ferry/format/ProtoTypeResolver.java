package dev.ferry.format;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the type names a {@link ProtoParser} left as written into the fully qualified names
 * protoc gives ({@code .pkg.Outer.Inner}), and sets their type (message or enum), by protoc's
 * scoping: the first part of a name is looked up from the innermost enclosing message outwards to
 * the file's package and the root; the rest must then be inside what it found. Types come from the
 * file itself and from its imports (and what those import publicly).
 */
final class ProtoTypeResolver {
  private final Map<String, Boolean> typeIsEnum = new HashMap<>();
  private final Set<String> scopes = new HashSet<>();

  private ProtoTypeResolver() {}

  /**
   * {@code file} with every type name resolved.
   *
   * @throws RecordFailure reason {@code invalid-protobuf}: a type that is neither in the file nor
   *     in its imports
   */
  static FileDescriptorProto resolve(FileDescriptorProto file, List<FileDescriptor> imports)
      throws RecordFailure {
    ProtoTypeResolver resolver = new ProtoTypeResolver();
    resolver.addPackage(file.getPackage());
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    file.getMessageTypeList().forEach(m -> resolver.addMessage(prefix, m));
    file.getEnumTypeList().forEach(e -> resolver.typeIsEnum.put(prefix + e.getName(), true));
    for (FileDescriptor imported : imports) {
      resolver.addFile(imported);
    }
    FileDescriptorProto.Builder resolved = file.toBuilder();
    for (DescriptorProto.Builder message : resolved.getMessageTypeBuilderList()) {
      resolver.resolveMessage(prefix + message.getName(), message);
    }
    return resolved.build();
  }

  private void addPackage(String name) {
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      scopes.add(name.substring(0, dot));
    }
    if (!name.isEmpty()) {
      scopes.add(name);
    }
  }

  private void addMessage(String prefix, DescriptorProto message) {
    String name = prefix + message.getName();
    typeIsEnum.put(name, false);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      addMessage(name + ".", nested);
    }
    for (EnumDescriptorProto nested : message.getEnumTypeList()) {
      typeIsEnum.put(name + "." + nested.getName(), true);
    }
  }

  private void addFile(FileDescriptor file) {
    addPackage(file.getPackage());
    file.getMessageTypes().forEach(this::addMessage);
    for (EnumDescriptor enumType : file.getEnumTypes()) {
      typeIsEnum.put(enumType.getFullName(), true);
    }
    file.getPublicDependencies().forEach(this::addFile);
  }

  private void addMessage(Descriptor message) {
    typeIsEnum.put(message.getFullName(), false);
    message.getNestedTypes().forEach(this::addMessage);
    for (EnumDescriptor enumType : message.getEnumTypes()) {
      typeIsEnum.put(enumType.getFullName(), true);
    }
  }

  private void resolveMessage(String scope, DescriptorProto.Builder message) throws RecordFailure {
    for (FieldDescriptorProto.Builder field : message.getFieldBuilderList()) {
      if (field.hasTypeName()) {
        String name = lookup(field.getTypeName(), scope);
        field.setTypeName("." + name);
        field.setType(typeIsEnum.get(name) ? Type.TYPE_ENUM : Type.TYPE_MESSAGE);
      }
    }
    for (DescriptorProto.Builder nested : message.getNestedTypeBuilderList()) {
      resolveMessage(scope + "." + nested.getName(), nested);
    }
  }

  private String lookup(String written, String scope) throws RecordFailure {
    if (written.startsWith(".")) {
      return known(written.substring(1), written);
    }
    int dot = written.indexOf('.');
    String first = dot < 0 ? written : written.substring(0, dot);
    String rest = dot < 0 ? "" : written.substring(dot);
    for (String outer = scope; ; outer = parentOf(outer)) {
      String candidate = outer.isEmpty() ? first : outer + "." + first;
      boolean found =
          rest.isEmpty()
              ? typeIsEnum.containsKey(candidate)
              : (scopes.contains(candidate) || Boolean.FALSE.equals(typeIsEnum.get(candidate)));
      if (found) {
        return known(candidate + rest, written);
      }
      if (outer.isEmpty()) {
        throw unknown(written);
      }
    }
  }

  private String known(String name, String written) throws RecordFailure {
    if (!typeIsEnum.containsKey(name)) {
      throw unknown(written);
    }
    return name;
  }

  private static String parentOf(String scope) {
    int dot = scope.lastIndexOf('.');
    return dot < 0 ? "" : scope.substring(0, dot);
  }

  private static RecordFailure unknown(String written) {
    return new RecordFailure(
        Reason.INVALID_PROTOBUF,
        "the .proto schema uses type "
            + written
            + ", which is neither defined in it nor in the files it imports");
  }
}
