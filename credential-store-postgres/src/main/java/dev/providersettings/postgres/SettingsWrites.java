package dev.providersettings.postgres;

import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderCode;
import dev.providersettings.SettingDefinition;
import dev.providersettings.exception.InvalidSettingException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.exception.VersionConflictException;
import dev.providersettings.postgres.BulkStatements.Audit;
import dev.providersettings.postgres.BulkStatements.Insert;
import dev.providersettings.postgres.BulkStatements.Update;
import dev.providersettings.postgres.internal.SqlErrors;
import dev.providersettings.postgres.internal.StoredValues;
import dev.providersettings.postgres.internal.jooq.tables.ProviderSettings;
import dev.providersettings.spi.ChangeEvent;
import dev.providersettings.spi.SettingWrite;
import dev.providersettings.spi.SettingsBatch;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.providersettings.postgres.internal.jooq.Sequences.PROVIDER_SETTINGS_VERSION_SEQ;
import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS;

/**
 * The store's writes. Batches are validated whole before anything is sent; then one transaction locks the rows they
 * may touch ({@code SELECT ... FOR UPDATE}, in a fixed order), checks every expected version, writes rows and audit
 * rows with a bounded number of statements ({@link BulkStatements}), or writes nothing and throws. A transaction that
 * lost a race (a concurrent first insert of the same key, a deadlock) is repeated whole. A change event is published
 * for every (organization, provider) written, after the commit.
 */
