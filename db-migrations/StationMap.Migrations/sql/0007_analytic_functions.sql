-- 0007: analytic SQL that is more than a lookup, as functions in the stationmap schema, so the API
-- calls them with parameters only (nothing is spliced into SQL text) and a rule lives in one place.
-- Also drops vertex_station: the per-vertex nearest station is computed in memory by the coverage
-- engine (its access field); the table was rewritten on every service-area pass and read by nothing.

DROP TABLE vertex_station;

-- stationmap.service_area_is_stale(state service_area_state, station station, graph_version bigint) → boolean
-- Whether a station's stored service-area set must be recomputed: it has none (state is NULL, from a
-- LEFT JOIN), it was computed on another road graph, or for another status or place of the station.
-- Inputs: the station's service_area_state row (may be NULL), its station row, the active graph version.
-- Output: true when stale. A pure expression on its arguments (no table access): inlined by the planner.
CREATE FUNCTION stationmap.service_area_is_stale(st service_area_state, s station, graph_version bigint)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT st.station_id IS NULL OR st.graph_version <> service_area_is_stale.graph_version OR st.station_status <> s.status
           OR NOT ST_Equals(st.station_location::geometry, s.location::geometry)
$$;

-- stationmap.stale_service_area_stations(graph_version bigint, max_rows int)
-- The next stations (by id) whose service areas the background job must compute: not deleted, not
-- closed permanently, and stale by stationmap.service_area_is_stale.
-- Inputs: the active graph version; max_rows = batch size (rows).
-- Outputs: id, lon, lat (degrees, WGS-84 / EPSG:4326), status.
-- Relies on station_pkey (order by id) and service_area_state_pkey (the join).
CREATE FUNCTION stationmap.stale_service_area_stations(graph_version bigint, max_rows int)
RETURNS TABLE (id bigint, lon double precision, lat double precision, status text)
LANGUAGE sql STABLE AS $$
    SELECT s.id, ST_X(s.location::geometry), ST_Y(s.location::geometry), s.status
    FROM station s LEFT JOIN service_area_state st ON st.station_id = s.id
    WHERE s.deleted_at IS NULL AND s.status <> 'closed_permanently'
      AND stationmap.service_area_is_stale(st, s, stale_service_area_stations.graph_version)
    ORDER BY s.id
    LIMIT stale_service_area_stations.max_rows
$$;

-- stationmap.service_area_progress(graph_version bigint)
-- How far the background job is on a graph: over stations that are not deleted and not closed permanently.
-- Input: the active graph version (-1 when none is loaded: then every station counts as stale).
-- (Parameters are qualified with the function's name where a column has the same name.)
-- Outputs: stations (count), up_to_date (count not stale), outside_network (count computed on this graph
-- whose point is beyond the road network).
-- Relies on service_area_state_pkey (the join); a sequential pass over station otherwise.
CREATE FUNCTION stationmap.service_area_progress(graph_version bigint)
RETURNS TABLE (stations bigint, up_to_date bigint, outside_network bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*),
           count(*) FILTER (WHERE NOT stationmap.service_area_is_stale(st, s, service_area_progress.graph_version)),
           count(*) FILTER (WHERE st.outcome = 'outside_network' AND st.graph_version = service_area_progress.graph_version)
    FROM station s LEFT JOIN service_area_state st ON st.station_id = s.id
    WHERE s.deleted_at IS NULL AND s.status <> 'closed_permanently'
$$;

-- stationmap.uncovered_area(station_ids bigint[], mode text, minutes int, district_id bigint)
-- The part of each district that none of the given stations' stored service areas covers.
-- Inputs: station_ids = the scenario's open stations; mode = 'walk' | 'ebike'; minutes = 5, 10 or 15
-- (the stored bands); district_id = one district, or NULL for all.
-- Outputs per district (by id): id, name, area_km2 (the district's, km²), geom (MultiPolygon, EPSG:4326,
-- the uncovered part; the whole district when no area touches it), uncovered_km2 (on the WGS-84 ellipsoid).
-- Relies on service_area_geom_idx (GiST, the && prefilter: only areas near a district take part in its
-- union) and district_pkey.
CREATE FUNCTION stationmap.uncovered_area(station_ids bigint[], mode text, minutes int, district_id bigint)
RETURNS TABLE (id bigint, name text, area_km2 double precision, geom geometry, uncovered_km2 double precision)
LANGUAGE sql STABLE AS $$
    SELECT d.id, d.name, d.area_km2, u.geom, ST_Area(u.geom::geography) / 1e6
    FROM district d
    CROSS JOIN LATERAL (
        SELECT ST_Multi(ST_CollectionExtract(CASE WHEN s.g IS NULL THEN d.geom ELSE ST_Difference(d.geom, s.g) END, 3)) AS geom
        FROM (SELECT ST_Union(a.geom) AS g FROM service_area a
              WHERE a.station_id = ANY(station_ids) AND a.mode = uncovered_area.mode AND a.minutes = uncovered_area.minutes
                AND a.geom && d.geom) s
    ) u
    WHERE uncovered_area.district_id IS NULL OR d.id = uncovered_area.district_id
    ORDER BY d.id
$$;
