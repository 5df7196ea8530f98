package dev.providersettings.scaleway;

import java.time.Instant;

/** An Account project ({@code /account/v3/projects/{id}}). */
public record Project(String id, String name, String organizationId, String description, Instant createdAt,
                      Instant updatedAt) {
}
