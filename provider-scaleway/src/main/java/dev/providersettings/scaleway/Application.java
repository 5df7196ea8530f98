package dev.providersettings.scaleway;

import java.time.Instant;

/** An IAM application (a non-human principal that owns API keys). */
public record Application(String id, String name, String description, String organizationId, Instant createdAt,
                          Instant updatedAt, Boolean editable, Integer nbApiKeys) {
}
