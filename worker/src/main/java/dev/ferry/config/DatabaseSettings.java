package dev.ferry.config;

import java.time.Duration;

/**
 * How to reach PostgreSQL.
 *
 * @param url a {@code jdbc:postgresql://} URL; its ssl* parameters are honoured
 * @param username may be empty when the URL carries the user
 * @param password masked whenever printed
 * @param poolSize connections in the pool; at least {@code worker.threads}
 * @param timeouts how long each kind of wait on Postgres may last
 * @param metadataRefreshInterval how often the target tables' column types are read again, to
 *     follow schema changes without a restart; zero for never (they are still read again when a
 *     value fails coercion or the server reports a changed table)
 */
public record DatabaseSettings(
    String url,
    String username,
    Secret password,
    int poolSize,
    DatabaseTimeouts timeouts,
    Duration metadataRefreshInterval) {}
