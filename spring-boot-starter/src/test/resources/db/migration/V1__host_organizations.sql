-- The host application's own schema, migrated by Spring Boot's Flyway (history table flyway_schema_history).
create table organizations (
    id   uuid primary key,
    name text not null
);
