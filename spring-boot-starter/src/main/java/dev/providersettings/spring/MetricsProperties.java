package dev.providersettings.spring;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** Micrometer meters (registered when Micrometer is on the classpath). */
public class MetricsProperties {
    /** Whether the provider-settings meters are registered. */
    private boolean enabled = true;
    @NestedConfigurationProperty
    private final OrganizationTagProperties organizationTag = new OrganizationTagProperties();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The opt-in organization tag on per-call meters. */
    public OrganizationTagProperties getOrganizationTag() {
        return organizationTag;
    }

    void validate() {
        organizationTag.validate();
    }
}
