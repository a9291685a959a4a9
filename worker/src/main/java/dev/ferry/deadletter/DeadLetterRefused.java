package dev.ferry.deadletter;

import java.util.List;

/**
 * The dead-letter topic or producer refused a dead letter for good: sending it again, as it is,
 * would get the same answer. Either it does not fit ({@link #tooLarge()}: larger than the topic's
 * {@code max.message.bytes} even after Ferry's bulky headers were shed), or the broker refuses this
 * record or this client otherwise (authorization, an invalid record or timestamp, a policy). The
 * record is not dropped: the caller halts its pipeline, leaving its offset uncommitted, until an
 * operator fixes the topic and resumes it.
 */
public final class DeadLetterRefused extends Exception {
  private static final long serialVersionUID = 1L;

  /** The readiness reason (before {@code :PIPELINE}) of a pipeline halted for a too-large one. */
  public static final String TOO_LARGE = "dead-letter-too-large";

  /** The readiness reason (before {@code :PIPELINE}) of a pipeline halted for another refusal. */
  public static final String REFUSED = "dead-letter-refused";

  private final String topic;
  private final boolean tooLarge;
  private final int size;
  private final List<String> shedHeaders;

  /**
   * @param topic the dead-letter topic
   * @param size the dead letter's estimated size in bytes as last sent
   * @param shedHeaders the headers left out of that last send
   */
  DeadLetterRefused(
      String topic, boolean tooLarge, int size, List<String> shedHeaders, Throwable cause) {
    super(
        (tooLarge ? "too large for " : "refused by ") + topic + " (" + size + " bytes): " + cause,
        cause);
    this.topic = topic;
    this.tooLarge = tooLarge;
    this.size = size;
    this.shedHeaders = List.copyOf(shedHeaders);
  }

  public String topic() {
    return topic;
  }

  public boolean tooLarge() {
    return tooLarge;
  }

  /** The dead letter's estimated size in bytes, key, value and headers. */
  public int size() {
    return size;
  }

  public List<String> shedHeaders() {
    return shedHeaders;
  }

  /** {@link #TOO_LARGE} or {@link #REFUSED}: the readiness reason without the pipeline. */
  public String kind() {
    return tooLarge ? TOO_LARGE : REFUSED;
  }

  /** The short reason label of the metrics: {@code too-large} or {@code refused}. */
  public String label() {
    return tooLarge ? "too-large" : "refused";
  }

  /** What an operator must do, for the ERROR line. */
  public String remedy(String pipeline) {
    String resume = "then resume the pipeline with POST /pipelines/" + pipeline + "/resume";
    if (tooLarge) {
      return "raise max.message.bytes of topic "
          + topic
          + " to at least "
          + MessageSizes.deadLetterLimitFor(size)
          + " (e.g. kafka-configs.sh --alter --entity-type topics --entity-name "
          + topic
          + " --add-config max.message.bytes="
          + MessageSizes.deadLetterLimitFor(size)
          + "), "
          + resume;
    }
    return "make topic " + topic + " take it (see the cause: ACLs, topic settings), " + resume;
  }
}
