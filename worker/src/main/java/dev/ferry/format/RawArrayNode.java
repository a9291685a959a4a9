package dev.ferry.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An array node that also holds the slice of the record value it was read from. Equal to the plain
 * {@link ArrayNode} of the same elements; not to be changed after reading.
 */
// Jackson's own deepCopy() override is an unchecked one; a subclass inherits the warning.
@SuppressWarnings("unchecked")
final class RawArrayNode extends ArrayNode implements RawJson {
  private static final long serialVersionUID = 1L;

  private final byte[] source;
  private final int start;
  private final int end;

  RawArrayNode(JsonNodeFactory nodes, List<JsonNode> elements, byte[] source, int start, int end) {
    super(nodes, elements);
    this.source = source;
    this.start = start;
    this.end = end;
  }

  @Override
  public String rawJson() {
    return new String(source, start, end - start, StandardCharsets.UTF_8);
  }
}
