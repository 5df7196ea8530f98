package dev.providersettings.scaleway;

import java.time.Instant;

/**
 * An IAM API key as {@code GET /iam/v1alpha1/api-keys/{access_key}} returns it. It has no organization: resolve it
 * through {@link #applicationId()}, {@link #userId()} or {@link #defaultProjectId()}. The API's {@code secret_key}
 * field (always null on reads) is deliberately not mapped.
 */
public record ApiKey(
        String accessKey,
        String applicationId,
        String userId,
        String description,
        String defaultProjectId,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        Boolean editable,
        String creationIp) {
}
