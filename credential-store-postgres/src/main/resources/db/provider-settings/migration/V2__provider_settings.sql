-- Per-organization provider settings: typed values, secrets only as ciphertext (encrypted in the JVM).
CREATE TABLE provider_settings (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id   uuid        NOT NULL
        REFERENCES ${organizations_table} (${organizations_id_column}) ON DELETE CASCADE,
    provider          text        NOT NULL
        CONSTRAINT provider_settings_provider_format CHECK (provider ~ '^[a-z][a-z0-9_-]{1,31}$'),
    key               text        NOT NULL
        CONSTRAINT provider_settings_key_format CHECK (key ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    value_type        text        NOT NULL
        CONSTRAINT provider_settings_value_type_known
            CHECK (value_type IN ('text', 'integer', 'boolean', 'json', 'secret')),
    text_value        text,
    int_value         bigint,
    bool_value        boolean,
    json_value        jsonb,
    secret_ciphertext bytea,
    secret_key_id     text,
    version           bigint      NOT NULL
        CONSTRAINT provider_settings_version_positive CHECK (version > 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT provider_settings_provider_key_organization_unique UNIQUE (provider, key, organization_id),
    -- exactly the column of the value type holds a value; a secret always has its key id, nothing else does
    CONSTRAINT provider_settings_value_matches_type CHECK (
        num_nonnulls(text_value, int_value, bool_value, json_value, secret_ciphertext) = 1
        AND CASE value_type
                WHEN 'text' THEN text_value IS NOT NULL
                WHEN 'integer' THEN int_value IS NOT NULL
                WHEN 'boolean' THEN bool_value IS NOT NULL
                WHEN 'json' THEN json_value IS NOT NULL
                WHEN 'secret' THEN secret_ciphertext IS NOT NULL AND octet_length(secret_ciphertext) > 0
            END
        AND (secret_key_id IS NOT NULL) = (value_type = 'secret')
        AND (secret_key_id IS NULL OR secret_key_id <> '')
    )
);

CREATE INDEX provider_settings_organization_idx ON provider_settings (organization_id);
CREATE INDEX provider_settings_provider_organization_idx ON provider_settings (provider, organization_id);

COMMENT ON TABLE provider_settings IS 'Per-organization provider settings; secrets only as ciphertext encrypted in the JVM';
