package dev.providersettings.benchmarks;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderSettings;
import dev.providersettings.Secret;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.ScalewayProviderFactory;
import dev.providersettings.scaleway.ScalewaySettings;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The origin's {@code get_provider(name, organization_id)}, rebuilt faithfully as the baseline: on every call, look
 * the provider up by name, then run one query per setting key, decrypting the secret inside Postgres with
 * {@code pgp_sym_decrypt} (the passphrase travels in the query), then build a new client. No cache.
 * (The origin's decrypt query failed on stock Postgres; this one is the working form of it.)
 */
final class OriginProviders {
    private static final String PROVIDER_SQL = "SELECT id FROM " + BenchEnvironment.SCHEMA + ".origin_providers WHERE name = ?";
    private static final String SETTING_SQL = "SELECT CASE WHEN is_secret THEN pgp_sym_decrypt(value_encrypted, ?) "
            + "ELSE value END FROM " + BenchEnvironment.SCHEMA + ".origin_provider_settings "
            + "WHERE provider_id = ? AND key = ? AND organization_id = ?";

    private final DataSource dataSource;
    private final ScalewayProviderFactory factory;

    OriginProviders(DataSource dataSource, ScalewayProviderFactory factory) {
        this.dataSource = dataSource;
        this.factory = factory;
    }

    ScalewayProvider getProvider(String name, OrganizationId organization) {
        try (Connection c = dataSource.getConnection()) {
            int providerId;
            try (PreparedStatement s = c.prepareStatement(PROVIDER_SQL)) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("unknown provider " + name);
                    }
                    providerId = rs.getInt(1);
                }
            }
            Map<String, Object> values = new HashMap<>();
            for (String key : BenchEnvironment.KEYS) {
                try (PreparedStatement s = c.prepareStatement(SETTING_SQL)) {
                    s.setString(1, BenchEnvironment.ORIGIN_PASSPHRASE);
                    s.setInt(2, providerId);
                    s.setString(3, key);
                    s.setObject(4, organization.value());
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("organization has no " + key);
                        }
                        String value = rs.getString(1);
                        values.put(key, key.equals(ScalewaySettings.SECRET_KEY) ? Secret.of(value) : value);
                    }
                }
            }
            return factory.create(ProviderSettings.of(organization, ScalewayProviderFactory.CODE, values));
        } catch (SQLException e) {
            throw new IllegalStateException("origin look-up failed: " + e.getMessage(), e);
        }
    }
}
