package dev.ferry.format;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import dev.ferry.errors.RecordFailure;
import java.util.Map;

/**
 * Reads a {@code .proto} file's text into the {@link FileDescriptorProto} protoc's parser gives,
 * with type names still as written ({@link ProtoTypeResolver} resolves them): {@code syntax}
 * (proto3, proto2), {@code package}, {@code import}, messages (nested), enums, fields of scalar,
 * message and enum types, {@code repeated}, {@code optional} (proto3's synthetic oneofs included),
 * {@code required}, {@code map<K, V>} (with protoc's {@code ...Entry} types), {@code oneof}.
 * Options, {@code reserved}, {@code extensions}, {@code extend} and services are skipped: they do
 * not change how a body is read. Groups and editions are refused. Not thread-safe; one per file.
 */
final class ProtoParser {
  private static final Map<String, Type> SCALARS =
      Map.ofEntries(
          Map.entry("double", Type.TYPE_DOUBLE),
          Map.entry("float", Type.TYPE_FLOAT),
          Map.entry("int64", Type.TYPE_INT64),
          Map.entry("uint64", Type.TYPE_UINT64),
          Map.entry("int32", Type.TYPE_INT32),
          Map.entry("fixed64", Type.TYPE_FIXED64),
          Map.entry("fixed32", Type.TYPE_FIXED32),
          Map.entry("bool", Type.TYPE_BOOL),
          Map.entry("string", Type.TYPE_STRING),
          Map.entry("bytes", Type.TYPE_BYTES),
          Map.entry("uint32", Type.TYPE_UINT32),
          Map.entry("sfixed32", Type.TYPE_SFIXED32),
          Map.entry("sfixed64", Type.TYPE_SFIXED64),
          Map.entry("sint32", Type.TYPE_SINT32),
          Map.entry("sint64", Type.TYPE_SINT64));

  private final ProtoTokens tokens;
  private boolean proto3;

  private ProtoParser(ProtoTokens tokens) {
    this.tokens = tokens;
  }

  /**
   * The descriptor of {@code text}, named {@code name} (its import path).
   *
   * @throws RecordFailure reason {@code invalid-protobuf}: not a {@code .proto} file this parser
   *     reads, the message says where and why
   */
  static FileDescriptorProto parse(String name, String text) throws RecordFailure {
    return new ProtoParser(ProtoTokens.of(text)).file(name);
  }

  private FileDescriptorProto file(String name) throws RecordFailure {
    FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName(name);
    if (tokens.take("syntax")) {
      tokens.expect("=");
      String syntax = tokens.string();
      if (!syntax.equals("proto3") && !syntax.equals("proto2")) {
        throw tokens.error("syntax \"" + syntax + "\" is not read (only proto3 and proto2)");
      }
      tokens.expect(";");
      proto3 = syntax.equals("proto3");
      if (proto3) {
        // protoc leaves syntax unset for proto2, the default.
        file.setSyntax(syntax);
      }
    } else if (tokens.peek().equals("edition")) {
      throw tokens.error("editions are not read (only proto3 and proto2)");
    }
    while (!tokens.atEnd()) {
      topLevel(file);
    }
    return file.build();
  }

  private void topLevel(FileDescriptorProto.Builder file) throws RecordFailure {
    if (tokens.take(";")) {
      return;
    }
    if (tokens.take("package")) {
      file.setPackage(tokens.word());
      tokens.expect(";");
    } else if (tokens.take("import")) {
      int index = file.getDependencyCount();
      if (tokens.take("public")) {
        file.addPublicDependency(index);
      } else if (tokens.take("weak")) {
        file.addWeakDependency(index);
      }
      file.addDependency(tokens.string());
      tokens.expect(";");
    } else if (tokens.take("message")) {
      file.addMessageType(message());
    } else if (tokens.take("enum")) {
      file.addEnumType(enumType());
    } else if (tokens.take("option") || tokens.take("service") || tokens.take("extend")) {
      tokens.skipStatement();
    } else {
      throw tokens.error("expected a message, an enum, an import, a package or an option");
    }
  }

  private DescriptorProto message() throws RecordFailure {
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(tokens.word());
    tokens.expect("{");
    while (!tokens.take("}")) {
      member(message);
    }
    syntheticOneofs(message);
    return message.build();
  }

  private void member(DescriptorProto.Builder message) throws RecordFailure {
    if (tokens.take(";")) {
      return;
    }
    if (tokens.take("message")) {
      message.addNestedType(message());
    } else if (tokens.take("enum")) {
      message.addEnumType(enumType());
    } else if (tokens.take("oneof")) {
      oneof(message);
    } else if (tokens.take("map")) {
      map(message);
    } else if (tokens.take("option")
        || tokens.take("reserved")
        || tokens.take("extensions")
        || tokens.take("extend")) {
      tokens.skipStatement();
    } else if (tokens.atEnd()) {
      throw tokens.error("expected '}'");
    } else {
      message.addField(field(labelOf(), -1));
    }
  }

  private Label labelOf() throws RecordFailure {
    if (tokens.take("repeated")) {
      return Label.LABEL_REPEATED;
    }
    if (tokens.take("required")) {
      if (proto3) {
        throw tokens.error("proto3 has no required fields");
      }
      return Label.LABEL_REQUIRED;
    }
    if (tokens.take("optional")) {
      return proto3 ? null : Label.LABEL_OPTIONAL;
    }
    return Label.LABEL_OPTIONAL;
  }

