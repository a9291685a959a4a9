package dev.ferry.config;

/**
 * How to reach PostgreSQL.
 *
 * @param url a {@code jdbc:postgresql://} URL; its ssl* parameters are honoured
 * @param username may be empty when the URL carries the user
 * @param password masked whenever printed
 * @param poolSize connections in the pool; at least {@code worker.threads}
 * @param timeouts how long each kind of wait on Postgres may last
 */
public record DatabaseSettings(
    String url, String username, Secret password, int poolSize, DatabaseTimeouts timeouts) {}
