package dev.providersettings.postgres;

import dev.providersettings.postgres.internal.StoredValues;
import dev.providersettings.postgres.internal.jooq.tables.ProviderSettings;
import dev.providersettings.postgres.internal.jooq.tables.ProviderSettingsAudit;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS;
import static dev.providersettings.postgres.internal.jooq.Tables.PROVIDER_SETTINGS_AUDIT;

/**
 * The writes' bulk statements. Each binds one array per column and unnests them server-side: a statement's text and
 * parameter count stay the same whatever the number of rows (no 65,535-parameter limit, little rendering work).
 * Ciphertext travels hex-encoded and JSON as text, so every array is of a plain type.
 */
final class BulkStatements {
    private static final ProviderSettings PS = PROVIDER_SETTINGS;
    private static final ProviderSettingsAudit AUDIT = PROVIDER_SETTINGS_AUDIT;
    private static final HexFormat HEX = HexFormat.of();
    private static final String VALUE_COLUMNS = "cast({%d} as text[]), cast({%d} as text[]), cast({%d} as bigint[]),"
            + " cast({%d} as boolean[]), cast({%d} as text[]), cast({%d} as text[]), cast({%d} as text[])";
    private static final String[] VALUE_NAMES = {"value_type", "text_value", "int_value", "bool_value", "json_value",
            "ciphertext_hex", "secret_key_id"};
    private static final Field<String> V_TYPE = v("value_type", SQLDataType.CLOB);
    private static final Field<String> V_TEXT = v("text_value", SQLDataType.CLOB);
    private static final Field<Long> V_INT = v("int_value", SQLDataType.BIGINT);
    private static final Field<Boolean> V_BOOL = v("bool_value", SQLDataType.BOOLEAN);
    private static final Field<JSONB> V_JSON =
            DSL.field("cast({0} as jsonb)", SQLDataType.JSONB, v("json_value", SQLDataType.CLOB));
    private static final Field<byte[]> V_CIPHERTEXT =
            DSL.field("decode({0}, 'hex')", SQLDataType.BLOB, v("ciphertext_hex", SQLDataType.CLOB));
    private static final Field<String> V_KEY_ID = v("secret_key_id", SQLDataType.CLOB);

    /** A row to insert. */
    record Insert(UUID organization, String provider, String key, StoredValues value) {
    }

    /** A new value and version for the row with this id. */
    record Update(long id, StoredValues value, long version) {
    }

    /** An audit row: who did what to which key, and the version written (or deleted). */
    record Audit(String actor, UUID organization, String provider, String key, String action, long version) {
    }

    private BulkStatements() {
    }

    /** Inserts rows, all with the same version. */
    static void insertRows(DSLContext tx, List<Insert> rows, long version) {
        int n = rows.size();
        UUID[] orgs = new UUID[n];
        String[] providers = new String[n];
        String[] keys = new String[n];
        List<StoredValues> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Insert row = rows.get(i);
            orgs[i] = row.organization();
            providers[i] = row.provider();
            keys[i] = row.key();
            values.add(row.value());
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

    /** Updates locked rows. Every value column is set, so a key may change its type. */
    static void updateRows(DSLContext tx, List<Update> rows) {
        int n = rows.size();
        Long[] ids = new Long[n];
        Long[] versions = new Long[n];
        List<StoredValues> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Update row = rows.get(i);
            values.add(row.value());
            versions[i] = row.version();
            ids[i] = row.id();
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

    /** Writes audit rows. */
    static void insertAudit(DSLContext tx, List<Audit> rows) {
        int n = rows.size();
        String[] actors = new String[n];
        UUID[] orgs = new UUID[n];
        String[] providers = new String[n];
        String[] keys = new String[n];
        String[] actions = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            Audit row = rows.get(i);
            actors[i] = row.actor();
            orgs[i] = row.organization();
            providers[i] = row.provider();
            keys[i] = row.key();
            actions[i] = row.action();
            versions[i] = row.version();
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

    private static String valueColumns(int first) {
        return String.format(Locale.ROOT, VALUE_COLUMNS, first, first + 1, first + 2, first + 3, first + 4,
                first + 5, first + 6);
    }

    private static <T> Field<T> v(String column, DataType<T> type) {
        return DSL.field(DSL.name("v", column), type);
    }

    private static String[] names(String... first) {
        String[] all = new String[first.length + VALUE_NAMES.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(VALUE_NAMES, 0, all, first.length, VALUE_NAMES.length);
        return all;
    }
}
