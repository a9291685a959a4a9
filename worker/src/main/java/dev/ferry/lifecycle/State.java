package dev.ferry.lifecycle;

/** The lifecycle of a worker process. The numbers are stable: they are exported as a gauge. */
public enum State {
  STARTING(0),
  RUNNING(1),
  DRAINING(2),
  STOPPED(3),
  FAILED(4);

  private final int code;

  State(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
