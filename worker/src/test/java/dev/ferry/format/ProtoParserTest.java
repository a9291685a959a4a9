package dev.ferry.format;

import static dev.ferry.format.ProtoFixtures.enumField;
import static dev.ferry.format.ProtoFixtures.message;
import static dev.ferry.format.ProtoFixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import dev.ferry.errors.Reason;
import dev.ferry.errors.RecordFailure;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoParserTest {
  private static final List<FileDescriptor> WELL_KNOWN =
      List.of(TimestampProto.getDescriptor(), WrappersProto.getDescriptor());

  private static FileDescriptorProto parsed(String text, List<FileDescriptor> imports)
      throws RecordFailure {
    return ProtoTypeResolver.resolve(ProtoParser.parse("test.proto", text), imports);
  }

  @Test
  void everyConstructParsesIntoTheDescriptorProtocGives() throws Exception {
    FileDescriptorProto parsed = parsed(ProtoFixtures.ORDERS_PROTO, WELL_KNOWN);

    assertThat(parsed).isEqualTo(ProtoFixtures.ordersProto("test.proto"));
    FileDescriptor built =
        FileDescriptor.buildFrom(parsed, WELL_KNOWN.toArray(FileDescriptor[]::new));
    assertThat(built.findMessageTypeByName("Order").findFieldByName("note").hasPresence()).isTrue();
    assertThat(built.findMessageTypeByName("Order").findFieldByName("tags").isMapField()).isTrue();
  }

  /**
   * The same file through protoc itself ({@code orders.protoc.txtpb}, its descriptor printed as
   * text), less what the parser skips: options (but {@code map_entry}), reserved names and ranges,
   * services, and the {@code json_name}s protoc adds.
   */
  @Test
  void everyConstructParsesIntoWhatProtocItselfGives() throws Exception {
    FileDescriptorProto.Builder protoc = FileDescriptorProto.newBuilder();
    try (InputStream in = getClass().getResourceAsStream("orders.protoc.txtpb")) {
      TextFormat.merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), protoc);
    }
    protoc.clearOptions().clearService().getMessageTypeBuilderList().forEach(m -> strip(m));

    assertThat(protoc.build()).isEqualTo(ProtoFixtures.ordersProto("orders.proto"));
    assertThat(
            parsed(ProtoFixtures.ORDERS_PROTO, WELL_KNOWN).toBuilder()
                .setName("orders.proto")
                .build())
        .isEqualTo(protoc.build());
  }

  private static void strip(DescriptorProto.Builder message) {
    boolean mapEntry = message.getOptions().getMapEntry();
    message.clearOptions().clearReservedRange().clearReservedName();
    if (mapEntry) {
      message.setOptions(MessageOptions.newBuilder().setMapEntry(true));
    }
    message.getFieldBuilderList().forEach(f -> f.clearJsonName().clearOptions());
    message.getNestedTypeBuilderList().forEach(m -> strip(m));
    for (EnumDescriptorProto.Builder enumType : message.getEnumTypeBuilderList()) {
      enumType.clearOptions().getValueBuilderList().forEach(v -> v.clearOptions());
    }
  }

  @Test
  void customAndAggregateOptionsAreSkipped() throws Exception {
    FileDescriptorProto parsed =
        parsed(
            """
            syntax = "proto3";
            option (my.file) = { a: 1, b: "x;y" nested { c: [1, 2] } };
            message M {
              option (my.message).size = 3;
              int32 x = 1 [(my.field) = { ok: true }, json_name = "ex"];
            }
            """,
            List.of());

    assertThat(parsed.getMessageType(0).getFieldList())
        .containsExactly(scalar("x", 1, Type.TYPE_INT32).build());
  }

  @Test
  void proto2KeepsItsLabelsAndLeavesSyntaxUnset() throws Exception {
    FileDescriptorProto parsed =
        parsed(
            """
            syntax = "proto2";
            message Reading {
              required string sensor = 1;
              optional int32 value = 2;
              repeated Kind kinds = 3;
              enum Kind { RAW = 1; CALIBRATED = 2; }
            }
            """,
            List.of());

    assertThat(parsed)
        .isEqualTo(
            FileDescriptorProto.newBuilder()
                .setName("test.proto")
                .addMessageType(
                    DescriptorProto.newBuilder()
                        .setName("Reading")
                        .addField(
                            scalar("sensor", 1, Type.TYPE_STRING).setLabel(Label.LABEL_REQUIRED))
                        .addField(scalar("value", 2, Type.TYPE_INT32))
                        .addField(
                            enumField("kinds", 3, ".Reading.Kind").setLabel(Label.LABEL_REPEATED))
                        .addEnumType(
                            EnumDescriptorProto.newBuilder()
                                .setName("Kind")
                                .addValue(ProtoFixtures.value("RAW", 1))
                                .addValue(ProtoFixtures.value("CALIBRATED", 2))))
                .build());
  }

  @Test
  void namesResolveFromTheInnermostScopeOutwards() throws Exception {
    FileDescriptorProto parsed =
        parsed(
            """
            syntax = "proto3";
            package a.b;
            message Item { string name = 1; }
            message Outer {
              message Item { int32 id = 1; }
              message Inner {
                Item nearest = 1;
                b.Item through_package = 2;
                .a.b.Item absolute = 3;
              }
            }
            """,
            List.of());

    assertThat(parsed.getMessageType(1).getNestedType(1).getFieldList())
        .extracting(f -> f.getTypeName())
        .containsExactly(".a.b.Outer.Item", ".a.b.Item", ".a.b.Item");
    assertThat(parsed.getMessageType(1).getNestedType(1).getField(0))
        .isEqualTo(message("nearest", 1, ".a.b.Outer.Item").build());
  }

  @Test
  void typesNeitherDefinedNorImportedAreRefused() {
    assertThatThrownBy(
            () ->
                parsed(
                    """
                    syntax = "proto3";
                    message Order { google.protobuf.Timestamp at = 1; Missing other = 2; }
                    """,
                    List.of()))
        .isInstanceOfSatisfying(
            RecordFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.INVALID_PROTOBUF))
        .hasMessageContaining("google.protobuf.Timestamp");
  }

  @Test
  void syntaxErrorsNameTheirLine() {
    assertThatThrownBy(
            () ->
                ProtoParser.parse(
                    "bad.proto", "syntax = \"proto3\";\nmessage Order {\n  int64 id 1;\n}"))
        .isInstanceOfSatisfying(
            RecordFailure.class, f -> assertThat(f.reason()).isEqualTo(Reason.INVALID_PROTOBUF))
        .hasMessage("the .proto schema cannot be read: line 3: expected '=', found '1'");
    assertThatThrownBy(() -> ProtoParser.parse("bad.proto", "message Order { int64 id = 1;"))
        .hasMessageContaining("found the end of the file");
    assertThatThrownBy(() -> ProtoParser.parse("bad.proto", "/* never closed"))
        .hasMessageContaining("a comment is not closed");
    assertThatThrownBy(() -> ProtoParser.parse("bad.proto", "edition = \"2023\";"))
        .hasMessageContaining("editions are not read");
    assertThatThrownBy(
            () ->
                ProtoParser.parse(
                    "bad.proto", "syntax = \"proto2\"; message M { optional group G = 1 {} }"))
        .hasMessageContaining("groups are not read");
  }

  @Test
  void mapKeysMustBeIntegersBoolsOrStrings() {
    assertThatThrownBy(
            () -> ProtoParser.parse("bad.proto", "message M { map<double, string> m = 1; }"))
        .hasMessageContaining("map key type double");
  }
}
