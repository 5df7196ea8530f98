/**
 * Micrometer meters of the Postgres store's change feed:
 * {@link dev.providersettings.postgres.metrics.ChangeFeedMetrics}. Micrometer is an optional dependency of this
 * module: only this package needs {@code io.micrometer:micrometer-core}.
 */
package dev.providersettings.postgres.metrics;
