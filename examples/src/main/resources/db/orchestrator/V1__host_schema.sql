-- The example host's own schema (an orchestrator of GPU servers). Flyway history: orchestrator_schema_history,
-- separate from the credential store's history so the two sets of migrations never collide.

-- The global catalog: the same for every organization (the origin plan keeps it global).
CREATE TABLE zones (
    code   TEXT PRIMARY KEY,
    region TEXT NOT NULL
);

CREATE TABLE instance_types (
    code                TEXT PRIMARY KEY,
    gpu_count           INTEGER NOT NULL,
    min_volume_size_gb  INTEGER NOT NULL,
    max_volume_size_gb  INTEGER NOT NULL,
    CHECK (min_volume_size_gb >= 1 AND max_volume_size_gb >= min_volume_size_gb)
);

CREATE TABLE instance_type_zones (
    instance_type TEXT NOT NULL REFERENCES instance_types (code),
    zone          TEXT NOT NULL REFERENCES zones (code),
    PRIMARY KEY (instance_type, zone)
);

INSERT INTO zones (code, region) VALUES
    ('fr-par-1', 'fr-par'), ('fr-par-2', 'fr-par'), ('nl-ams-1', 'nl-ams'), ('pl-waw-2', 'pl-waw');

INSERT INTO instance_types (code, gpu_count, min_volume_size_gb, max_volume_size_gb) VALUES
    ('DEV1-S', 0, 10, 1000),
    ('GPU-3070-S', 1, 20, 2000),
    ('L4-1-24G', 1, 20, 5000),
    ('H100-1-80G', 1, 50, 10000);

INSERT INTO instance_type_zones (instance_type, zone) VALUES
    ('DEV1-S', 'fr-par-1'), ('DEV1-S', 'fr-par-2'), ('DEV1-S', 'nl-ams-1'), ('DEV1-S', 'pl-waw-2'),
    ('GPU-3070-S', 'fr-par-2'),
    ('L4-1-24G', 'fr-par-2'), ('L4-1-24G', 'pl-waw-2'),
    ('H100-1-80G', 'fr-par-2');

-- Users and their current organization (null: the user belongs to no organization yet).
CREATE TABLE users (
    id                      UUID PRIMARY KEY,
    name                    TEXT NOT NULL,
    current_organization_id UUID REFERENCES organizations (id) ON DELETE SET NULL,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE deployments (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by      UUID NOT NULL REFERENCES users (id),
    name            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- organization_id is nullable on purpose: rows written before the multi-tenant change (or by hand) may have
-- none, and the jobs must then fail the instance with a clear error instead of using someone else's credentials.
CREATE TABLE instances (
    id                          UUID PRIMARY KEY,
    deployment_id               UUID REFERENCES deployments (id) ON DELETE SET NULL,
    organization_id             UUID REFERENCES organizations (id) ON DELETE SET NULL,
    name                        TEXT NOT NULL,
    zone                        TEXT NOT NULL REFERENCES zones (code),
    commercial_type             TEXT NOT NULL REFERENCES instance_types (code),
    requested_volume_size_gb    INTEGER NOT NULL CHECK (requested_volume_size_gb >= 1),
    status                      TEXT NOT NULL
        CHECK (status IN ('provisioning', 'ready', 'failed', 'terminating', 'terminated')),
    error_code                  TEXT,
    error_message               TEXT,
    provider_server_id          TEXT,
    boot_volume_id              TEXT,
    volume_size_gb              INTEGER,
    delete_volumes_on_terminate BOOLEAN NOT NULL DEFAULT TRUE,
    server_state                TEXT,
    ip                          TEXT,
    last_health_at              TIMESTAMPTZ,
    last_watchdog_at            TIMESTAMPTZ,
    attempts                    INTEGER NOT NULL DEFAULT 0,
    claimed_by                  TEXT,
    claimed_until               TIMESTAMPTZ,
    created_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((claimed_by IS NULL) = (claimed_until IS NULL))
);

CREATE INDEX instances_organization_idx ON instances (organization_id);
CREATE INDEX instances_status_idx ON instances (status, claimed_until);
CREATE INDEX instances_boot_volume_idx ON instances (boot_volume_id);

-- Per-organization job state (volume reconciliation runs once per organization, claimed like instances).
CREATE TABLE organization_jobs (
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    job             TEXT NOT NULL,
    last_run_at     TIMESTAMPTZ,
    claimed_by      TEXT,
    claimed_until   TIMESTAMPTZ,
    PRIMARY KEY (organization_id, job)
);

-- What the jobs did with the provider, for the walk-through and for audits (no secret, only a fingerprint).
CREATE TABLE job_events (
    id              BIGSERIAL PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    node            TEXT NOT NULL,
    job             TEXT NOT NULL,
    instance_id     UUID,
    organization_id UUID,
    message         TEXT NOT NULL
);
