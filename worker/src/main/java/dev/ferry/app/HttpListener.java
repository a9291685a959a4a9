package dev.ferry.app;

import dev.ferry.config.HttpSettings;
import dev.ferry.config.Secret;
import dev.ferry.health.AdminDoor;
import dev.ferry.metrics.MetricsCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Where the HTTP endpoint listens and the door its admin calls pass: with {@code
 * http.admin-token-file} the token is needed on any address; without it, admin calls are let in on
 * a loopback address only (decision 0023). Admin calls are counted in {@code
 * ferry_admin_requests_total{outcome}}.
 *
 * @param address the address to bind; a host name is resolved once, here
 * @param door the lock around every route but the reads of metrics and health
 */
record HttpListener(InetSocketAddress address, AdminDoor door) {

  static HttpListener of(HttpSettings http, MeterRegistry registry) {
    InetSocketAddress address = new InetSocketAddress(http.bindAddress(), http.port());
    Consumer<String> adminRequests = MetricsCatalog.adminRequests(registry);
    Consumer<AdminDoor.Outcome> count = outcome -> adminRequests.accept(outcome.label());
    AdminDoor door =
        http.adminToken()
            .map(Secret::value)
            .map(token -> AdminDoor.withToken(token, count))
            .orElseGet(() -> AdminDoor.withoutToken(address, count));
    return new HttpListener(address, door);
  }

  /** {@code host:port}, as configured, for error messages. */
  @Override
  public String toString() {
    return address.getHostString() + ":" + address.getPort();
  }
}
