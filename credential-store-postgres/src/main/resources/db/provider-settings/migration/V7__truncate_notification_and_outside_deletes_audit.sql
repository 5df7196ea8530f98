-- 1. TRUNCATE of the settings table fires no row or transition-table trigger: without this, caches would keep
--    truncated settings until their TTL. It now sends the change feed's "everything" payload.
CREATE FUNCTION provider_settings_notify_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('provider_settings_changed', 'v1:*:*:' || TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;

CREATE TRIGGER provider_settings_notify_truncate
    AFTER TRUNCATE ON provider_settings
    FOR EACH STATEMENT EXECUTE FUNCTION provider_settings_notify_truncate();

-- 2. Deletes that do not come through the store (an organization deleted, cascading; a DELETE run by hand) now write
--    audit rows too, actor 'database:<role>'. The store writes its own delete audit rows with the caller's actor and
--    marks its transaction with provider_settings.library_audit = 'on' (transaction-local) so that they are not
--    written twice.
--    SECURITY DEFINER: the role deleting an organization needs no privilege on the audit table; search_path pinned
--    and every name qualified with the trigger's own schema. Under forced row-level security the insert declares a
--    maintenance operation for its own duration and restores the previous value.
CREATE FUNCTION provider_settings_audit_outside_deletes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    previous_maintenance text;
BEGIN
    IF coalesce(current_setting('provider_settings.library_audit', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    previous_maintenance := coalesce(current_setting('provider_settings.maintenance', true), '');
    PERFORM set_config('provider_settings.maintenance', 'on', true);
    EXECUTE format('INSERT INTO %I.provider_settings_audit (actor, organization_id, provider, key, action, version)'
                   ' SELECT $1, organization_id, provider, key, ''delete'', version FROM deleted_rows'
                   ' ORDER BY organization_id, provider, key', TG_TABLE_SCHEMA)
        USING 'database:' || session_user;
    PERFORM set_config('provider_settings.maintenance', previous_maintenance, true);
    RETURN NULL;
END
$$;

CREATE TRIGGER provider_settings_audit_outside_deletes
    AFTER DELETE ON provider_settings REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_settings_audit_outside_deletes();
