-- Versions come from one store-wide counter that only increases, so a version never repeats for an
-- (organization, provider, key), not even after the key is deleted and written again: a check-and-set write holding
-- a version read before a delete and re-create conflicts instead of overwriting the new value (ABA).
-- The counter starts above every version in use or recorded in the audit trail (deleted keys included).
CREATE SEQUENCE provider_settings_version_seq AS bigint MINVALUE 1 NO CYCLE;

SELECT setval('provider_settings_version_seq',
              greatest((SELECT coalesce(max(version), 0) FROM provider_settings),
                       (SELECT coalesce(max(version), 0) FROM provider_settings_audit)) + 1,
              false);

-- Drawing a version is harmless (it reveals and changes nothing else), so every role that may write settings can,
-- without a grant of its own.
GRANT USAGE ON SEQUENCE provider_settings_version_seq TO PUBLIC;

COMMENT ON SEQUENCE provider_settings_version_seq IS
    'Store-wide version counter of provider_settings: versions never repeat for a key, even after delete + re-create';
