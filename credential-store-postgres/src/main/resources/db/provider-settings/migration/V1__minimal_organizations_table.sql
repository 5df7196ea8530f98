-- A minimal organizations table for hosts that have none (opt-in: placeholder create_organizations_table).
-- Hosts with their own table leave it false and name theirs with organizations_table / organizations_id_column;
-- this migration then does nothing (it is still recorded, so the decision is made once).
DO $$
BEGIN
    IF '${create_organizations_table}' = 'true' THEN
        CREATE TABLE IF NOT EXISTS ${organizations_table} (
            ${organizations_id_column} uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
            name                       text,
            created_at                 timestamptz NOT NULL DEFAULT now()
        );
    END IF;
END
$$;
