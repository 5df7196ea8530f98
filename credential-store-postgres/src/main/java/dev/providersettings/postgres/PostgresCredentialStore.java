package dev.providersettings.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.providersettings.exception.ConfigurationException;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SettingDefinition;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.internal.ChangeFeed;
import dev.providersettings.postgres.internal.Identifiers;
import dev.providersettings.postgres.internal.SqlErrors;
import dev.providersettings.postgres.internal.StoredValues;
import dev.providersettings.postgres.internal.Transactions;
import dev.providersettings.postgres.internal.UnnamedStatements;
import dev.providersettings.postgres.internal.jooq.tables.ProviderSettings;
import dev.providersettings.postgres.internal.jooq.tables.ProviderSettingsAudit;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.CredentialStore;
import dev.providersettings.spi.EncryptedSecret;
import dev.providersettings.spi.SecretRef;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import dev.providersettings.spi.StoredSetting;
import dev.providersettings.spi.StoredSettings;
import dev.providersettings.spi.StoredValue;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS;
import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS_AUDIT;
import static dev.providersettings.postgres.internal.jooq.Sequences.PROVIDER_SETTINGS_VERSION_SEQ;

/**
 * A {@link CredentialStore} on Postgres: typed values and ciphertext in {@code provider_settings}, an audit trail in
 * {@code provider_settings_audit}, change events through {@code LISTEN/NOTIFY}.
 *
 * <ul>
 *   <li>{@link #load} is one statement (the organizations table left-joined with the settings), so "unknown
 *       organization" and "no credentials" are told apart without a second read.</li>
 *   <li>{@link #save} is one transaction: it locks the batch's rows ({@code SELECT ... FOR UPDATE}), checks the
 *       expected versions, writes rows and audit rows, or writes nothing and throws {@link VersionConflictException}.
 *       A concurrent first insert of the same key or a deadlock repeats the whole transaction.</li>
 *   <li>{@link #saveAll} does the same for many organizations with a bounded number of statements (multi-row
 *       inserts, one batched update, array parameters), for seeding thousands of organizations.</li>
 *   <li>Connection failures surface as {@link dev.providersettings.exception.CredentialStoreUnavailableException}; the next
 *       call after the database is back succeeds.</li>
 *   <li>Safe behind a transaction pooler (PgBouncer) whatever the pool's pgjdbc settings: the store's own statements
 *       never use named server-side prepared statements (it sets {@code prepareThreshold} 0 on a connection while it
 *       uses it, and runs {@code BEGIN}/{@code COMMIT} as plain SQL). A prepared-statement or protocol error seen
 *       anyway is a {@link ConfigurationException} naming the fix.</li>
 * </ul>
 *
 * <p><b>Row-level security</b> (opt-in, {@link Builder#rowLevelSecurity(boolean)}): every operation declares in its
 * own transaction which rows it may touch, one organization's or, for cross-organization maintenance (bulk reads,
 * seeding several organizations, the rewrap search), all; the policies created by the migrations then hide every
 * other row from a role without {@code BYPASSRLS}, even if a query forgot its organization filter.
 *
 * <p><b>Ownership.</b> A {@link DataSource} handed to {@link Builder#dataSource(DataSource)} belongs to the caller
 * and is never closed here; a pool the store builds itself ({@link Builder#jdbc(String, String, String)}) is closed
 * by {@link #close()}, as is the change feed's dedicated connection.
 *
 * <pre>{@code
 * PostgresCredentialStore store = PostgresCredentialStore.builder()
 *         .dataSource(pool)
 *         .migrate(true)
 *         .changeFeed(true)
 *         .build();
 * }</pre>
 */
