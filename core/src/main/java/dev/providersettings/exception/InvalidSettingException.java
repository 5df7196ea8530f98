package dev.providersettings.exception;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SettingViolation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A write was rejected: an unknown key, a wrong type, an invalid or oversized value. Nothing of the batch was
 * written. The message names the organization, the provider, each key and the rule it broke, never a value.
 */
public class InvalidSettingException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final transient List<SettingViolation> violations;

    public InvalidSettingException(String message) {
        super(message);
        this.violations = List.of();
    }

    public InvalidSettingException(OrganizationId organization, ProviderCode provider, List<SettingViolation> violations) {
        super("invalid settings for organization " + organization + ", provider " + provider + " (nothing was written): "
                + violations.stream().map(SettingViolation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    /** Each broken rule, in the order found. */
    public List<SettingViolation> violations() {
        return violations;
    }
}
