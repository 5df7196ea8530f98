/**
 * Spring Boot auto-configuration of provider-settings: {@link dev.providersettings.spring.ProviderSettingsProperties}
 * ({@code provider-settings.*}), {@link dev.providersettings.spring.ProviderSettingsAutoConfiguration} (store, key
 * ring, registry, manager, settings service, seeding, metrics) and
 * {@link dev.providersettings.spring.ProviderSettingsHealthIndicator}.
 */
package dev.providersettings.spring;
