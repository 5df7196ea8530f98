package dev.providersettings.exception;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProbeResult;
import dev.providersettings.ProviderCode;

/**
 * A credential probe ("does this key work?") run before saving did not pass; nothing was written. Carries the
 * {@link ProbeResult}, which names the failed check but never a secret.
 */
public class CredentialProbeFailedException extends ProviderSettingsException {
    private static final long serialVersionUID = 1L;
    private final transient ProbeResult result;

    public CredentialProbeFailedException(OrganizationId organization, ProviderCode provider, ProbeResult result) {
        super("credential probe of provider " + provider + " for organization " + organization + " did not pass ("
                + result.outcome() + (result.failedCheck() == null ? "" : ", check " + result.failedCheck()) + ": "
                + result.message() + "); nothing was written: fix the credentials and try again"
                + (result.outcome() == ProbeResult.Outcome.UNSUPPORTED ? ", or save with update(...) without a probe" : ""));
        this.result = result;
    }

    /** The probe's answer. */
    public ProbeResult result() {
        return result;
    }
}
