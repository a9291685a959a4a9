package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.FloatNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;

/**
 * Compiles an Avro writer's schema into the tree of {@link AvroValueReader}s that decodes its
 * binary bodies straight into JSON: all the work on the schema (field names, logical types, enum
 * symbols, union branches) happens here, once per schema id, none of it per record. Records become
 * objects in field order, arrays arrays, maps objects, a union its branch's value, enums their
 * symbol, fixed and bytes binary, logical types as {@link AvroLogicalReaders} says. Not thread-safe
 * while compiling; the readers it returns are.
 */
final class AvroReaders {
  private final Map<Schema, RecordReader> records = new IdentityHashMap<>();
  private final boolean connect;

  private AvroReaders(boolean connect) {
    this.connect = connect;
  }

  /** The reader of {@code schema}'s values. */
  static AvroValueReader of(Schema schema) {
    return new AvroReaders(false).reader(schema);
  }

  /**
   * The reader of {@code schema}'s values as Connect's JSON converter writes them: logical types as
   * their underlying values (a date as days, a timestamp as a number, a decimal's unscaled bytes),
   * which the field's Connect schema ({@link AvroConnectSchemas}) says how to read.
   */
  static AvroValueReader connect(Schema schema) {
    return new AvroReaders(true).reader(schema);
  }

  private AvroValueReader reader(Schema schema) {
    AvroValueReader logical = connect ? null : AvroLogicalReaders.of(schema);
    if (logical != null) {
      return logical;
    }
    return switch (schema.getType()) {
      case RECORD -> record(schema);
      case ENUM -> enumeration(schema);
      case ARRAY -> array(schema);
      case MAP -> map(schema);
      case UNION -> union(schema);
      case FIXED -> fixed(schema.getFixedSize());
      case STRING -> in -> TextNode.valueOf(AvroBytes.string(in));
      case BYTES -> in -> BinaryNode.valueOf(AvroBytes.bytes(in));
      case INT -> in -> IntNode.valueOf(in.readInt());
      case LONG -> in -> LongNode.valueOf(in.readLong());
      case FLOAT -> in -> FloatNode.valueOf(in.readFloat());
      case DOUBLE -> in -> DoubleNode.valueOf(in.readDouble());
      case BOOLEAN -> in -> BooleanNode.valueOf(in.readBoolean());
      case NULL -> in -> NullNode.getInstance();
    };
  }

  /**
   * A record: registered before its fields are compiled, so that a recursive schema (a field that
   * refers to its own record, through a union) compiles to a reader that refers to itself.
   */
  private AvroValueReader record(Schema schema) {
    RecordReader known = records.get(schema);
    if (known != null) {
      return known;
    }
    RecordReader reader = new RecordReader();
    records.put(schema, reader);
    List<Schema.Field> fields = schema.getFields();
    String[] names = new String[fields.size()];
    AvroValueReader[] readers = new AvroValueReader[fields.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = fields.get(i).name();
      readers[i] = reader(fields.get(i).schema());
    }
    reader.fields(names, readers);
    return reader;
  }

  private static AvroValueReader enumeration(Schema schema) {
    List<String> names = schema.getEnumSymbols();
    TextNode[] symbols = new TextNode[names.size()];
    for (int i = 0; i < symbols.length; i++) {
      symbols[i] = TextNode.valueOf(names.get(i));
    }
    String name = schema.getFullName();
    return in -> {
      int index = in.readEnum();
      if (index < 0 || index >= symbols.length) {
        throw new AvroDataException(
            "enum "
                + name
                + " has "
                + symbols.length
                + " symbol(s), but the body names symbol "
                + index);
      }
      return symbols[index];
    };
  }

  private AvroValueReader array(Schema schema) {
    AvroValueReader items = reader(schema.getElementType());
    boolean zeroWidth = zeroWidth(schema.getElementType());
    return in -> {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
        AvroBytes.checkCount(in, n, zeroWidth, "array items");
        for (long i = 0; i < n; i++) {
          array.add(items.read(in));
        }
      }
      return array;
    };
  }

  private AvroValueReader map(Schema schema) {
    AvroValueReader values = reader(schema.getValueType());
    return in -> {
      ObjectNode map = JsonNodeFactory.instance.objectNode();
      for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
        // every entry has a key, at least its one-byte length: the body bounds the count
        AvroBytes.checkCount(in, n, false, "map entries");
        for (long i = 0; i < n; i++) {
          String key = AvroBytes.string(in);
          map.set(key, values.read(in));
        }
      }
      return map;
    };
  }

  private AvroValueReader union(Schema schema) {
    List<Schema> types = schema.getTypes();
    AvroValueReader[] branches = new AvroValueReader[types.size()];
    String names = types.stream().map(Schema::getFullName).collect(Collectors.joining(", "));
    for (int i = 0; i < branches.length; i++) {
      branches[i] = reader(types.get(i));
    }
    return in -> {
      int index = in.readIndex();
      if (index < 0 || index >= branches.length) {
        throw new AvroDataException(
            "a union of "
                + branches.length
                + " branch(es) ["
                + names
                + "] is given branch "
                + index);
      }
      return branches[index].read(in);
    };
  }

  private static AvroValueReader fixed(int size) {
    return in -> BinaryNode.valueOf(AvroBytes.fixed(in, size));
  }

  /** Whether values of {@code schema} can take no bytes at all (null, an empty record). */
  private static boolean zeroWidth(Schema schema) {
    return switch (schema.getType()) {
      case NULL -> true;
      case FIXED -> schema.getFixedSize() == 0;
      case RECORD -> schema.getFields().isEmpty();
      default -> false;
    };
  }

  /** A record's reader: its fields in the schema's order. Set once, before it is published. */
  private static final class RecordReader implements AvroValueReader {
    private String[] names;
    private AvroValueReader[] fields;

    void fields(String[] names, AvroValueReader[] fields) {
      this.names = names;
      this.fields = fields;
    }

    @Override
    public JsonNode read(BinaryDecoder in) throws IOException {
      ObjectNode record = JsonNodeFactory.instance.objectNode();
      for (int i = 0; i < fields.length; i++) {
        record.set(names[i], fields[i].read(in));
      }
      return record;
    }
  }
}
