-- Who changed which setting, when: never a value. No foreign key to the organizations table on purpose, so the
-- trail of an organization survives its deletion.
CREATE TABLE provider_settings_audit (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor           text        NOT NULL,
    organization_id uuid        NOT NULL,
    provider        text        NOT NULL,
    key             text        NOT NULL,
    action          text        NOT NULL
        CONSTRAINT provider_settings_audit_action_known CHECK (action IN ('insert', 'update', 'delete')),
    -- the version written; for a delete, the version that was deleted
    version         bigint      NOT NULL
);

CREATE INDEX provider_settings_audit_organization_idx ON provider_settings_audit (organization_id, provider, at);

COMMENT ON TABLE provider_settings_audit IS 'Audit trail of provider_settings writes; never holds a value';
