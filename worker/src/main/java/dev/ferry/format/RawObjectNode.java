package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An object node that also holds the slice of the record value it was read from. Equal to the plain
 * {@link ObjectNode} of the same fields; not to be changed after reading (the slice would no longer
 * match).
 */
// Jackson's own deepCopy() override is an unchecked one; a subclass inherits the warning.
@SuppressWarnings("unchecked")
final class RawObjectNode extends ObjectNode implements RawJson {
  private static final long serialVersionUID = 1L;

  private final byte[] source;
  private final int start;
  private final int end;

  RawObjectNode(
      JsonNodeFactory nodes, Map<String, JsonNode> fields, byte[] source, int start, int end) {
    super(nodes, fields);
    this.source = source;
    this.start = start;
    this.end = end;
  }

  @Override
  public String rawJson() {
    return new String(source, start, end - start, StandardCharsets.UTF_8);
  }
}
