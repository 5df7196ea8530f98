package dev.providersettings.examples.orchestrator;

import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.scaleway.ScalewayProvider;


/**
 * The outcome of resolving the Scaleway provider of an instance's organization ({@code get_provider(name,
 * organization_id)}, with its two clear errors: no organization, no credentials) as a value jobs can act on.
 *
 * @param provider     the organization's provider, or null on failure
 * @param errorCode    a stable code on failure ({@code missing_organization}, {@code missing_credentials}, ...)
 * @param errorMessage what is wrong and how to fix it, never a secret
 * @param retryable    whether trying again later may succeed (the credential store was unreachable)
 */
record ProviderResolution(ScalewayProvider provider, String errorCode, String errorMessage, boolean retryable) {

    boolean ok() {
        return provider != null;
    }

    /** Resolves the provider of {@code organization}; {@code subject} names what needs it in messages. */
    static ProviderResolution resolve(JobContext context, OrganizationId organization, String subject) {
        if (organization == null) {
            return new ProviderResolution(null, "missing_organization", subject + " has no organization_id: it was"
                    + " written without one (before the multi-tenant change, or by hand). Credentials are per"
                    + " organization and there is no fallback; set its organization_id or deploy it again", false);
        }
        try {
            return new ProviderResolution(
                    context.manager().get(organization, JobContext.SCALEWAY, ScalewayProvider.class), null, null, false);
        } catch (MissingCredentialsException e) {
            return new ProviderResolution(null, "missing_credentials", e.getMessage(), false);
        } catch (MissingOrganizationException e) {
            return new ProviderResolution(null, "unknown_organization", e.getMessage(), false);
        } catch (CredentialStoreUnavailableException e) {
            return new ProviderResolution(null, "credential_store_unavailable", e.getMessage(), true);
        } catch (ProviderSettingsException e) {
            return new ProviderResolution(null, "provider_configuration", e.getMessage(), e.isRetryable());
        }
    }

    static ProviderResolution resolve(JobContext context, Instance instance) {
        return resolve(context, instance.organization(), "instance " + instance.id());
    }

    /** Which credentials a provider call uses, printable: access key and secret fingerprint, never the secret. */
    static String credentials(ScalewayProvider provider) {
        return "access key " + provider.accessKey().orElse("<none>") + " (secret " + provider.secretKeyFingerprint()
                + ", project " + provider.projectId() + ")";
    }
}
