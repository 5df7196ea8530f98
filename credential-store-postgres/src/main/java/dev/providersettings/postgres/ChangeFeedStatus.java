package dev.providersettings.postgres;

import java.time.Instant;

/**
 * The state of a {@link PostgresCredentialStore}'s change feed, for health checks and metrics.
 *
 * @param enabled        whether the store was built with a change feed
 * @param listening      whether the feed currently hears notifications: it holds a listening connection and its last
 *                       probe (a NOTIFY sent through the store's pool) came back on it
 * @param reconnects     how many times the feed connected again after losing its connection or finding it deaf
 * @param lastVerifiedAt when a probe last came back on the feed's connection; null if none ever did
 */
public record ChangeFeedStatus(boolean enabled, boolean listening, long reconnects, Instant lastVerifiedAt) {
}
