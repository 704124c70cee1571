-- 0002: rest stations, API keys and the audit trail.
--
-- Coordinates are WGS-84 geography points (SRID 4326); the GiST index on location serves
-- KNN ordering (<->) and ST_DWithin radius filters.

CREATE TABLE station (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    name_en         text        CHECK (name_en IS NULL OR length(name_en) <= 200),
    address         text        CHECK (address IS NULL OR length(address) <= 500),
    district        text        CHECK (district IS NULL OR length(district) <= 100),
    location        geography(Point, 4326) NOT NULL,
    tier            text        NOT NULL DEFAULT 'standard'
                    CHECK (tier IN ('flagship', 'standard', 'smart_24h', 'convenience', 'partner')),
    operator        text        CHECK (operator IS NULL OR length(operator) <= 200),
    phone           text        CHECK (phone IS NULL OR length(phone) <= 50),
    -- OpenStreetMap opening_hours syntax, validated by the API on write; NULL = hours unknown.
    opening_hours   text        CHECK (opening_hours IS NULL OR length(opening_hours) <= 500),
    time_zone       text        NOT NULL DEFAULT 'Asia/Shanghai',
    status          text        NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'temporarily_closed', 'closed_permanently')),
    status_reason   text        CHECK (status_reason IS NULL OR length(status_reason) <= 500),
    capacity        integer     CHECK (capacity IS NULL OR capacity BETWEEN 0 AND 10000),
    -- Tri-state amenities: {"drinking_water": "yes" | "no" | "unknown", ...}; a missing key is unknown.
    amenities       jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(amenities) = 'object'),
    access          text[]      NOT NULL DEFAULT '{}'
                    CHECK (access <@ ARRAY['all_outdoor_workers', 'union_members', 'staffed', 'qr_door']),
    verified_at     timestamptz,
    is_demo         boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Optimistic concurrency: every write bumps version; clients send it back as If-Match.
    version         integer     NOT NULL DEFAULT 1,
    -- Soft delete so the change feed can report deletions.
    deleted_at      timestamptz
);

CREATE INDEX station_location_gist ON station USING gist (location) WHERE deleted_at IS NULL;
CREATE INDEX station_amenities_gin ON station USING gin (amenities jsonb_path_ops);
CREATE INDEX station_updated_at ON station (updated_at, id);

CREATE TABLE api_key (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    -- Only a SHA-256 of the key is stored; the key itself is shown once at creation.
    key_hash    bytea       NOT NULL UNIQUE,
    key_prefix  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE station_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id  bigint      NOT NULL,
    action      text        NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    actor       text        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    -- {"field": {"old": ..., "new": ...}} for every field that changed.
    diff        jsonb       NOT NULL
);
CREATE INDEX station_audit_station ON station_audit (station_id, at);

-- Every change to a station lands in station_audit, whoever made it. The API sets
-- stationmap.actor (transaction-local) to the API key's name; other writers show as the DB role.
CREATE FUNCTION stationmap.station_audit_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    -- location as GeoJSON so the diff is readable (to_jsonb would give hex WKB).
    old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN '{}'::jsonb
                          ELSE to_jsonb(OLD) || jsonb_build_object('location', ST_AsGeoJSON(OLD.location, 7)::jsonb) END;
    new_row jsonb := to_jsonb(NEW) || jsonb_build_object('location', ST_AsGeoJSON(NEW.location, 7)::jsonb);
    changes jsonb;
    act text;
BEGIN
    SELECT coalesce(jsonb_object_agg(n.key, jsonb_build_object('old', old_row -> n.key, 'new', n.value)), '{}'::jsonb)
      INTO changes
      FROM jsonb_each(new_row) n
     WHERE n.key NOT IN ('updated_at', 'version', 'geom')
       AND (old_row -> n.key) IS DISTINCT FROM n.value;
    IF TG_OP = 'UPDATE' AND changes = '{}'::jsonb THEN
        RETURN NEW;
    END IF;
    act := CASE WHEN TG_OP = 'INSERT' THEN 'insert'
                WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN 'delete'
                ELSE 'update' END;
    INSERT INTO station_audit (station_id, action, actor, diff)
    VALUES (NEW.id, act, coalesce(nullif(current_setting('stationmap.actor', true), ''), 'db:' || current_user), changes);
    RETURN NEW;
END $$;

CREATE TRIGGER station_audit AFTER INSERT OR UPDATE ON station
FOR EACH ROW EXECUTE FUNCTION stationmap.station_audit_trigger();

-- Planar copy of location for bounding-box queries (map viewports): a geography envelope has
-- great-circle edges, a map bbox has straight lon/lat edges. Point-only, so the cast is exact.
ALTER TABLE station ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS (location::geometry) STORED;
CREATE INDEX station_geom_gist ON station USING gist (geom) WHERE deleted_at IS NULL;
