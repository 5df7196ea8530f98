package dev.providersettings.cli.internal;

import dev.providersettings.exception.CredentialStoreUnavailableException;
import dev.providersettings.OrganizationId;
import dev.providersettings.postgres.PostgresMigrations;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Read-only queries the store's SPI does not offer and an operator needs: the audit trail, who wrote each setting
 * last, how many secrets each encryption key holds, and the migration history. Plain JDBC over the library's
 * tables (named by {@code V2__provider_settings.sql} and {@code V3__provider_settings_audit.sql}); never a value.
 */
public final class Inventory {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DataSource dataSource;
    private final String prefix;

    public Inventory(DataSource dataSource, String schema) {
        if (schema != null && !IDENTIFIER.matcher(schema).matches()) {
            throw CliException.configuration("schema '" + schema + "' is not a plain identifier: use letters, digits "
                    + "and '_' (at most 63)");
        }
        this.dataSource = dataSource;
        this.prefix = schema == null ? "" : schema + ".";
    }

    /** One audit row: who wrote which key of which organization and provider, when, and which version. */
    public record AuditEntry(long id, Instant at, String actor, OrganizationId organization, String provider,
                             String key, String action, long version) {
    }

    /** One migration of the library's own history table. */
    public record Migration(int rank, String version, String description, Instant installedOn, int executionMillis,
                            boolean success) {
    }

    /** Recent audit rows of one organization, newest first. */
    public List<AuditEntry> audit(OrganizationId organization, String provider, Instant since, int limit) {
        String sql = "SELECT id, at, actor, organization_id, provider, key, action, version FROM " + prefix
                + "provider_settings_audit WHERE organization_id = ?"
                + (provider != null ? " AND provider = ?" : "") + (since != null ? " AND at >= ?" : "")
                + " ORDER BY at DESC, id DESC LIMIT ?";
        return query("audit trail", sql, s -> {
            int i = 1;
            s.setObject(i++, organization.value());
            if (provider != null) {
                s.setString(i++, provider);
            }
            if (since != null) {
                s.setTimestamp(i++, Timestamp.from(since));
            }
            s.setInt(i, limit);
        }, rs -> {
            List<AuditEntry> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                        OrganizationId.of(rs.getObject(4, UUID.class)), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getLong(8)));
            }
            return rows;
        });
    }

    /** Who wrote each current setting last: (organization, provider, key) → actor, for the given organizations. */
    public Map<String, String> lastActors(Collection<OrganizationId> organizations) {
        if (organizations.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT DISTINCT ON (organization_id, provider, key) organization_id, provider, key, actor FROM "
                + prefix + "provider_settings_audit WHERE organization_id = ANY (?) AND action <> 'delete'"
                + " ORDER BY organization_id, provider, key, id DESC";
        return query("audit trail", sql, s -> s.setArray(1, s.getConnection().createArrayOf("uuid",
                organizations.stream().map(OrganizationId::value).toArray())), rs -> {
            Map<String, String> actors = new HashMap<>();
            while (rs.next()) {
                actors.put(actorKey(OrganizationId.of(rs.getObject(1, UUID.class)), rs.getString(2), rs.getString(3)),
                        rs.getString(4));
            }
            return actors;
        });
    }

    /** The key of {@link #lastActors}'s map. */
    public static String actorKey(OrganizationId organization, String provider, String key) {
        return organization.value() + "/" + provider + "/" + key;
    }

    /** How many stored secrets each encryption key id holds, by key id. */
    public Map<String, Long> secretsByKeyId() {
        String sql = "SELECT secret_key_id, count(*) FROM " + prefix + "provider_settings WHERE value_type = 'secret'"
                + " GROUP BY secret_key_id ORDER BY secret_key_id";
        return query("secret inventory", sql, s -> { }, rs -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
            return counts;
        });
    }

    /** How many stored secrets are not under {@code keyId}. */
    public long secretsNotUnder(String keyId) {
        return secretsByKeyId().entrySet().stream().filter(e -> !e.getKey().equals(keyId))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The library's applied migrations (empty when its history table does not exist yet), oldest first. */
    public List<Migration> migrations() {
        String table = prefix + PostgresMigrations.HISTORY_TABLE;
        boolean exists = query("migration history", "SELECT to_regclass(?) IS NOT NULL", s -> s.setString(1, table),
                rs -> rs.next() && rs.getBoolean(1));
        if (!exists) {
            return List.of();
        }
        String sql = "SELECT installed_rank, version, description, installed_on, execution_time, success FROM " + table
                + " ORDER BY installed_rank";
        return query("migration history", sql, s -> { }, rs -> {
            List<Migration> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Migration(rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getInt(5), rs.getBoolean(6)));
            }
            return rows;
        });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String what, String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet rs = s.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("08") || state.startsWith("28") || state.equals("57P01") || state.isEmpty()) {
                throw new CredentialStoreUnavailableException("the database is unavailable for the " + what + " ("
                        + e.getMessage() + "): check the URL, the credentials and that the server is up", e);
            }
            if (state.equals("42P01")) {
                throw CliException.configuration("the " + what + " needs the library's tables, which do not exist in "
                        + (prefix.isEmpty() ? "the search path" : "schema " + prefix.substring(0, prefix.length() - 1))
                        + ": run 'provider-settings migrate' or fix --schema");
            }
            throw new CliException(ExitCode.INTERNAL, "the " + what + " query failed (SQL state " + state + "): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Inventory[" + prefix + "]";
    }
}
