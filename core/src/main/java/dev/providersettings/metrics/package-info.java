/**
 * Micrometer meters for provider-settings: {@link dev.providersettings.metrics.ProviderSettingsMetrics} binds a
 * {@link dev.providersettings.ProviderManager}'s cache counters and records seeding results. Micrometer is an optional
 * dependency of the core: only this package needs {@code io.micrometer:micrometer-core} on the classpath.
 */
package dev.providersettings.metrics;
