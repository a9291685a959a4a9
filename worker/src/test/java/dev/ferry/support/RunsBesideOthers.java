package dev.ferry.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Marks an integration test class that is long and mostly waits on a clock (a rate over 60 s, a
 * slow sink, an outage of 20 s, a table locked for 40 s, a topic refresh): it runs on a second
 * thread beside the other integration tests, which run one after the other (worker/pom.xml,
 * failsafe's JUnit parallel settings: two threads, no more).
 *
 * <p>The classes so marked hold one lock, so they run one at a time, and their test methods run one
 * after the other. Such a class must use only its own broker, topics, tables and consumer group,
 * must not replay a dead-letter topic (DltReplayIT counts every replay audit row), and must not
 * assert on log lines another test could also write.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(RunsBesideOthers.LOCK)
public @interface RunsBesideOthers {
  /** The lock the marked classes share. */
  String LOCK = "dev.ferry.it.runs-beside-others";
}
