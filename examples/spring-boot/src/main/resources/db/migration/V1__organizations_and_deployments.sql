-- The host application's schema, migrated by Spring Boot's Flyway (history table flyway_schema_history).
-- provider-settings migrates its own tables afterwards (history table provider_settings_schema_history) and
-- references organizations(id).
create table organizations (
    id   uuid primary key,
    name text not null
);

create table deployments (
    id              uuid primary key,
    organization_id uuid        not null references organizations (id) on delete cascade,
    name            text        not null,
    zone            text        not null,
    volume_id       text        not null,
    created_at      timestamptz not null default now()
);

create index deployments_organization_id on deployments (organization_id);
