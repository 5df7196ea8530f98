package dev.providersettings.scaleway;

import java.time.Instant;

/** An IAM user. */
public record User(String id, String email, String organizationId, String type, String status, Instant createdAt,
                   Instant updatedAt) {
}
