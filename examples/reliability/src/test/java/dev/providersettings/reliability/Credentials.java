package dev.providersettings.reliability;

import dev.providersettings.Secret;
import dev.providersettings.SettingsUpdate;
import dev.providersettings.scaleway.ScalewaySettings;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * One generation of an organization's Scaleway credentials. The secret is registered with {@link Evidence} when
 * created, so the hygiene suite searches every log and message for it. {@code toString} masks it.
 *
 * @param projectId   the project (UUID)
 * @param secretKey   the API secret key (UUID)
 * @param accessKey   the access key id ({@code SCW} + 17)
 * @param fingerprint the secret's fingerprint as {@link Secret#fingerprint()} computes it
 */
record Credentials(String projectId, String secretKey, String accessKey, String fingerprint) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    static Credentials random() {
        String secret = Evidence.secret(UUID.randomUUID().toString());
        StringBuilder access = new StringBuilder("SCW");
        for (int i = 0; i < 17; i++) {
            access.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new Credentials(UUID.randomUUID().toString(), secret, access.toString(), Secret.of(secret).fingerprint());
    }

    /** The update writing all three settings. */
    SettingsUpdate update() {
        return SettingsUpdate.builder()
                .set(ScalewaySettings.PROJECT_ID, projectId)
                .setSecret(ScalewaySettings.SECRET_KEY, Secret.of(secretKey))
                .set(ScalewaySettings.ACCESS_KEY, accessKey)
                .build();
    }

    @Override
    public String toString() {
        return "Credentials[project=" + projectId + ", accessKey=" + accessKey + ", secret=" + fingerprint + "]";
    }
}