public final class PostgresCredentialStore implements CredentialStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCredentialStore.class);
    private static final ProviderSettings PS = PROVIDER_SETTINGS;
    private static final ProviderSettingsAudit AUDIT = PROVIDER_SETTINGS_AUDIT;
    /** Attempts of a transaction that lost a race (concurrent first insert, deadlock). */
    private static final int MAX_ATTEMPTS = 5;
    /** Rows per bulk statement (arrays bound as single parameters; the bound keeps each statement's memory modest). */
    private static final int ROWS_PER_STATEMENT = 10_000;
    /** Organizations per array-parameter query. */
    private static final int ORGANIZATIONS_PER_QUERY = 5000;
    private static final String UNKNOWN_ACTOR = "unknown";
    /**
     * Declares the transaction's rows for the row-level security policies ({@code V5__row_level_security_policies}).
     * Both variables are set every time, transaction-local ({@code is_local = true}), so nothing carries over to the
     * next user of a pooled connection.
     */
    private static final String SET_SCOPE = "select set_config('" + PostgresMigrations.ORGANIZATION_SETTING
            + "', {0}, true), set_config('" + PostgresMigrations.MAINTENANCE_SETTING + "', {1}, true)";
    private static final String SET_SCOPE_SQL = "select set_config('" + PostgresMigrations.ORGANIZATION_SETTING
            + "', ?, true), set_config('" + PostgresMigrations.MAINTENANCE_SETTING + "', ?, true)";
    /**
     * Custom plans for the rest of the transaction, for statements with array parameters ({@code = any(?)}) over
     * many organizations. pgjdbc prepares a statement server-side from its fifth execution on a connection, and
     * Postgres may then switch to a generic plan costed on the table's statistics at that time; when they say
     * "empty" (a first seeding, or {@code TRUNCATE} + {@code ANALYZE}) while the table holds thousands of rows, the
     * generic plan scans the whole table for every organization (measured: 6 s instead of 2 ms for the lock query
     * of 1,000 organizations). Planning each execution costs well under a millisecond for these statements.
     */
    private static final String CUSTOM_PLAN = "set_config('plan_cache_mode', 'force_custom_plan', true)";
    private static final String CUSTOM_PLAN_SQL = "select " + CUSTOM_PLAN;
    /**
     * Marks a transaction whose deletes the store audits itself (with the caller's actor), so that the trigger
     * auditing deletes made outside the store ({@code V7__truncate_notification_and_outside_deletes_audit}) does not
     * write them twice. Transaction-local, like the scope.
     */
    private static final Field<String> LIBRARY_AUDIT = DSL.field("set_config('"
            + PostgresMigrations.LIBRARY_AUDIT_SETTING + "', 'on', true)", SQLDataType.CLOB);
    private static final String SET_SCOPE_CUSTOM_PLAN_SQL = SET_SCOPE_SQL + ", " + CUSTOM_PLAN;

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final DSLContext dsl;
    private final Transactions transactions;
    private final String schema;
    private final String organizationsTableName;
    private final Table<?> organizations;
    private final Field<UUID> organizationId;
    private final List<Consumer<ChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ChangeFeed changeFeed;
    private final boolean rowLevelSecurity;
    private final LoadStatement singleLoad;
    private final LoadStatement bulkLoad;
    private volatile boolean closed;

    /** The rows an operation may touch under row-level security: one organization's, or all of them. */
    private record Scope(String organization, String maintenance) {
        static final Scope MAINTENANCE = new Scope("", "on");

        static Scope of(OrganizationId organization) {
            return new Scope(organization.value().toString(), "off");
        }

        static Scope of(List<OrganizationId> organizations) {
            return organizations.size() == 1 ? of(organizations.get(0)) : MAINTENANCE;
        }
    }

    private PostgresCredentialStore(Builder builder, DataSource dataSource, HikariDataSource ownedPool) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.rowLevelSecurity = builder.rowLevelSecurity;
        this.schema = builder.schema;
        List<String> tableParts = PostgresMigrations.qualify(schema, builder.organizationsTable);
        this.organizationsTableName = Identifiers.quote(tableParts);
        this.organizations = DSL.table(DSL.name(tableParts)).as("o");
        this.organizationId = DSL.field(DSL.name("o", builder.organizationsIdColumn), SQLDataType.UUID);

        Settings settings = new Settings()
                .withExecuteLogging(false) // bind values (ciphertext) stay out of logs
                .withRenderSchema(schema != null);
        if (schema != null) {
            // The classes are generated from schema "public"; queries go to the configured schema.
            settings = settings.withRenderMapping(new RenderMapping()
                    .withSchemata(new MappedSchema().withInput("public").withOutput(schema)));
        }
        Configuration configuration = new DefaultConfiguration()
                .set(new UnnamedStatements(dataSource))
                .set(SQLDialect.POSTGRES)
                .set(settings);
        this.dsl = DSL.using(configuration);
        this.transactions = new Transactions(dsl);
        this.singleLoad = new LoadStatement(false);
        this.bulkLoad = new LoadStatement(true);

        if (builder.changeFeed) {
            ChangeFeed.ConnectionOpener opener = builder.changeFeedOpener(dataSource);
            this.changeFeed = new ChangeFeed(opener, this::notifyThroughPool, PostgresMigrations.CHANNEL, schema,
                    this::publish, builder.reconnectInitialBackoff, builder.reconnectMaxBackoff,
                    builder.verifyInterval, builder.verifyTimeout);
            this.changeFeed.start(builder.changeFeedStartTimeout);
        } else {
            this.changeFeed = null;
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    // ----------------------------------------------------------------------------------------------- reads

    @Override
    public StoredSettings load(OrganizationId organization, ProviderCode provider) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        return loadMany(provider, List.of(organization)).get(organization);
    }

    @Override
    public Map<OrganizationId, StoredSettings> loadMany(ProviderCode provider, Collection<OrganizationId> organizationIds) {
        Objects.requireNonNull(provider, "provider");
        checkOpen();
        List<OrganizationId> distinct = List.copyOf(new LinkedHashSet<>(organizationIds));
        LoadedRows loaded = new LoadedRows();
        try {
            for (List<OrganizationId> chunk : chunks(distinct, ORGANIZATIONS_PER_QUERY)) {
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

    /** The organizations table left-joined with the provider's settings of the organizations the condition picks. */
    private Select<? extends Record> loadQuery(String provider, org.jooq.Condition organizationCondition) {
        return dsl.select(organizationId, PS.KEY, PS.VALUE_TYPE, PS.TEXT_VALUE, PS.INT_VALUE,
                        PS.BOOL_VALUE, PS.JSON_VALUE, PS.SECRET_CIPHERTEXT, PS.SECRET_KEY_ID, PS.VERSION,
                        PS.UPDATED_AT)
                .from(organizations)
                .leftJoin(PS).on(PS.ORGANIZATION_ID.eq(organizationId).and(PS.PROVIDER.eq(provider)))
                .where(organizationCondition);
    }

    /**
     * Rows of a load, read straight from the {@link ResultSet} by the column positions of {@link #loadQuery}
     * (organization id, key, value type, the five value columns, key id, version, updated_at): no jOOQ records or
     * converters on the cold-resolve path (they cost about as much client CPU as the database's work, measured).
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
     * A load statement rendered once: its text never changes, only the organization(s) and provider bound to it.
     * Rendering the jOOQ query and collecting its bind values on every call cost about 40 µs of client CPU per load
     * (measured), as much as the database's work. The optional prefix (same execution, see {@link #execute}) declares
     * the row-level security scope and, for bulk loads, custom plans ({@link #CUSTOM_PLAN}).
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
                    ? organizationId.eq(DSL.any(arraySentinel))
                    : organizationId.eq(uuidSentinel));
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
            String prefix = rowLevelSecurity ? (bulk ? SET_SCOPE_CUSTOM_PLAN_SQL : SET_SCOPE_SQL)
                    : (bulk ? CUSTOM_PLAN_SQL : null);
            this.prefixed = prefix != null;
            this.sql = (prefixed ? prefix + "; " : "") + dsl.render(template);
            int first = rowLevelSecurity ? 2 : 0;
            this.providerIndex = first + binds.indexOf(providerSentinel);
            this.organizationIndex = first + organization;
        }

        void fetch(OrganizationId organization, ProviderCode provider, LoadedRows into) {
            fetch(organization, organization.value(), Scope.of(organization), provider, into);
        }

        void fetch(List<OrganizationId> organizations, ProviderCode provider, LoadedRows into) {
            fetch(null, uuids(organizations), Scope.of(organizations), provider, into);
        }

        private void fetch(OrganizationId single, Object organization, Scope scope, ProviderCode provider,
                           LoadedRows into) {
            Object[] parameters = new Object[rowLevelSecurity ? 4 : 2];
            if (rowLevelSecurity) {
                parameters[0] = scope.organization();
                parameters[1] = scope.maintenance();
            }
            parameters[providerIndex] = provider.value();
            parameters[organizationIndex] = organization;
            execute(sql, parameters, prefixed, rows -> {
                into.read(rows, single);
                return null;
            });
        }
    }

    @Override
    public List<OrganizationId> listOrganizations() {
        checkOpen();
        try {
            List<OrganizationId> result = new ArrayList<>();
            for (UUID id : dsl.select(organizationId).from(organizations).fetch(organizationId)) {
                result.add(OrganizationId.of(id));
            }
            // OrganizationId's order (java.util.UUID) differs from Postgres' uuid order; sort like the callers do.
            result.sort(null);
            return result;
        } catch (RuntimeException e) {
            throw SqlErrors.translate("listing organizations", e);
        }
    }

    @Override
    public List<SecretRef> findSecretsNotEncryptedWith(String keyId, int limit) {
        if (keyId == null || keyId.isBlank()) {
            throw new InvalidSettingException("key id is " + (keyId == null ? "null" : "blank")
                    + ": pass the id of the key ring's primary key");
        }
        if (limit < 1) {
            throw new InvalidSettingException("limit is " + limit + ": pass at least 1");
        }
        checkOpen();
        try {
            var query = dsl.select(PS.ORGANIZATION_ID, PS.PROVIDER, PS.KEY, PS.VERSION, PS.SECRET_KEY_ID,
                            PS.SECRET_CIPHERTEXT)
                    .from(PS)
                    .where(PS.VALUE_TYPE.eq("secret"))
                    .and(PS.SECRET_KEY_ID.ne(keyId))
                    .orderBy(PS.ID)
                    .limit(limit);
            // Cross-organization by nature (a rotation rewraps everyone's secrets): a maintenance read.
            List<SecretRef> result = new ArrayList<>();
            for (Record r : fetch(Scope.MAINTENANCE, query)) {
                result.add(new SecretRef(OrganizationId.of(r.get(0, UUID.class)), ProviderCode.of(r.get(1, String.class)),
                        r.get(2, String.class), r.get(3, Long.class),
                        new EncryptedSecret(r.get(4, String.class), r.get(5, byte[].class))));
            }
            return result;
        } catch (RuntimeException e) {
            throw SqlErrors.translate("search of secrets to rewrap", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- writes

    @Override
    public Map<String, Long> save(SettingsBatch batch) {
        Objects.requireNonNull(batch, "batch");
        return apply(List.of(batch)).get(0);
    }

    @Override
    public void saveAll(List<SettingsBatch> batches) {
        Objects.requireNonNull(batches, "batches");
        if (!batches.isEmpty()) {
            apply(batches);
        }
    }

    @Override
    public int deleteAll(OrganizationId organization, ProviderCode provider, String actor) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        checkOpen();
        int deleted;
        try {
            deleted = transactions.run(tx -> {
                setScope(tx, Scope.of(organization));
                tx.select(LIBRARY_AUDIT).fetch();
                var rows = tx.deleteFrom(PS)
                        .where(PS.ORGANIZATION_ID.eq(organization.value()))
                        .and(PS.PROVIDER.eq(provider.value()))
                        .returning(PS.KEY, PS.VERSION)
                        .fetch();
                List<Object[]> audits = new ArrayList<>();
                for (var row : rows) {
                    audits.add(new Object[]{actorOf(actor), organization.value(), provider.value(), row.get(PS.KEY),
                            "delete", row.get(PS.VERSION)});
                }
                if (!audits.isEmpty()) {
                    insertAudit(tx, audits);
                }
                return rows.size();
            });
        } catch (RuntimeException e) {
            throw SqlErrors.translate("deletion of the settings of provider " + provider, e);
        }
        if (deleted > 0) {
            publish(new ChangeEvent(organization, provider));
        }
        return deleted;
    }

    private List<Map<String, Long>> apply(List<SettingsBatch> batches) {
        checkOpen();
        validate(batches);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                List<Map<String, Long>> versions = transactions.run(tx -> applyInTransaction(tx, batches));
                for (SettingsBatch batch : batches) {
                    if (!batch.writes().isEmpty()) {
                        publish(new ChangeEvent(batch.organization(), batch.provider()));
                    }
                }
                return versions;
            } catch (VersionConflictException | MissingOrganizationException | InvalidSettingException e) {
                throw e;
            } catch (RuntimeException e) {
                if (SqlErrors.isForeignKeyViolation(e)) {
                    // The organization was deleted between our check and the insert.
                    throw missingOrganization(batches.size() == 1 ? batches.get(0).organization() : null, e);
                }
                if (!SqlErrors.isRetryableConflict(e)) {
                    throw SqlErrors.translate("save of provider settings", e);
                }
                // A concurrent transaction inserted one of our absent keys first, or a deadlock: repeat; the repeat
                // sees the other's row and checks versions against it.
                last = e;
                LOG.debug("save lost a race (SQLState {}), attempt {} of {}", SqlErrors.sqlState(e), attempt, MAX_ATTEMPTS);
            }
        }
        throw SqlErrors.translate("save of provider settings (after " + MAX_ATTEMPTS + " attempts)", last);
    }

    private static void validate(List<SettingsBatch> batches) {
        Set<List<Object>> pairs = new HashSet<>();
        for (SettingsBatch batch : batches) {
            Objects.requireNonNull(batch, "batch");
            Objects.requireNonNull(batch.organization(), "batch organization");
            Objects.requireNonNull(batch.provider(), "batch provider");
            if (!pairs.add(List.of(batch.organization(), batch.provider()))) {
                throw new InvalidSettingException("two batches write organization " + batch.organization()
                        + ", provider " + batch.provider() + " (nothing was written): merge them into one batch");
            }
            Set<String> keys = new HashSet<>();
            for (SettingWrite write : batch.writes()) {
                SettingDefinition.checkKey(write.key());
                if (!keys.add(write.key())) {
                    throw new InvalidSettingException("key " + write.key() + " appears twice in one batch for organization "
                            + batch.organization() + ", provider " + batch.provider() + " (nothing was written): write each key once");
                }
                if (write.expectedVersion() < SettingWrite.ANY_VERSION) {
                    throw new InvalidSettingException("expected version " + write.expectedVersion() + " of key " + write.key()
                            + " is invalid (nothing was written): use SettingWrite.ANY_VERSION, SettingWrite.ABSENT or a stored version");
                }
                if (write.value() != null) {
                    StoredValues.of(write.value()); // rejects null text before anything is written
                }
            }
        }
    }

    /** A row as locked: its id and version. */
    private record Current(long id, long version) {
    }

    private List<Map<String, Long>> applyInTransaction(DSLContext tx, List<SettingsBatch> batches) {
        List<OrganizationId> orgs = batches.stream().map(SettingsBatch::organization).distinct().toList();
        // Several organizations: the existence check and the lock query bind arrays (= any(?)), custom plans.
        setScope(tx, Scope.of(orgs), orgs.size() > 1);
        checkOrganizationsExist(tx, orgs);

        // Lock every row the batches may touch, in a fixed order (fewer deadlocks between concurrent batches).
        Map<List<Object>, Current> current = new HashMap<>();
        String[] providers = batches.stream().map(b -> b.provider().value()).distinct().toArray(String[]::new);
        String[] keys = batches.stream().flatMap(b -> b.writes().stream()).map(SettingWrite::key).distinct()
                .toArray(String[]::new);
        if (keys.length > 0) {
            for (List<OrganizationId> chunk : chunks(orgs, ORGANIZATIONS_PER_QUERY)) {
                var rows = tx.select(PS.ID, PS.ORGANIZATION_ID, PS.PROVIDER, PS.KEY, PS.VERSION)
                        .from(PS)
                        .where(chunk.size() == 1
                                ? PS.ORGANIZATION_ID.eq(chunk.get(0).value())
                                : PS.ORGANIZATION_ID.eq(DSL.any(uuids(chunk))))
                        .and(providers.length == 1 ? PS.PROVIDER.eq(providers[0]) : PS.PROVIDER.eq(DSL.any(providers)))
                        .and(keys.length == 1 ? PS.KEY.eq(keys[0]) : PS.KEY.eq(DSL.any(keys)))
                        .orderBy(PS.ORGANIZATION_ID, PS.PROVIDER, PS.KEY)
                        .forUpdate()
                        .fetch();
                for (var row : rows) {
                    current.put(List.of(row.value2(), row.value3(), row.value4()), new Current(row.value1(), row.value5()));
                }
            }
        }

        // Check every expected version before writing anything.
        for (SettingsBatch batch : batches) {
            UUID org = batch.organization().value();
            String provider = batch.provider().value();
            for (SettingWrite write : batch.writes()) {
                Current row = current.get(List.of(org, provider, write.key()));
                long actual = row == null ? 0 : row.version();
                if (write.expectedVersion() != SettingWrite.ANY_VERSION && write.expectedVersion() != actual) {
                    throw new VersionConflictException(batch.organization(), batch.provider(), write.key(),
                            write.expectedVersion(), actual);
                }
            }
        }
        // One version for every key this transaction writes, drawn from the store-wide counter after the rows are
        // locked: greater than every version they hold (a concurrent writer of the same rows committed before the
        // lock was granted, and drew its version before ours) and never used before by any key, so a version read
        // before a delete and re-create can never match again. Same statement: the delete-audit marker.
        long next = keys.length == 0 ? 0 : tx.select(PROVIDER_SETTINGS_VERSION_SEQ.nextval(), LIBRARY_AUDIT).fetchOne().value1();
        List<Map<String, Long>> result = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Long> deletes = new ArrayList<>();
        List<Object[]> audits = new ArrayList<>();
        for (SettingsBatch batch : batches) {
            Map<String, Long> versions = new LinkedHashMap<>();
            UUID org = batch.organization().value();
            String provider = batch.provider().value();
            String actor = actorOf(batch.actor());
            for (SettingWrite write : batch.writes()) {
                Current row = current.get(List.of(org, provider, write.key()));
                if (write.isDelete()) {
                    versions.put(write.key(), 0L);
                    if (row != null) {
                        deletes.add(row.id());
                        audits.add(new Object[]{actor, org, provider, write.key(), "delete", row.version()});
                    }
                    continue;
                }
                StoredValues v = StoredValues.of(write.value());
                versions.put(write.key(), next);
                if (row == null) {
                    inserts.add(new Object[]{org, provider, write.key(), v});
                    audits.add(new Object[]{actor, org, provider, write.key(), "insert", next});
                } else {
                    updates.add(new Object[]{v, next, row.id()});
                    audits.add(new Object[]{actor, org, provider, write.key(), "update", next});
                }
            }
            result.add(versions);
        }

        for (List<Object[]> chunk : chunks(inserts, ROWS_PER_STATEMENT)) {
            insertRows(tx, chunk, next);
        }
        for (List<Object[]> chunk : chunks(updates, ROWS_PER_STATEMENT)) {
            updateRows(tx, chunk);
        }
        if (!deletes.isEmpty()) {
            tx.deleteFrom(PS).where(PS.ID.eq(DSL.any(deletes.toArray(Long[]::new)))).execute();
        }
        for (List<Object[]> chunk : chunks(audits, ROWS_PER_STATEMENT)) {
            insertAudit(tx, chunk);
        }
        return result;
    }

    // Bulk statements bind one array per column and unnest them server-side: a statement's text and parameter
    // count stay the same whatever the number of rows (no 65,535-parameter limit, little rendering work).
    // Ciphertext travels hex-encoded and JSON as text, so every array is of a plain type.

    /** Columns of value rows as arrays. */
    private static final class ValueArrays {
        final String[] types;
        final String[] texts;
        final Long[] integers;
        final Boolean[] bools;
        final String[] jsons;
        final String[] ciphertexts;
        final String[] keyIds;

        ValueArrays(List<StoredValues> values) {
            int n = values.size();
            types = new String[n];
            texts = new String[n];
            integers = new Long[n];
            bools = new Boolean[n];
            jsons = new String[n];
            ciphertexts = new String[n];
            keyIds = new String[n];
            for (int i = 0; i < n; i++) {
                StoredValues v = values.get(i);
                types[i] = v.valueType();
                texts[i] = v.text();
                integers[i] = v.integer();
                bools[i] = v.bool();
                jsons[i] = v.json() == null ? null : v.json().data();
                ciphertexts[i] = v.ciphertext() == null ? null : HEX.formatHex(v.ciphertext());
                keyIds[i] = v.keyId();
            }
        }
    }

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();
    private static final String VALUE_COLUMNS = "cast({%d} as text[]), cast({%d} as text[]), cast({%d} as bigint[]),"
            + " cast({%d} as boolean[]), cast({%d} as text[]), cast({%d} as text[]), cast({%d} as text[])";

    private static String valueColumns(int first) {
        return String.format(java.util.Locale.ROOT, VALUE_COLUMNS, first, first + 1, first + 2, first + 3, first + 4,
                first + 5, first + 6);
    }

    private static <T> Field<T> v(String column, org.jooq.DataType<T> type) {
        return DSL.field(DSL.name("v", column), type);
    }

    private static final Field<String> V_TYPE = v("value_type", SQLDataType.CLOB);
    private static final Field<String> V_TEXT = v("text_value", SQLDataType.CLOB);
    private static final Field<Long> V_INT = v("int_value", SQLDataType.BIGINT);
    private static final Field<Boolean> V_BOOL = v("bool_value", SQLDataType.BOOLEAN);
    private static final Field<org.jooq.JSONB> V_JSON =
            DSL.field("cast({0} as jsonb)", SQLDataType.JSONB, v("json_value", SQLDataType.CLOB));
    private static final Field<byte[]> V_CIPHERTEXT =
            DSL.field("decode({0}, 'hex')", SQLDataType.BLOB, v("ciphertext_hex", SQLDataType.CLOB));
    private static final Field<String> V_KEY_ID = v("secret_key_id", SQLDataType.CLOB);

    private static final String[] VALUE_NAMES = {"value_type", "text_value", "int_value", "bool_value", "json_value",
            "ciphertext_hex", "secret_key_id"};

    private static String[] names(String... first) {
        String[] all = new String[first.length + VALUE_NAMES.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(VALUE_NAMES, 0, all, first.length, VALUE_NAMES.length);
        return all;
    }

    private static void insertRows(DSLContext tx, List<Object[]> rows, long version) {
        int n = rows.size();
        UUID[] orgs = new UUID[n];
        String[] providers = new String[n];
        String[] keys = new String[n];
        List<StoredValues> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object[] row = rows.get(i);
            orgs[i] = (UUID) row[0];
            providers[i] = (String) row[1];
            keys[i] = (String) row[2];
            values.add((StoredValues) row[3]);
        }
        ValueArrays a = new ValueArrays(values);
        Table<?> source = DSL.table("unnest(cast({0} as uuid[]), cast({1} as text[]), cast({2} as text[]), " + valueColumns(3) + ")",
                        DSL.val(orgs), DSL.val(providers), DSL.val(keys), DSL.val(a.types), DSL.val(a.texts),
                        DSL.val(a.integers), DSL.val(a.bools), DSL.val(a.jsons), DSL.val(a.ciphertexts), DSL.val(a.keyIds))
                .as("v", names("organization_id", "provider", "key"));
        tx.insertInto(PS, PS.ORGANIZATION_ID, PS.PROVIDER, PS.KEY, PS.VALUE_TYPE, PS.TEXT_VALUE, PS.INT_VALUE,
                        PS.BOOL_VALUE, PS.JSON_VALUE, PS.SECRET_CIPHERTEXT, PS.SECRET_KEY_ID, PS.VERSION)
                .select(DSL.select(v("organization_id", SQLDataType.UUID), v("provider", SQLDataType.CLOB),
                                v("key", SQLDataType.CLOB), V_TYPE, V_TEXT, V_INT, V_BOOL, V_JSON, V_CIPHERTEXT, V_KEY_ID,
                                DSL.val(version))
                        .from(source))
                .execute();
    }

    private static void updateRows(DSLContext tx, List<Object[]> rows) {
        // Every value column is set, so a key may change its type; the rows were locked above.
        int n = rows.size();
        Long[] ids = new Long[n];
        Long[] versions = new Long[n];
        List<StoredValues> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object[] row = rows.get(i);
            values.add((StoredValues) row[0]);
            versions[i] = (Long) row[1];
            ids[i] = (Long) row[2];
        }
        ValueArrays a = new ValueArrays(values);
        Table<?> source = DSL.table("unnest(cast({0} as bigint[]), cast({1} as bigint[]), " + valueColumns(2) + ")",
                        DSL.val(ids), DSL.val(versions), DSL.val(a.types), DSL.val(a.texts), DSL.val(a.integers),
                        DSL.val(a.bools), DSL.val(a.jsons), DSL.val(a.ciphertexts), DSL.val(a.keyIds))
                .as("v", names("id", "version"));
        tx.update(PS)
                .set(PS.VALUE_TYPE, V_TYPE)
                .set(PS.TEXT_VALUE, V_TEXT)
                .set(PS.INT_VALUE, V_INT)
                .set(PS.BOOL_VALUE, V_BOOL)
                .set(PS.JSON_VALUE, V_JSON)
                .set(PS.SECRET_CIPHERTEXT, V_CIPHERTEXT)
                .set(PS.SECRET_KEY_ID, V_KEY_ID)
                .set(PS.VERSION, v("version", SQLDataType.BIGINT))
                .set(PS.UPDATED_AT, DSL.currentOffsetDateTime())
                .from(source)
                .where(PS.ID.eq(v("id", SQLDataType.BIGINT)))
                .execute();
    }

    /** Audit rows: actor, organization, provider, key, action, version. */
    private static void insertAudit(DSLContext tx, List<Object[]> rows) {
        int n = rows.size();
        String[] actors = new String[n];
        UUID[] orgs = new UUID[n];
        String[] providers = new String[n];
        String[] keys = new String[n];
        String[] actions = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            Object[] row = rows.get(i);
            actors[i] = (String) row[0];
            orgs[i] = (UUID) row[1];
            providers[i] = (String) row[2];
            keys[i] = (String) row[3];
            actions[i] = (String) row[4];
            versions[i] = (Long) row[5];
        }
        Table<?> source = DSL.table("unnest(cast({0} as text[]), cast({1} as uuid[]), cast({2} as text[]),"
                                + " cast({3} as text[]), cast({4} as text[]), cast({5} as bigint[]))",
                        DSL.val(actors), DSL.val(orgs), DSL.val(providers), DSL.val(keys), DSL.val(actions), DSL.val(versions))
                .as("v", "actor", "organization_id", "provider", "key", "action", "version");
        tx.insertInto(AUDIT, AUDIT.ACTOR, AUDIT.ORGANIZATION_ID, AUDIT.PROVIDER, AUDIT.KEY, AUDIT.ACTION, AUDIT.VERSION)
                .select(DSL.select(v("actor", SQLDataType.CLOB), v("organization_id", SQLDataType.UUID),
                        v("provider", SQLDataType.CLOB), v("key", SQLDataType.CLOB), v("action", SQLDataType.CLOB),
                        v("version", SQLDataType.BIGINT)).from(source))
                .execute();
    }

    private void checkOrganizationsExist(DSLContext tx, List<OrganizationId> orgs) {
        Set<UUID> found = new HashSet<>();
        for (List<OrganizationId> chunk : chunks(orgs, ORGANIZATIONS_PER_QUERY)) {
            found.addAll(tx.select(organizationId).from(organizations)
                    .where(chunk.size() == 1
                            ? organizationId.eq(chunk.get(0).value())
                            : organizationId.eq(DSL.any(uuids(chunk))))
                    .fetch(organizationId));
        }
        for (OrganizationId org : orgs) {
            if (!found.contains(org.value())) {
                throw missingOrganization(org, null);
            }
        }
    }

    /**
     * Runs a read. With row-level security the scope is set in the same round trip and the same (implicit)
     * transaction: two statements in one JDBC execution ({@code select set_config(...); select ...}), which pgjdbc
     * sends before a single Sync, so Postgres runs them in order inside one transaction and the transaction-local
     * setting is gone afterwards. (A single statement cannot do it reliably: Postgres does not promise to evaluate a
     * {@code set_config} in one part of a query before the policy's {@code current_setting} in another.) The select
     * is rendered by jOOQ but bound and read with plain JDBC and its typed fields: jOOQ's plain-SQL multi-result path
     * ({@code fetchMany}) cost about 25 µs more client CPU per load (measured).
     */
    private List<? extends Record> fetch(Scope scope, Select<? extends Record> query) {
        if (!rowLevelSecurity) {
            return query.fetch();
        }
        List<Object> binds = new ArrayList<>();
        binds.add(scope.organization());
        binds.add(scope.maintenance());
        binds.addAll(query.getBindValues());
        Field<?>[] fields = query.getSelect().toArray(Field<?>[]::new);
        return execute(SET_SCOPE_SQL + "; " + dsl.render(query), binds.toArray(), true,
                rows -> DSL.using(SQLDialect.POSTGRES, dsl.settings()).fetch(rows, fields));
    }

    /** Reads a result set. */
    @FunctionalInterface
    private interface RowsReader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /**
     * Runs {@code sql} with plain JDBC, in one execution, and reads its last result with {@code reader}. With
     * {@code prefixed}, {@code sql} is {@code select set_config(...); <select>} and the prefix's result is skipped
     * (see {@link #fetch(Scope, Select)} for why both run in one transaction). Arrays are bound as Postgres arrays.
     */
    private <T> T execute(String sql, Object[] binds, boolean prefixed, RowsReader<T> reader) {
        return dsl.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int index = 1;
                for (Object bind : binds) {
                    if (bind instanceof UUID[] uuids) {
                        statement.setArray(index++, connection.createArrayOf("uuid", uuids));
                    } else if (bind instanceof String[] strings) {
                        statement.setArray(index++, connection.createArrayOf("text", strings));
                    } else {
                        statement.setObject(index++, bind);
                    }
                }
                statement.execute();
                if (prefixed) {
                    statement.getResultSet().close();
                    if (!statement.getMoreResults()) {
                        throw new IllegalStateException("the prefixed read returned no second result set");
                    }
                }
                try (ResultSet rows = statement.getResultSet()) {
                    return reader.read(rows);
                }
            }
        });
    }

    /** Declares the transaction's rows for the row-level security policies (no-op when it is off). */
    private void setScope(DSLContext tx, Scope scope) {
        setScope(tx, scope, false);
    }

    /**
     * Declares the transaction's rows for the row-level security policies and, with {@code customPlans}, asks for
     * custom plans ({@link #CUSTOM_PLAN}); one statement for both, none when there is nothing to declare.
     */
    private void setScope(DSLContext tx, Scope scope, boolean customPlans) {
        if (rowLevelSecurity) {
            tx.fetch(customPlans ? SET_SCOPE + ", " + CUSTOM_PLAN : SET_SCOPE,
                    DSL.val(scope.organization()), DSL.val(scope.maintenance()));
        } else if (customPlans) {
            tx.fetch(CUSTOM_PLAN_SQL);
        }
    }

    private MissingOrganizationException missingOrganization(OrganizationId org, Throwable cause) {
        MissingOrganizationException e = new MissingOrganizationException(org, "organization "
                + (org == null ? "of the batch" : org.toString()) + " does not exist in " + organizationsTableName
                + " (nothing was written): create the organization first, or check the id");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static String actorOf(String actor) {
        return actor == null || actor.isBlank() ? UNKNOWN_ACTOR : actor;
    }

    // ----------------------------------------------------------------------------------------- change feed

    @Override
    public Subscription subscribe(Consumer<ChangeEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Whether the change feed currently hears notifications: it holds a listening connection and its last probe (a
     * NOTIFY sent through the pool, at start and then periodically) came back on it. False while it reconnects, when
     * its connection hears nothing (e.g. a LISTEN through a transaction pooler), or when it was not enabled. Useful
     * for health checks; {@link #changeFeedStatus()} tells more.
     */
    public boolean isChangeFeedListening() {
        return changeFeed != null && changeFeed.isListening();
    }

    /** The change feed's state for health checks and metrics (see {@link ChangeFeedStatus}). */
    public ChangeFeedStatus changeFeedStatus() {
        if (changeFeed == null) {
            return new ChangeFeedStatus(false, false, 0, null);
        }
        return new ChangeFeedStatus(true, changeFeed.isListening(), changeFeed.reconnects(), changeFeed.lastVerifiedAt());
    }

    /**
     * Verifies the change feed now: sends a NOTIFY with a random payload through the pool and waits up to
     * {@code timeout} for it on the feed's connection. Blocks the caller for at most about {@code timeout} (plus the
     * pool's connection timeout if the pool is exhausted).
     *
     * @return whether the notification arrived in time; false when the feed is not enabled, not connected, or the
     *         probe could not be sent. A late probe also makes the feed re-check itself with its own timeout.
     */
    public boolean verifyChangeFeed(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new InvalidSettingException("timeout " + timeout + " is negative: pass a positive duration");
        }
        return changeFeed != null && !closed && changeFeed.verify(timeout);
    }

    /** Sends a change feed probe through the pool (another session, like a real write). */
    private void notifyThroughPool(String channel, String payload) {
        dsl.connectionResult(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select pg_notify(?, ?)")) {
                statement.setString(1, channel);
                statement.setString(2, payload);
                statement.execute();
            }
            return null;
        });
    }

    private void publish(ChangeEvent event) {
        for (Consumer<ChangeEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a change listener failed on {}: {}", event, e.toString());
            }
        }
    }

    /** Stops the change feed and closes the pool the store built itself; never a pool it was handed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (changeFeed != null) {
            changeFeed.close();
        }
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ConfigurationException("the PostgresCredentialStore is closed: build a new one");
        }
    }

    @Override
    public String toString() {
        return "PostgresCredentialStore[schema=" + (schema == null ? "<search_path>" : schema)
                + ", organizations=" + organizationsTableName + ", changeFeed=" + (changeFeed != null)
                + ", rowLevelSecurity=" + rowLevelSecurity + "]";
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static UUID[] uuids(List<OrganizationId> orgs) {
        return orgs.stream().map(OrganizationId::value).toArray(UUID[]::new);
    }

    private static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            chunks.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return chunks;
    }

    /** Builder of {@link PostgresCredentialStore}. */
    public static final class Builder {
        private DataSource dataSource;
        private String jdbcUrl;
        private String user;
        private String password;
        private String schema;
        private String organizationsTable = "organizations";
        private String organizationsIdColumn = "id";
        private boolean migrate;
        private boolean createOrganizationsTable;
        private boolean rowLevelSecurity;
        private boolean changeFeed;
        private String feedUrl;
        private String feedUser;
        private String feedPassword;
        private DataSource feedDataSource;
        private Duration reconnectInitialBackoff = Duration.ofMillis(100);
        private Duration reconnectMaxBackoff = Duration.ofSeconds(5);
        private Duration changeFeedStartTimeout = Duration.ofSeconds(5);
        private Duration verifyInterval = Duration.ofSeconds(30);
        private Duration verifyTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** The pool to use; it stays the caller's: the store never closes it. */
        public Builder dataSource(DataSource value) {
            this.dataSource = value;
            return this;
        }

        /** Builds a HikariCP pool ({@link PostgresDataSources#hikari}) that the store owns and closes. */
        public Builder jdbc(String url, String user, String password) {
            this.jdbcUrl = url;
            this.user = user;
            this.password = password;
            return this;
        }

        /** The schema holding the library's tables; default: the connection's search path. */
        public Builder schema(String value) {
            this.schema = value == null ? null : Identifiers.check("schema", value);
            return this;
        }

        /** The host's organizations table and uuid key column (default {@code organizations(id)}). */
        public Builder organizationsTable(String table, String idColumn) {
            Identifiers.checkQualified("organizations table", table);
            this.organizationsTable = table;
            this.organizationsIdColumn = Identifiers.check("organizations id column", idColumn);
            return this;
        }

        /** Whether {@link #build()} applies pending migrations first (default false: the host migrates). */
        public Builder migrate(boolean value) {
            this.migrate = value;
            return this;
        }

        /** With {@link #migrate(boolean)}: create a minimal organizations table if there is none (default false). */
        public Builder createOrganizationsTable(boolean value) {
            this.createOrganizationsTable = value;
            return this;
        }

        /**
         * Opt-in row-level security (default false). Every operation then sets, in its own transaction, the
         * organization it works on ({@code provider_settings.organization_id}) or, for cross-organization maintenance
         * (bulk reads of several organizations, {@code saveAll} over several organizations, the rewrap search),
         * {@code provider_settings.maintenance = 'on'}; the policies let a role without {@code BYPASSRLS} see and
         * write nothing else. With {@link #migrate(boolean) migrate(true)} it also enables row-level security on the
         * tables ({@link PostgresMigrations.Builder#rowLevelSecurity(boolean)}). Costs: a {@code load} stays one
         * round trip (two statements in one execution); a write transaction gains one statement.
         */
        public Builder rowLevelSecurity(boolean value) {
            this.rowLevelSecurity = value;
            return this;
        }

        /**
         * Enables the change feed on a dedicated connection opened with the pool's own URL, credentials and driver
         * properties ({@link HikariDataSource#getDataSourceProperties()}: {@code sslmode}, {@code options}, ...); the
         * pool must be a {@link HikariDataSource}, or the store was given {@link #jdbc}. If the pool goes through a
         * transaction pooler (PgBouncer), use {@link #changeFeed(String, String, String)} with a direct URL instead:
         * a LISTEN through a transaction pooler hears nothing.
         */
        public Builder changeFeed(boolean value) {
            this.changeFeed = value;
            return this;
        }

        /** Enables the change feed on dedicated connections opened with {@link DriverManager}. */
        public Builder changeFeed(String url, String user, String password) {
            this.changeFeed = true;
            this.feedUrl = url;
            this.feedUser = user;
            this.feedPassword = password;
            return this;
        }

        /** Enables the change feed on connections from this (non-pooling) DataSource. */
        public Builder changeFeed(DataSource unpooled) {
            this.changeFeed = true;
            this.feedDataSource = unpooled;
            return this;
        }

        /** How fast the change feed reconnects: first delay, doubled up to the maximum (defaults 100 ms, 5 s). */
        public Builder changeFeedReconnect(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new ConfigurationException("change feed reconnect delays " + initial + ", " + max
                        + " are invalid: use a positive initial delay and a maximum at least as long");
            }
            this.reconnectInitialBackoff = initial;
            this.reconnectMaxBackoff = max;
            return this;
        }

        /**
         * How long {@link #build()} waits for the change feed to hear its first probe (default 5 s). If it takes
         * longer, {@code build()} returns anyway, logs a warning, and the feed emits an "everything changed" event
         * once it hears.
         */
        public Builder changeFeedStartTimeout(Duration value) {
            if (value == null || value.isNegative()) {
                throw new ConfigurationException("change feed start timeout " + value + " is invalid: use zero or a"
                        + " positive duration");
            }
            this.changeFeedStartTimeout = value;
            return this;
        }

        /**
         * How often the change feed proves that it hears notifications (a NOTIFY sent through the pool must come
         * back on the feed's connection), and how long it waits for one (defaults 30 s, 5 s). A probe that does not
         * arrive marks the feed as not listening, logs one warning, and makes it reconnect.
         */
        public Builder changeFeedVerification(Duration interval, Duration timeout) {
            if (interval == null || timeout == null || interval.isNegative() || interval.isZero()
                    || timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("change feed verification " + interval + ", " + timeout
                        + " is invalid: use a positive interval and a positive timeout");
            }
            this.verifyInterval = interval;
            this.verifyTimeout = timeout;
            return this;
        }

        ChangeFeed.ConnectionOpener changeFeedOpener(DataSource pool) {
            if (feedDataSource != null) {
                return feedDataSource::getConnection;
            }
            String url = feedUrl;
            String u = feedUser;
            String p = feedPassword;
            Properties properties = new Properties();
            properties.setProperty("tcpKeepAlive", "true");
            // Bounded waits, so a black-holed network shows up as a failure (and a reconnect) instead of a hang.
            properties.setProperty("connectTimeout", "10");
            properties.setProperty("socketTimeout", "30");
            properties.setProperty("prepareThreshold", "0");
            if (url == null) {
                if (!(pool instanceof HikariDataSource hikari) || hikari.getJdbcUrl() == null) {
                    throw new ConfigurationException("changeFeed(true) needs a HikariDataSource configured with a JDBC URL"
                            + " to open its dedicated connection: use changeFeed(jdbcUrl, user, password) or"
                            + " changeFeed(unpooledDataSource) instead");
                }
                url = hikari.getJdbcUrl();
                u = hikari.getUsername();
                p = hikari.getPassword();
                // The pool's own driver properties (sslmode, sslcert, sslrootcert, options, ...) apply to the feed
                // too: it must reach the database exactly as the pool does.
                hikari.getDataSourceProperties().forEach((key, value) ->
                        properties.setProperty(String.valueOf(key), String.valueOf(value)));
            }
            String finalUrl = url;
            if (u != null) {
                properties.setProperty("user", u);
            }
            if (p != null) {
                properties.setProperty("password", p);
            }
            // Names the feed's session in pg_stat_activity (operators find and watch it by this name).
            properties.setProperty("ApplicationName", "provider-settings-change-feed");
            return () -> DriverManager.getConnection(finalUrl, properties);
        }

        /**
         * Builds the store: validates the configuration, optionally migrates, and starts the change feed (waiting
         * briefly for its first LISTEN).
         */
        public PostgresCredentialStore build() {
            if ((dataSource == null) == (jdbcUrl == null)) {
                throw new ConfigurationException("PostgresCredentialStore needs exactly one of dataSource(...) or"
                        + " jdbc(url, user, password)");
            }
            HikariDataSource owned = dataSource == null ? PostgresDataSources.hikari(jdbcUrl, user, password) : null;
            DataSource ds = owned != null ? owned : dataSource;
            try {
                if (migrate) {
                    PostgresMigrations.builder().dataSource(ds).schema(schema)
                            .organizationsTable(organizationsTable, organizationsIdColumn)
                            .createOrganizationsTable(createOrganizationsTable)
                            .rowLevelSecurity(rowLevelSecurity)
                            .build().migrate();
                }
                return new PostgresCredentialStore(this, ds, owned);
            } catch (RuntimeException e) {
                if (owned != null) {
                    owned.close();
                }
                throw e;
            }
        }
    }
}
