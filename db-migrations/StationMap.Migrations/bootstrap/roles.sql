-- Bootstrap, part 1 (as a superuser): the owner and app login roles, created when missing and
-- brought to the wanted attributes and passwords when present (so an existing cluster is upgraded
-- in place and a regenerated password file takes effect). Names and passwords come from the
-- transaction's settings stationmap.owner_role/_password and stationmap.app_role/_password.
DO $bootstrap$
DECLARE
    owner_role text := current_setting('stationmap.owner_role');
    app_role   text := current_setting('stationmap.app_role');
    r          text;
BEGIN
    -- Roles are cluster-wide; serialise concurrent bootstraps of the same cluster.
    PERFORM pg_advisory_xact_lock(hashtext('stationmap bootstrap roles'));
    FOREACH r IN ARRAY ARRAY[owner_role, app_role] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I', r);
        END IF;
    END LOOP;
    -- Neither is a superuser nor may create databases or roles; the app role inherits nothing.
    EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                   owner_role, current_setting('stationmap.owner_password'));
    EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD %L',
                   app_role, current_setting('stationmap.app_password'));
    IF pg_has_role(app_role, owner_role, 'MEMBER') THEN
        EXECUTE format('REVOKE %I FROM %I', owner_role, app_role);
    END IF;
    -- The tables live in the stationmap schema (where the first migrations put them as the
    -- superuser named stationmap, by "$user" in the default search_path); PostGIS is in public.
    EXECUTE format('ALTER ROLE %I SET search_path TO stationmap, public', owner_role);
    EXECUTE format('ALTER ROLE %I SET search_path TO stationmap, public', app_role);
END
$bootstrap$;
