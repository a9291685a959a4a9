package dev.ferry.testkit.load;

/** The kinds of bad record the load generator mixes in, in the order it cycles through them. */
public enum BadRecordKind {
  /** Text that is not JSON: a good event's JSON cut off half way. */
  INVALID_JSON,
  /** Well-formed JSON, but an array of the event's values instead of an object. */
  JSON_ARRAY,
  /** A complete event object whose {@code event_id} is {@code "not-a-uuid"}. */
  INVALID_EVENT_ID
}