final class SettingsWrites {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCredentialStore.class);
    private static final ProviderSettings PS = PROVIDER_SETTINGS;
    /** Attempts of a transaction that lost a race (concurrent first insert, deadlock). */
    private static final int MAX_ATTEMPTS = 5;
    private static final String UNKNOWN_ACTOR = "unknown";

    private final ScopedTransactions db;
    private final HostOrganizations organizations;
    private final Consumer<ChangeEvent> publisher;

    SettingsWrites(ScopedTransactions db, HostOrganizations organizations, Consumer<ChangeEvent> publisher) {
        this.db = db;
        this.organizations = organizations;
        this.publisher = publisher;
    }

    /** Writes the batches in one transaction; the new versions, one map per batch. */
    List<Map<String, Long>> apply(List<SettingsBatch> batches) {
        validate(batches);
        RuntimeException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                List<OrganizationId> orgs = batches.stream().map(SettingsBatch::organization).distinct().toList();
                // Several organizations: the existence check and the lock query bind arrays (= any(?)), custom plans.
                List<Map<String, Long>> versions = db.inTransaction(Scope.of(orgs), orgs.size() > 1,
                        tx -> applyInTransaction(tx, orgs, batches));
                for (SettingsBatch batch : batches) {
                    if (!batch.writes().isEmpty()) {
                        publisher.accept(new ChangeEvent(batch.organization(), batch.provider()));
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

    /** Deletes every setting of the organization for the provider, audited with {@code actor}; how many. */
    int deleteAll(OrganizationId organization, ProviderCode provider, String actor) {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(provider, "provider");
        int deleted;
        try {
            deleted = db.inTransaction(Scope.of(organization), false, tx -> {
                tx.select(ScopedTransactions.LIBRARY_AUDIT).fetch();
                var rows = tx.deleteFrom(PS)
                        .where(PS.ORGANIZATION_ID.eq(organization.value()))
                        .and(PS.PROVIDER.eq(provider.value()))
                        .returning(PS.KEY, PS.VERSION)
                        .fetch();
                List<Audit> audits = new ArrayList<>();
                for (var row : rows) {
                    audits.add(new Audit(actorOf(actor), organization.value(), provider.value(), row.get(PS.KEY),
                            "delete", row.get(PS.VERSION)));
                }
                if (!audits.isEmpty()) {
                    BulkStatements.insertAudit(tx, audits);
                }
                return rows.size();
            });
        } catch (RuntimeException e) {
            throw SqlErrors.translate("deletion of the settings of provider " + provider, e);
        }
        if (deleted > 0) {
            publisher.accept(new ChangeEvent(organization, provider));
        }
        return deleted;
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

    private List<Map<String, Long>> applyInTransaction(DSLContext tx, List<OrganizationId> orgs,
                                                       List<SettingsBatch> batches) {
        checkOrganizationsExist(tx, orgs);

        // Lock every row the batches may touch, in a fixed order (fewer deadlocks between concurrent batches).
        Map<List<Object>, Current> current = new HashMap<>();
        String[] providers = batches.stream().map(b -> b.provider().value()).distinct().toArray(String[]::new);
        String[] keys = batches.stream().flatMap(b -> b.writes().stream()).map(SettingWrite::key).distinct()
                .toArray(String[]::new);
        if (keys.length > 0) {
            for (List<OrganizationId> chunk : Chunks.of(orgs, Chunks.ORGANIZATIONS_PER_QUERY)) {
                var rows = tx.select(PS.ID, PS.ORGANIZATION_ID, PS.PROVIDER, PS.KEY, PS.VERSION)
                        .from(PS)
                        .where(chunk.size() == 1
                                ? PS.ORGANIZATION_ID.eq(chunk.get(0).value())
                                : PS.ORGANIZATION_ID.eq(DSL.any(Chunks.uuids(chunk))))
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
        long next = keys.length == 0 ? 0
                : tx.select(PROVIDER_SETTINGS_VERSION_SEQ.nextval(), ScopedTransactions.LIBRARY_AUDIT).fetchOne().value1();
        List<Map<String, Long>> result = new ArrayList<>();
        List<Insert> inserts = new ArrayList<>();
        List<Update> updates = new ArrayList<>();
        List<Long> deletes = new ArrayList<>();
        List<Audit> audits = new ArrayList<>();
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
                        audits.add(new Audit(actor, org, provider, write.key(), "delete", row.version()));
                    }
                    continue;
                }
                StoredValues v = StoredValues.of(write.value());
                versions.put(write.key(), next);
                if (row == null) {
                    inserts.add(new Insert(org, provider, write.key(), v));
                    audits.add(new Audit(actor, org, provider, write.key(), "insert", next));
                } else {
                    updates.add(new Update(row.id(), v, next));
                    audits.add(new Audit(actor, org, provider, write.key(), "update", next));
                }
            }
            result.add(versions);
        }

        for (List<Insert> chunk : Chunks.of(inserts, Chunks.ROWS_PER_STATEMENT)) {
            BulkStatements.insertRows(tx, chunk, next);
        }
        for (List<Update> chunk : Chunks.of(updates, Chunks.ROWS_PER_STATEMENT)) {
            BulkStatements.updateRows(tx, chunk);
        }
        if (!deletes.isEmpty()) {
            tx.deleteFrom(PS).where(PS.ID.eq(DSL.any(deletes.toArray(Long[]::new)))).execute();
        }
        for (List<Audit> chunk : Chunks.of(audits, Chunks.ROWS_PER_STATEMENT)) {
            BulkStatements.insertAudit(tx, chunk);
        }
        return result;
    }

    private void checkOrganizationsExist(DSLContext tx, List<OrganizationId> orgs) {
        Set<UUID> found = new HashSet<>();
        for (List<OrganizationId> chunk : Chunks.of(orgs, Chunks.ORGANIZATIONS_PER_QUERY)) {
            found.addAll(tx.select(organizations.id()).from(organizations.table())
                    .where(chunk.size() == 1
                            ? organizations.id().eq(chunk.get(0).value())
                            : organizations.id().eq(DSL.any(Chunks.uuids(chunk))))
                    .fetch(organizations.id()));
        }
        for (OrganizationId org : orgs) {
            if (!found.contains(org.value())) {
                throw missingOrganization(org, null);
            }
        }
    }

    private MissingOrganizationException missingOrganization(OrganizationId org, Throwable cause) {
        MissingOrganizationException e = new MissingOrganizationException(org, "organization "
                + (org == null ? "of the batch" : org.toString()) + " does not exist in " + organizations.quotedName()
                + " (nothing was written): create the organization first, or check the id");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static String actorOf(String actor) {
        return actor == null || actor.isBlank() ? UNKNOWN_ACTOR : actor;
    }
}
