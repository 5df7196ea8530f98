package dev.providersettings.scaleway.internal;

import dev.providersettings.ProbeResult;
import dev.providersettings.scaleway.ApiKey;
import dev.providersettings.scaleway.ScalewayAccessDeniedException;
import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.ScalewayNotFoundException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewaySettings;

import java.util.Optional;
import java.util.UUID;

/**
 * The credential probe: IAM look-ups that tell which check fails. IAM has no organization on a key, so it is
 * resolved through the key's application, user or default project.
 */
public final class CredentialProbe {

    /** The names of the checks, in the order they run. */
    public static final String ACCESS_KEY_PRESENT = "access_key_present";
    public static final String ACCESS_KEY_FORMAT = "access_key_format";
    public static final String ACCESS_KEY_EXISTS = "access_key_exists";
    public static final String SECRET_KEY_ACCEPTED = "secret_key_accepted";
    public static final String IAM_READ_PERMISSION = "iam_read_permission";
    public static final String ORGANIZATION_MATCHES = "organization_matches";
    public static final String PROJECT_IN_ORGANIZATION = "project_in_organization";
    public static final String API_REACHABLE = "api_reachable";

    private CredentialProbe() {
    }

    public static ProbeResult probe(ScalewayProvider provider) {
        Optional<String> accessKey = provider.accessKey();
        if (accessKey.isEmpty()) {
            return ProbeResult.failed(ACCESS_KEY_PRESENT, "setting " + ScalewaySettings.ACCESS_KEY
                    + " is missing: the probe needs the access key id (SCW...) to look the key up in IAM");
        }
        String ak = accessKey.get();
        if (!ak.matches(ScalewaySettings.ACCESS_KEY_REGEX)) {
            return ProbeResult.failed(ACCESS_KEY_FORMAT, "setting " + ScalewaySettings.ACCESS_KEY
                    + " is malformed: expected 'SCW' followed by 17 upper-case letters or digits");
        }
        ApiKey key;
        try {
            key = provider.getApiKey(ak);
        } catch (ScalewayNotFoundException e) {
            return ProbeResult.failed(ACCESS_KEY_EXISTS, "access key " + ak + " does not exist in IAM (request id "
                    + e.requestId() + "): check " + ScalewaySettings.ACCESS_KEY);
        } catch (ScalewayAccessDeniedException e) {
            if (e.isAuthenticationFailure()) {
                return ProbeResult.failed(SECRET_KEY_ACCEPTED, "the secret key (" + provider.secretKeyFingerprint()
                        + ") was refused: " + reason(e) + "; store the secret key that belongs to access key " + ak);
            }
            return ProbeResult.failed(IAM_READ_PERMISSION, "the secret key is accepted but the key lacks IAM read "
                    + "rights (" + e.details() + ", request id " + e.requestId() + "): grant it IAMReadOnly (or "
                    + "api_key read) so the probe can check the organization, or skip the probe");
        } catch (ScalewayException e) {
            return unreachable(e);
        }

        UUID resolved;
        String via;
        try {
            if (key.applicationId() != null) {
                via = "application " + key.applicationId();
                resolved = uuid(provider.getApplication(key.applicationId()).organizationId());
            } else if (key.userId() != null) {
                via = "user " + key.userId();
                resolved = uuid(provider.getUser(key.userId()).organizationId());
            } else if (key.defaultProjectId() != null) {
                via = "default project " + key.defaultProjectId();
                resolved = uuid(provider.getProject(key.defaultProjectId()).organizationId());
            } else {
                return ProbeResult.failed(ORGANIZATION_MATCHES, "access key " + ak + " has no application, user or "
                        + "default project: its organization cannot be resolved");
            }
        } catch (ScalewayAccessDeniedException e) {
            return ProbeResult.failed(IAM_READ_PERMISSION, "the key cannot read its owner in IAM (" + e.details()
                    + ", request id " + e.requestId() + "): grant it IAMReadOnly to let the probe resolve its organization");
        } catch (ScalewayException e) {
            return unreachable(e);
        }
        if (resolved == null) {
            return ProbeResult.failed(ORGANIZATION_MATCHES, "the organization of access key " + ak + " could not be "
                    + "resolved through " + via);
        }
        Optional<UUID> configured = provider.organizationId();
        if (configured.isPresent() && !configured.get().equals(resolved)) {
            return ProbeResult.failed(ORGANIZATION_MATCHES, "access key " + ak + " belongs to organization " + resolved
                    + " (through " + via + "), not to the configured " + ScalewaySettings.ORGANIZATION_ID + " "
                    + configured.get() + ": store the key of that organization or fix the organization id");
        }
        UUID organization = configured.orElse(resolved);
        try {
            UUID projectOrg = uuid(provider.getProject(provider.projectId().toString()).organizationId());
            if (!organization.equals(projectOrg)) {
                return ProbeResult.failed(PROJECT_IN_ORGANIZATION, "project " + provider.projectId() + " belongs to "
                        + "organization " + projectOrg + ", not to " + organization + ": fix "
                        + ScalewaySettings.PROJECT_ID);
            }
        } catch (ScalewayNotFoundException e) {
            return ProbeResult.failed(PROJECT_IN_ORGANIZATION, "project " + provider.projectId() + " does not exist "
                    + "or is not visible to this key (request id " + e.requestId() + "): fix " + ScalewaySettings.PROJECT_ID);
        } catch (ScalewayAccessDeniedException e) {
            return ProbeResult.failed(PROJECT_IN_ORGANIZATION, "the key may not read project " + provider.projectId()
                    + " (request id " + e.requestId() + "): grant it ProjectReadOnly or fix " + ScalewaySettings.PROJECT_ID);
        } catch (ScalewayException e) {
            return unreachable(e);
        }
        return ProbeResult.passed("access key " + ak + " exists, the secret key (" + provider.secretKeyFingerprint()
                + ") is accepted, the key belongs to organization " + organization + " (through " + via
                + ") and project " + provider.projectId() + " is in that organization");
    }

    private static String reason(ScalewayAccessDeniedException e) {
        return "method " + e.authenticationMethod() + ", reason " + e.authenticationReason() + ", request id "
                + e.requestId();
    }

    private static ProbeResult unreachable(ScalewayException e) {
        return ProbeResult.failed(API_REACHABLE, "the probe could not complete: " + e.getMessage());
    }

    private static UUID uuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
