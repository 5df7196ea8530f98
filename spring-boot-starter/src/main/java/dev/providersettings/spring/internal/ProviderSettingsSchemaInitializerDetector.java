package dev.providersettings.spring.internal;

import dev.providersettings.spring.ProviderSettingsSchemaInitializer;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;

import java.util.Set;

/**
 * Makes {@link ProviderSettingsSchemaInitializer} a Spring Boot database initializer. Its order is the lowest, so
 * it runs after every initializer of Boot (Flyway's detector has order 1): the host's migrations, which create the
 * organizations table, always come first. Registered in {@code META-INF/spring.factories}.
 */
public final class ProviderSettingsSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(ProviderSettingsSchemaInitializer.class);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
