package dev.providersettings.examples.springboot;

import dev.providersettings.OrganizationId;

import java.util.UUID;

/**
 * A deployment of one organization and the Scaleway volume created for it.
 *
 * @param id           the deployment id
 * @param organization the owning organization
 * @param name         a display name
 * @param zone         the Scaleway zone of the volume
 * @param volumeId     the Scaleway volume id
 */
public record Deployment(UUID id, OrganizationId organization, String name, String zone, String volumeId) {
}
