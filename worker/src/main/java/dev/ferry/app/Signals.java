package dev.ferry.app;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT handling without the JVM's shutdown sequence, so that a second signal can
 * still act: the first one starts the drain, any later one stops at once. Uses {@code
 * sun.misc.Signal} (module {@code jdk.unsupported}) through reflection, because javac warns about
 * it at compile time with no way to silence that warning.
 */
final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Installs the handlers.
   *
   * @param first called on the first TERM or INT, on the JVM's signal thread; must not block
   * @param again called on every later TERM or INT
   * @return false when this JVM offers no {@code sun.misc.Signal}; the caller should fall back to a
   *     shutdown hook
   */
  static boolean install(Runnable first, Runnable again) {
    AtomicInteger received = new AtomicInteger();
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> newSignal = signalClass.getConstructor(String.class);
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object handler =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  if (received.incrementAndGet() == 1) {
                    log.info("received {}: draining (send it again to stop at once)", args[0]);
                    first.run();
                  } else {
                    log.warn("received {} again: stopping at once", args[0]);
                    again.run();
                  }
                  return null;
                }
                return method.getName().equals("toString") ? "ferry-signal-handler" : null;
              });
      for (String name : new String[] {"TERM", "INT"}) {
        handle.invoke(null, newSignal.newInstance(name), handler);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("no sun.misc.Signal, falling back to a shutdown hook: {}", e.toString());
      return false;
    }
  }
}
