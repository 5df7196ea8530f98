package dev.providersettings.spring;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.ProviderSettingsException;
import dev.providersettings.Secret;
import dev.providersettings.postgres.ChangeFeedStatus;
import dev.providersettings.postgres.PostgresCredentialStore;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretCipher;
import dev.providersettings.spi.SecretContext;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Health of provider-settings, shown as {@code providerSettings} under {@code /actuator/health}. UP only when all
 * of these hold, each checked for real on every call:
 * <ul>
 *   <li><b>store</b>: one read of the store (a settings load of an organization that cannot exist) succeeds;</li>
 *   <li><b>changeFeed</b> (Postgres store with the feed enabled): a NOTIFY sent now through the pool comes back on
 *       the feed's listening connection within the configured timeout;</li>
 *   <li><b>keyRing</b>: the primary key encrypts and decrypts a probe value.</li>
 * </ul>
 * Details name key ids and exception types and messages of the library's own exceptions (which never carry
 * secrets); never a secret, a key or a JDBC URL.
 */
public class ProviderSettingsHealthIndicator implements HealthIndicator {
    /** The organization the probes use: the nil UUID, which no host assigns. */
    private static final OrganizationId PROBE_ORGANIZATION = OrganizationId.of(new UUID(0, 0));
    private static final ProviderCode PROBE_PROVIDER = ProviderCode.of("health");
    private static final SecretContext PROBE_CONTEXT = new SecretContext(PROBE_ORGANIZATION, PROBE_PROVIDER, "probe");

    private final CredentialStore store;
    private final SecretCipher cipher;
    private final boolean changeFeedExpected;
    private final Duration changeFeedTimeout;

    /**
     * @param store              the store to probe
     * @param cipher             the cipher whose primary key must work
     * @param changeFeedExpected whether the store should be listening for other nodes' changes
     * @param changeFeedTimeout  how long to wait for the change feed's answer
     */
    public ProviderSettingsHealthIndicator(CredentialStore store, SecretCipher cipher, boolean changeFeedExpected,
                                           Duration changeFeedTimeout) {
        this.store = Objects.requireNonNull(store, "store");
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.changeFeedExpected = changeFeedExpected;
        this.changeFeedTimeout = Objects.requireNonNull(changeFeedTimeout, "changeFeedTimeout");
    }

    @Override
    public Health health() {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();

        try {
            store.load(PROBE_ORGANIZATION, PROBE_PROVIDER);
            details.put("store", "reachable");
        } catch (RuntimeException e) {
            up = false;
            details.put("store", "unavailable: " + describe(e));
        }

        if (changeFeedExpected && store instanceof PostgresCredentialStore postgres) {
            // A NOTIFY sent through the pool must come back on the feed's own connection: a connection that is
            // open but deaf (e.g. LISTEN through a transaction pooler) fails this, a flag would not.
            boolean verified = postgres.verifyChangeFeed(changeFeedTimeout);
            ChangeFeedStatus status = postgres.changeFeedStatus();
            Map<String, Object> feed = new LinkedHashMap<>();
            feed.put("listening", verified);
            feed.put("reconnects", status.reconnects());
            if (status.lastVerifiedAt() != null) {
                feed.put("lastVerifiedAt", status.lastVerifiedAt().toString());
            }
            details.put("changeFeed", feed);
            up &= verified;
        }

        Map<String, Object> keyRing = new LinkedHashMap<>();
        try {
            keyRing.put("primaryKeyId", cipher.primaryKeyId());
            Secret probe = Secret.of("provider-settings-health-" + UUID.randomUUID());
            EncryptedSecret encrypted = cipher.encrypt(probe, PROBE_CONTEXT);
            boolean usable = cipher.decrypt(encrypted, PROBE_CONTEXT).equals(probe);
            keyRing.put("primaryUsable", usable);
            up &= usable;
        } catch (RuntimeException e) {
            up = false;
            keyRing.put("primaryUsable", false);
            keyRing.put("error", describe(e));
        }
        details.put("keyRing", keyRing);

        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    /** The library's own messages are free of secrets; anything else is reduced to its type. */
    private static String describe(RuntimeException e) {
        return e instanceof ProviderSettingsException
                ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : e.getClass().getSimpleName();
    }
}
