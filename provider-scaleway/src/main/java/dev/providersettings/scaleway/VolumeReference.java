package dev.providersettings.scaleway;

import java.time.Instant;

/**
 * What a Block volume or snapshot is attached to.
 *
 * @param productResourceType e.g. {@code instance_server}
 * @param productResourceId   the server id
 * @param type                {@code exclusive}, {@code link}, {@code read_only}
 * @param status              {@code attaching attached detaching detached creating error}
 */
public record VolumeReference(String id, String productResourceType, String productResourceId, String type,
                              String status, Instant createdAt) {
}
