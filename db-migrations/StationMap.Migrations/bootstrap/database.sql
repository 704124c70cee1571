-- Bootstrap, part 2 (as a superuser, connected to the database): the extensions that need a
-- superuser, ownership of the database and everything the migrations made passed to the owner
-- role (a database migrated as the superuser before these roles existed is taken over in place),
-- and the app role's rights: rows only (SELECT/INSERT/UPDATE/DELETE, sequences, functions),
-- never CREATE, ALTER, DROP, TRUNCATE or temporary tables. Default privileges cover the tables,
-- sequences and functions that later migrations create as the owner. Idempotent.
DO $bootstrap$
DECLARE
    owner_role text := current_setting('stationmap.owner_role');
    app_role   text := current_setting('stationmap.app_role');
    db         text := current_database();
    o          record;
BEGIN
    CREATE EXTENSION IF NOT EXISTS postgis;

    EXECUTE format('ALTER DATABASE %I OWNER TO %I', db, owner_role);
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', db);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, owner_role);
    EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM %I', db, app_role);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, app_role);
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'stationmap') THEN
        EXECUTE format('CREATE SCHEMA stationmap AUTHORIZATION %I', owner_role);
    END IF;
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;

    -- The project's schemas: everything but the system ones and those an extension made.
    CREATE TEMP TABLE bootstrap_schema ON COMMIT DROP AS
        SELECT n.oid, n.nspname FROM pg_namespace n
        WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e');

    FOR o IN SELECT nspname FROM bootstrap_schema WHERE nspname <> 'public' AND
                    (SELECT nspowner FROM pg_namespace WHERE oid = bootstrap_schema.oid) <> owner_role::regrole LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', o.nspname, owner_role);
    END LOOP;

    -- Tables, views and sequences not made by an extension (spatial_ref_sys stays PostGIS's).
    -- Tables first: their identity and serial sequences follow them.
    FOR o IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN bootstrap_schema s ON s.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner <> owner_role::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY c.relkind DESC LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I',
            CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, o.rel, owner_role);
    END LOOP;
    FOR o IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN bootstrap_schema s ON s.oid = c.relnamespace
             WHERE c.relkind = 'S' AND c.relowner <> owner_role::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i')) LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', o.rel, owner_role);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN bootstrap_schema s ON s.oid = p.pronamespace
             WHERE p.proowner <> owner_role::regrole AND p.prokind IN ('f', 'p')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', o.fn, owner_role);
    END LOOP;
    FOR o IN SELECT t.oid::regtype AS typ, t.typtype FROM pg_type t JOIN bootstrap_schema s ON s.oid = t.typnamespace
             WHERE t.typowner <> owner_role::regrole AND t.typtype IN ('c', 'd', 'e', 'r') AND t.typelem = 0
               AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', CASE o.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, o.typ, owner_role);
    END LOOP;

    -- The app role: use the schemas, read and write rows, nothing else. Existing objects now,
    -- later ones through the owner's default privileges.
    FOR o IN SELECT nspname FROM bootstrap_schema LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', o.nspname, app_role);
        EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', o.nspname, app_role);
    END LOOP;
    FOR o IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN bootstrap_schema s ON s.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', o.rel, app_role);
        EXECUTE format('REVOKE TRUNCATE, REFERENCES, TRIGGER ON %s FROM %I', o.rel, app_role);
    END LOOP;
    FOR o IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN bootstrap_schema s ON s.oid = c.relnamespace
             WHERE c.relkind = 'S'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') LOOP
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO %I', o.rel, app_role);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN bootstrap_schema s ON s.oid = p.pronamespace
             WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO %I', o.fn, app_role);
    END LOOP;
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner_role, app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE, SELECT ON SEQUENCES TO %I', owner_role, app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT EXECUTE ON ROUTINES TO %I', owner_role, app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I GRANT USAGE ON TYPES TO %I', owner_role, app_role);
END
$bootstrap$;
