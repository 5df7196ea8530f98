/**
 * Micrometer meters of Scaleway API calls: {@link dev.providersettings.scaleway.metrics.ScalewayCallMetrics}, a
 * {@link dev.providersettings.scaleway.ScalewayCallListener}. Micrometer is an optional dependency of this module:
 * only this package needs {@code io.micrometer:micrometer-core}.
 */
package dev.providersettings.scaleway.metrics;
