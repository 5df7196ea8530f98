-- Change feed: NOTIFY provider_settings_changed with 'v1:<organization_id>:<provider>:<schema>' (never a value),
-- one per distinct (organization, provider) a statement touched; Postgres also drops identical payloads within a
-- transaction. A statement touching more than 1000 pairs (bulk seeding) sends 'v1:*:*:<schema>' instead.
CREATE FUNCTION provider_settings_notify() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    pairs integer;
BEGIN
    SELECT count(*) INTO pairs FROM (SELECT DISTINCT organization_id, provider FROM changed_rows) AS p;
    IF pairs > 1000 THEN
        PERFORM pg_notify('provider_settings_changed', 'v1:*:*:' || TG_TABLE_SCHEMA);
    ELSE
        PERFORM pg_notify('provider_settings_changed',
                          'v1:' || p.organization_id || ':' || p.provider || ':' || TG_TABLE_SCHEMA)
        FROM (SELECT DISTINCT organization_id, provider FROM changed_rows) AS p;
    END IF;
    RETURN NULL;
END
$$;

-- Transition tables allow a single event per trigger, hence three triggers. An update is reported under its new
-- (organization, provider); the store never moves a row to another organization or provider.
CREATE TRIGGER provider_settings_notify_insert
    AFTER INSERT ON provider_settings REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_settings_notify();
CREATE TRIGGER provider_settings_notify_update
    AFTER UPDATE ON provider_settings REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_settings_notify();
CREATE TRIGGER provider_settings_notify_delete
    AFTER DELETE ON provider_settings REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION provider_settings_notify();
