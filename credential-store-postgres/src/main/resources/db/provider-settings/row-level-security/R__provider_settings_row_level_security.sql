-- Enables row-level security on the settings and audit tables (opt-in location, applied after the versioned
-- migrations of db/provider-settings/migration, which create the policies). FORCE makes the policies apply to the
-- tables' owner too, so a host that connects as the owner is protected as well; superusers and roles with BYPASSRLS
-- are never subject to row-level security. The store must then be built with rowLevelSecurity(true).
ALTER TABLE provider_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_settings FORCE ROW LEVEL SECURITY;
ALTER TABLE provider_settings_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_settings_audit FORCE ROW LEVEL SECURITY;
