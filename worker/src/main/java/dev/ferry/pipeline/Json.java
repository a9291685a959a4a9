package dev.ferry.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.format.JsonFormat;

/** The pipelines' JSON reader for keys and values: {@link JsonFormat#MAPPER}, numbers exact. */
final class Json {
  static final ObjectMapper MAPPER = JsonFormat.MAPPER;

  private Json() {}
}
