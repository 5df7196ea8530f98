-- Row-level security policies (opt-in): created here for every installation, but inert until row-level security is
-- enabled on the tables, which the separate location db/provider-settings/row-level-security does
-- (PostgresMigrations.rowLevelSecurity(true)). A row is visible and writable only when its organization is the one
-- the store set for the transaction with set_config('provider_settings.organization_id', <uuid>, true), or when the
-- store declared a cross-organization maintenance operation (seeding, bulk reads, rewrap search) with
-- set_config('provider_settings.maintenance', 'on', true). Nothing set: no rows.
-- nullif: once a session has set the variable, current_setting returns '' (not NULL) after the transaction ends.
CREATE POLICY provider_settings_organization_scope ON provider_settings
    USING (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid
           OR current_setting('provider_settings.maintenance', true) = 'on')
    WITH CHECK (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid
                OR current_setting('provider_settings.maintenance', true) = 'on');

CREATE POLICY provider_settings_audit_organization_scope ON provider_settings_audit
    USING (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid
           OR current_setting('provider_settings.maintenance', true) = 'on')
    WITH CHECK (organization_id = nullif(current_setting('provider_settings.organization_id', true), '')::uuid
                OR current_setting('provider_settings.maintenance', true) = 'on');
