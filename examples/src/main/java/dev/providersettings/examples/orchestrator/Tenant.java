package dev.providersettings.examples.orchestrator;

import dev.providersettings.OrganizationId;
import dev.providersettings.scaleway.fake.FakeScaleway;
import dev.providersettings.scaleway.fake.RecordedRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.UUID;

/** One demo organization: its user and (when it has credentials) its Scaleway key. */
final class Tenant {
    final String name;
    final OrganizationId organization;
    final String userName;
    final UUID user;
    final String accessKey;
    final String secretKey;
    /** The Scaleway project (and organization: an organization's default project has its id), or null. */
    final UUID project;
    UUID instance;
    int requestedGb;
    String serverId;
    String volumeId;

    private Tenant(String name, OrganizationId organization, String userName, UUID user, String accessKey,
                   String secretKey, UUID project) {
        this.name = name;
        this.organization = organization;
        this.userName = userName;
        this.user = user;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.project = project;
    }

    /**
     * Creates the organization and its user; with credentials, registers a Scaleway organization and API key in
     * the fake and writes the key into the organization's seed sub-directory, as a deployment would mount it.
     */
    static Tenant create(HostDatabase host, FakeScaleway fake, String name, String userName, Path secrets,
                         boolean withCredentials) throws IOException {
        OrganizationId organization = host.createOrganization(name);
        UUID user = host.createUser(userName, organization);
        if (!withCredentials) {
            return new Tenant(name, organization, userName, user, null, null, null);
        }
        UUID scalewayOrganization = UUID.randomUUID();
        String accessKey = randomAccessKey();
        String secretKey = UUID.randomUUID().toString();
        fake.addApiKey(accessKey, secretKey, scalewayOrganization, scalewayOrganization);
        Path dir = Files.createDirectories(secrets.resolve(organization.toString()));
        write(dir.resolve("scaleway_secret_key"), secretKey);
        write(dir.resolve("scaleway_access_key"), accessKey);
        write(dir.resolve("scaleway_project_id"), scalewayOrganization.toString());
        write(dir.resolve("scaleway_organization_id"), scalewayOrganization.toString());
        return new Tenant(name, organization, userName, user, accessKey, secretKey, scalewayOrganization);
    }

    /** Whether the request concerns this tenant's instance's server or boot volume. */
    boolean touches(RecordedRequest request) {
        return (serverId != null && request.path().contains(serverId))
                || (volumeId != null && request.path().contains(volumeId));
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    }

    private static String randomAccessKey() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder("SCW");
        for (int i = 0; i < 17; i++) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }
}
