package dev.providersettings.spring;

import static dev.providersettings.spring.PropertyChecks.invalid;

/**
 * The organization tag on Scaleway call meters: off by default (one time series per organization and operation
 * quickly overwhelms a metrics backend); when on, the first {@code max-values} organizations seen get their
 * own value and every later one is tagged {@code other}.
 */
public class OrganizationTagProperties {
    /** Whether Scaleway call meters carry an organization tag. */
    private boolean enabled;
    /** Distinct organization values before the rest are tagged 'other'. */
    private int maxValues = 100;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getMaxValues() {
        return maxValues;
    }

    public void setMaxValues(int maxValues) {
        this.maxValues = maxValues;
    }

    void validate() {
        if (maxValues < 1 || maxValues > 10_000) {
            throw invalid("metrics.organization-tag.max-values", "is " + maxValues + ", outside 1..10000",
                    "keep the number of time series bounded, e.g. 100");
        }
    }
}
