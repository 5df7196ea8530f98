package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.postgres.internal.SqlErrors;
import dev.providersettings.postgres.internal.StoredValues;
import dev.providersettings.postgres.internal.jooq.tables.ProviderSettings;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.jooq.Condition;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.impl.DSL;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS;

/**
 * The store's reads. A load is one statement, the organizations table left-joined with the provider's settings, so
 * "unknown organization" and "no credentials" are told apart without a second read; it is rendered once
 * ({@link LoadStatement}) and read straight from JDBC, because it runs on every cold resolve.
 */
final class SettingsReads {
    private static final ProviderSettings PS = PROVIDER_SETTINGS;

    private final ScopedTransactions db;
    private final HostOrganizations organizations;
    private final LoadStatement singleLoad;
    private final LoadStatement bulkLoad;

    SettingsReads(ScopedTransactions db, HostOrganizations organizations) {
        this.db = db;
        this.organizations = organizations;
        this.singleLoad = new LoadStatement(false);
        this.bulkLoad = new LoadStatement(true);
    }

    Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizationIds) {
        Objects.requireNonNull(provider, "provider");
        List<OrganizationId> distinct = List.copyOf(new LinkedHashSet<>(organizationIds));
        LoadedRows loaded = new LoadedRows();
        try {
            for (List<OrganizationId> chunk : Chunks.of(distinct, Chunks.ORGANIZATIONS_PER_QUERY)) {
                // One statement: the organization row tells whether it exists, the joined rows are its settings.
                if (chunk.size() == 1) {
                    singleLoad.fetch(chunk.get(0), provider, loaded);
                } else {
                    bulkLoad.fetch(chunk, provider, loaded);
                }
            }
        } catch (RuntimeException e) {
            throw SqlErrors.translate("load of provider " + provider, e);
        }
        Map<OrganizationId, StoredSettings> result = new LinkedHashMap<>();
        for (OrganizationId org : distinct) {
            result.put(org, loaded.settingsOf(org, provider));
        }
        return result;
    }

    List<OrganizationId> listOrganizations() {
        try {
            List<OrganizationId> result = new ArrayList<>();
            for (UUID id : db.dsl().select(organizations.id()).from(organizations.table()).fetch(organizations.id())) {
                result.add(OrganizationId.of(id));
            }
            // OrganizationId's order (java.util.UUID) differs from Postgres' uuid order; sort like the callers do.
            result.sort(null);
            return result;
        } catch (RuntimeException e) {
            throw SqlErrors.translate("listing organizations", e);
        }
    }

    List<SecretRef> findSecretsNotEncryptedWith(String keyId, int limit) {
        if (keyId == null || keyId.isBlank()) {
            throw new InvalidSettingException("key id is " + (keyId == null ? "null" : "blank")
                    + ": pass the id of the key ring's primary key");
        }
        if (limit < 1) {
            throw new InvalidSettingException("limit is " + limit + ": pass at least 1");
        }
        try {
            var query = db.dsl().select(PS.ORGANIZATION_ID, PS.PROVIDER, PS.KEY, PS.VERSION, PS.SECRET_KEY_ID,
                            PS.SECRET_CIPHERTEXT)
                    .from(PS)
                    .where(PS.VALUE_TYPE.eq("secret"))
                    .and(PS.SECRET_KEY_ID.ne(keyId))
                    .orderBy(PS.ID)
                    .limit(limit);
            // Cross-organization by nature (a rotation rewraps everyone's secrets): a maintenance read.
            List<SecretRef> result = new ArrayList<>();
            for (Record r : db.fetch(Scope.MAINTENANCE, query)) {
                result.add(new SecretRef(OrganizationId.of(r.get(0, UUID.class)), ProviderCode.of(r.get(1, String.class)),
                        r.get(2, String.class), r.get(3, Long.class),
                        new EncryptedSecret(r.get(4, String.class), r.get(5, byte[].class))));
            }
            return result;
        } catch (RuntimeException e) {
            throw SqlErrors.translate("search of secrets to rewrap", e);
        }
    }

    /** The organizations table left-joined with the provider's settings of the organizations the condition picks. */
    private Select<? extends Record> loadQuery(String provider, Condition organizationCondition) {
        return db.dsl().select(organizations.id(), PS.KEY, PS.VALUE_TYPE, PS.TEXT_VALUE, PS.INT_VALUE,
                        PS.BOOL_VALUE, PS.JSON_VALUE, PS.SECRET_CIPHERTEXT, PS.SECRET_KEY_ID, PS.VERSION,
                        PS.UPDATED_AT)
                .from(organizations.table())
                .leftJoin(PS).on(PS.ORGANIZATION_ID.eq(organizations.id()).and(PS.PROVIDER.eq(provider)))
                .where(organizationCondition);
    }

    /**
     * Rows of a load, read straight from the {@link ResultSet} by the column positions of {@link #loadQuery}
     * (organization id, key, value type, the five value columns, key id, version, updated_at): no jOOQ records or
     * converters on the cold-resolve path.
     */
    private static final class LoadedRows {
        /** Organizations found, each with its settings (an empty map when it has none). */
        private final Map<OrganizationId, Map<String, StoredSetting>> found = new HashMap<>();

        /** Reads every row; {@code expected} (the organization of a single load, else null) spares a parse. */
        void read(ResultSet rows, OrganizationId expected) throws SQLException {
            while (rows.next()) {
                UUID id = rows.getObject(1, UUID.class);
                OrganizationId org = expected != null && expected.value().equals(id) ? expected : OrganizationId.of(id);
                Map<String, StoredSetting> settings = found.computeIfAbsent(org, o -> new HashMap<>());
                String key = rows.getString(2);
                if (key != null) {
                    settings.put(key, new StoredSetting(key, value(rows), rows.getLong(10),
                            rows.getObject(11, OffsetDateTime.class).toInstant()));
                }
            }
        }

        /** Only the value type's own column is read (the table's check constraint leaves the others null). */
        private static StoredValue value(ResultSet rows) throws SQLException {
            String type = rows.getString(3);
            switch (type) {
                case "text":
                    return StoredValues.read(type, rows.getString(4), null, null, null, null, null);
                case "integer":
                    long integer = rows.getLong(5);
                    return StoredValues.read(type, null, rows.wasNull() ? null : integer, null, null, null, null);
                case "boolean":
                    boolean bool = rows.getBoolean(6);
                    return StoredValues.read(type, null, null, rows.wasNull() ? null : bool, null, null, null);
                case "json":
                    return new StoredValue.Json(rows.getString(7));
                default:
                    return StoredValues.read(type, null, null, null, null, rows.getBytes(8), rows.getString(9));
            }
        }

        StoredSettings settingsOf(OrganizationId org, ProviderCode provider) {
            Map<String, StoredSetting> settings = found.get(org);
            return new StoredSettings(org, provider, settings != null, settings == null ? Map.of() : settings);
        }
    }

    /**
     * A load statement rendered once: its text never changes, only the organization(s) and provider bound to it, so
     * no call pays for rendering the jOOQ query and collecting its bind values. The optional prefix (same execution,
     * see {@link ScopedTransactions#fetch}) declares the row-level security scope and, for bulk loads, custom plans.
     */
    private final class LoadStatement {
        private final String sql;
        private final boolean prefixed;
        private final int providerIndex;
        private final int organizationIndex;

        LoadStatement(boolean bulk) {
            // Sentinels locate the two parameters in the rendered text, whatever order jOOQ renders them in.
            String providerSentinel = "provider-sentinel";
            UUID uuidSentinel = new UUID(0, 1);
            UUID[] arraySentinel = {uuidSentinel};
            Select<? extends Record> template = loadQuery(providerSentinel, bulk
                    ? organizations.id().eq(DSL.any(arraySentinel))
                    : organizations.id().eq(uuidSentinel));
            List<Object> binds = template.getBindValues();
            int organization = -1;
            for (int i = 0; i < binds.size(); i++) {
                Object bind = binds.get(i);
                if (uuidSentinel.equals(bind) || bind instanceof UUID[] array && Arrays.equals(array, arraySentinel)) {
                    organization = i;
                }
            }
            if (binds.size() != 2 || !binds.contains(providerSentinel) || organization < 0) {
                throw new IllegalStateException("unexpected parameters of the load query: " + binds);
            }
            String prefix = db.readPrefix(bulk);
            this.prefixed = prefix != null;
            this.sql = (prefixed ? prefix + "; " : "") + db.dsl().render(template);
            int first = db.rowLevelSecurity() ? 2 : 0;
            this.providerIndex = first + binds.indexOf(providerSentinel);
            this.organizationIndex = first + organization;
        }

        void fetch(OrganizationId organization, ProviderCode provider, LoadedRows into) {
            fetch(organization, organization.value(), Scope.of(organization), provider, into);
        }

        void fetch(List<OrganizationId> organizations, ProviderCode provider, LoadedRows into) {
            fetch(null, Chunks.uuids(organizations), Scope.of(organizations), provider, into);
        }

        private void fetch(OrganizationId single, Object organization, Scope scope, ProviderCode provider,
                           LoadedRows into) {
            boolean rowLevelSecurity = db.rowLevelSecurity();
            Object[] parameters = new Object[rowLevelSecurity ? 4 : 2];
            if (rowLevelSecurity) {
                parameters[0] = scope.organization();
                parameters[1] = scope.maintenance();
            }
            parameters[providerIndex] = provider.value();
            parameters[organizationIndex] = organization;
            db.execute(sql, parameters, prefixed, rows -> {
                into.read(rows, single);
                return null;
            });
        }
    }
}
