-- 0012: services a station hosts on a schedule (义诊 free clinic, 理发 haircut, 法律咨询 legal advice,
-- 心理咨询 counselling, 公益课堂 classes, 送清凉 summer drinks).
--
-- A jsonb array on the station row, [{"kind": "...", "description": "..." | null, "hours": "<opening_hours>"}],
-- so services version with the station (If-Match, version), land in its audit trail and reach the
-- change feed and the nearest index's NOTIFY without anything new. The API validates each entry
-- (kind from its vocabulary, hours with the opening_hours parser) on every write; the CHECK only
-- keeps the shape an array.
-- service_kinds is the distinct kinds, generated, for the any-of filter service=kind[,kind]
-- (service_kinds && ARRAY[...], GIN index station_service_kinds_gin).

ALTER TABLE station ADD COLUMN services jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(services) = 'array');

-- stationmap.service_kinds(services jsonb)
-- The distinct kind values of a station's services array, sorted; '{}' for an empty array.
-- Immutable (it reads only its argument), so it can define a generated column.
CREATE FUNCTION stationmap.service_kinds(services jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT e ->> 'kind' ORDER BY e ->> 'kind') FILTER (WHERE e ->> 'kind' IS NOT NULL), '{}')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(services) = 'array' THEN services ELSE '[]'::jsonb END) e
$$;

ALTER TABLE station ADD COLUMN service_kinds text[] GENERATED ALWAYS AS (stationmap.service_kinds(services)) STORED;
CREATE INDEX station_service_kinds_gin ON station USING gin (service_kinds) WHERE deleted_at IS NULL;

-- The audit diff leaves out generated columns (geom, service_kinds): they follow location and services.
CREATE OR REPLACE FUNCTION stationmap.station_audit_trigger() RETURNS trigger
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
     WHERE n.key NOT IN ('updated_at', 'version', 'geom', 'service_kinds')
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