  /**
   * A field after its label; {@code label} null for proto3's {@code optional}, which protoc marks
   * {@code proto3_optional} (its synthetic oneof is added once the message is read).
   */
  private FieldDescriptorProto field(Label label, int oneofIndex) throws RecordFailure {
    String type = tokens.word();
    if (type.equals("group")) {
      throw tokens.error("groups are not read");
    }
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder();
    field.setName(tokens.word());
    tokens.expect("=");
    field.setNumber(tokens.integer());
    field.setLabel(label == null ? Label.LABEL_OPTIONAL : label);
    if (label == null) {
      field.setProto3Optional(true);
    }
    setType(field, type);
    if (oneofIndex >= 0) {
      field.setOneofIndex(oneofIndex);
    }
    endField();
    return field.build();
  }

  private void setType(FieldDescriptorProto.Builder field, String type) {
    Type scalar = SCALARS.get(type);
    if (scalar != null) {
      field.setType(scalar);
    } else {
      field.setTypeName(type);
    }
  }

  /** Skips a field's options ({@code [packed = true]}, {@code [default = 5]}...) and its ';'. */
  private void endField() throws RecordFailure {
    if (tokens.peek().equals("[")) {
      tokens.skipStatement();
    } else {
      tokens.expect(";");
    }
  }

  private void oneof(DescriptorProto.Builder message) throws RecordFailure {
    int index = message.getOneofDeclCount();
    message.addOneofDecl(OneofDescriptorProto.newBuilder().setName(tokens.word()));
    tokens.expect("{");
    while (!tokens.take("}")) {
      if (tokens.take("option")) {
        tokens.skipStatement();
      } else if (!tokens.take(";")) {
        message.addField(field(Label.LABEL_OPTIONAL, index));
      }
    }
  }

  /** A map field: protoc's repeated {@code <Name>Entry} message with a key and a value. */
  private void map(DescriptorProto.Builder message) throws RecordFailure {
    tokens.expect("<");
    String keyType = tokens.word();
    tokens.expect(",");
    String valueType = tokens.word();
    tokens.expect(">");
    String name = tokens.word();
    tokens.expect("=");
    int number = tokens.integer();
    endField();
    if (!SCALARS.containsKey(keyType)
        || keyType.equals("double")
        || keyType.equals("float")
        || keyType.equals("bytes")) {
      throw tokens.error("map key type " + keyType + " is not an integer, bool or string type");
    }
    String entryName = mapEntryName(name);
    FieldDescriptorProto.Builder key =
        FieldDescriptorProto.newBuilder().setName("key").setNumber(1);
    key.setLabel(Label.LABEL_OPTIONAL).setType(SCALARS.get(keyType));
    FieldDescriptorProto.Builder value =
        FieldDescriptorProto.newBuilder().setName("value").setNumber(2);
    value.setLabel(Label.LABEL_OPTIONAL);
    setType(value, valueType);
    message.addNestedType(
        DescriptorProto.newBuilder()
            .setName(entryName)
            .addField(key)
            .addField(value)
            .setOptions(MessageOptions.newBuilder().setMapEntry(true)));
    message.addField(
        FieldDescriptorProto.newBuilder()
            .setName(name)
            .setNumber(number)
            .setLabel(Label.LABEL_REPEATED)
            .setTypeName(entryName));
  }

  /** protoc's entry name: the field name in camel case, capitalized, then "Entry". */
  private static String mapEntryName(String fieldName) {
    StringBuilder name = new StringBuilder();
    boolean capitalizeNext = true;
    for (char c : fieldName.toCharArray()) {
      if (c == '_') {
        capitalizeNext = true;
      } else if (capitalizeNext) {
        name.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        capitalizeNext = false;
      } else {
        name.append(c);
      }
    }
    return name.append("Entry").toString();
  }

  /** protoc adds a oneof {@code _name} per proto3 optional field, after the declared ones. */
  private static void syntheticOneofs(DescriptorProto.Builder message) {
    for (FieldDescriptorProto.Builder field : message.getFieldBuilderList()) {
      if (field.getProto3Optional()) {
        String name = field.getName().startsWith("_") ? field.getName() : "_" + field.getName();
        while (hasName(message, name)) {
          name = "X" + name;
        }
        field.setOneofIndex(message.getOneofDeclCount());
        message.addOneofDecl(OneofDescriptorProto.newBuilder().setName(name));
      }
    }
  }

  private static boolean hasName(DescriptorProto.Builder message, String name) {
    return message.getFieldList().stream().anyMatch(f -> f.getName().equals(name))
        || message.getOneofDeclList().stream().anyMatch(o -> o.getName().equals(name))
        || message.getNestedTypeList().stream().anyMatch(t -> t.getName().equals(name))
        || message.getEnumTypeList().stream().anyMatch(t -> t.getName().equals(name));
  }

  private EnumDescriptorProto enumType() throws RecordFailure {
    EnumDescriptorProto.Builder enumType = EnumDescriptorProto.newBuilder().setName(tokens.word());
    tokens.expect("{");
    while (!tokens.take("}")) {
      if (tokens.take("option") || tokens.take("reserved")) {
        tokens.skipStatement();
      } else if (!tokens.take(";")) {
        String name = tokens.word();
        tokens.expect("=");
        enumType.addValue(
            EnumValueDescriptorProto.newBuilder().setName(name).setNumber(tokens.integer()));
        endField();
      }
    }
    return enumType.build();
  }
}
