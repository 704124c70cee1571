-- 0009: reads that join tables, as functions, so each table has one reader in the API and a rule
-- (which stations count, how a set's state is reported, which district a point is in) lives in one
-- place: the service-area reads that join station, service_area and service_area_state (called by
-- ServiceAreaStore), the district of each demand point (called by the coverage engine) and the
-- road vector tile (called by the roads tile endpoint), always with parameters. (Parameters are qualified with the function's name where a column has the same name.)

-- stationmap.station_service_area(station_id bigint, mode text, bands int[])
-- One station's stored bands of a mode, with the state of its set.
-- Inputs: station_id; mode = 'walk' | 'ebike'; bands = the minutes wanted (among 5, 10, 15).
-- Outputs: no row for an unknown station; otherwise one row per stored band (by minutes), or one row
-- with band columns NULL when none is stored: present (false when the station is deleted), outcome
-- ('ok' | 'outside_network' | NULL before the first computation), set_version (graph version of the
-- set, NULL likewise), minutes, area_km2 (km²), graph_version, computed_at, geom (MultiPolygon, EPSG:4326).
-- Relies on station_pkey, service_area_state_pkey and service_area_pkey (station_id, mode, minutes).
CREATE FUNCTION stationmap.station_service_area(station_id bigint, mode text, bands int[])
RETURNS TABLE (present boolean, outcome text, set_version bigint, minutes int, area_km2 double precision,
               graph_version bigint, computed_at timestamptz, geom geometry)
LANGUAGE sql STABLE AS $$
    SELECT s.deleted_at IS NULL, st.outcome, st.graph_version, a.minutes, a.area_km2, a.graph_version, a.computed_at, a.geom
    FROM station s
    LEFT JOIN service_area_state st ON st.station_id = s.id
    LEFT JOIN service_area a ON a.station_id = s.id AND a.mode = station_service_area.mode
                            AND a.minutes = ANY(bands)
    WHERE s.id = station_service_area.station_id
    ORDER BY a.minutes
$$;

-- stationmap.open_service_areas(mode text, band int, bbox geometry, max_rows int)
-- The stored band of every open, not deleted station whose area meets a box (the planner's coverage layer).
-- Inputs: mode = 'walk' | 'ebike'; band = the minutes, 5, 10 or 15; bbox = a polygon in EPSG:4326 (degrees);
-- max_rows = the most rows returned (rows, by station id).
-- Outputs: station_id, minutes, area_km2 (km²), graph_version, geom (MultiPolygon, EPSG:4326).
-- Relies on service_area_geom_idx (GiST, the && test) and station_pkey (the join).
CREATE FUNCTION stationmap.open_service_areas(mode text, band int, bbox geometry, max_rows int)
RETURNS TABLE (station_id bigint, minutes int, area_km2 double precision, graph_version bigint, geom geometry)
LANGUAGE sql STABLE AS $$
    SELECT a.station_id, a.minutes, a.area_km2, a.graph_version, a.geom
    FROM service_area a JOIN station s ON s.id = a.station_id
    WHERE a.mode = open_service_areas.mode AND a.minutes = band
      AND s.deleted_at IS NULL AND s.status = 'open'
      AND a.geom && open_service_areas.bbox
    ORDER BY a.station_id
    LIMIT open_service_areas.max_rows
$$;

-- stationmap.drop_gone_service_areas() → bigint
-- Removes the stored sets (bands and state) of stations that are deleted or closed permanently: the
-- background job computes none for them, and their old bands must not count as coverage.
-- Output: the number of service_area rows removed.
-- Relies on station_pkey (the join); a sequential pass over service_area_state and service_area.
CREATE FUNCTION stationmap.drop_gone_service_areas()
RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    DELETE FROM service_area_state st USING station s
    WHERE s.id = st.station_id AND (s.deleted_at IS NOT NULL OR s.status = 'closed_permanently');
    WITH gone AS (
        DELETE FROM service_area a USING station s
        WHERE s.id = a.station_id AND (s.deleted_at IS NOT NULL OR s.status = 'closed_permanently')
        RETURNING 1
    )
    SELECT count(*) FROM gone;
$$;

-- stationmap.district_points(layer_id bigint)
-- Which district each point of a planning layer lies in (on the boundary counts as inside).
-- Input: layer_id = a planning_layer id.
-- Outputs: district_id, point_id, one row per (district, point) pair: a point in two overlapping
-- districts appears twice (the caller keeps the lowest district id); a point in none does not appear.
-- District by district over planning_point_geom_idx (GiST), so PostGIS prepares each polygon once for
-- all its points (3-4x faster than a lookup per point); relies on planning_point_geom_idx.
CREATE FUNCTION stationmap.district_points(layer_id bigint)
RETURNS TABLE (district_id bigint, point_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT d.id, p.id FROM district d
    CROSS JOIN LATERAL (SELECT p.id FROM planning_point p
                        WHERE p.layer_id = district_points.layer_id AND ST_Covers(d.geom, p.geom)) p
$$;

-- stationmap.road_tile(z int, x int, y int) → bytea
-- A Mapbox vector tile (source-layer roads) of the active road graph's edges: class (OSM highway),
-- name, oneway (1 when cars may use the edge one way only). Minor classes drop out at low zoom so a
-- tile stays small: all from zoom 14, residential and paths from 13, secondary and tertiary from 12,
-- main roads always.
-- Inputs: z, x, y = the tile (XYZ scheme, Web Mercator); z within 8..16 (checked by the API).
-- Output: the MVT bytes, empty when no edge meets the tile (or no graph is active).
-- Relies on road_edge_geom_idx (GiST): the envelope is transformed to 4326 (the query value, with a
-- 2 % margin), never the indexed column; road_graph_one_active finds the active version.
CREATE FUNCTION stationmap.road_tile(z int, x int, y int)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH bounds AS (
        SELECT ST_TileEnvelope(z, x, y) AS merc, ST_Transform(ST_TileEnvelope(z, x, y, margin => 0.02), 4326) AS wgs
    ),
    graph AS (SELECT version FROM road_graph WHERE state = 'active'),
    tile AS (
        SELECT ST_AsMVTGeom(ST_Transform(e.geom, 3857), b.merc, 4096, 64, true) AS geom,
               e.highway AS class, e.name,
               CASE WHEN (e.car_forward_s IS NULL) <> (e.car_backward_s IS NULL) THEN 1 ELSE 0 END AS oneway
        FROM road_edge e, bounds b, graph g
        WHERE e.graph_version = g.version
          AND e.geom && b.wgs
          AND (z >= 14
               OR e.highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link')
               OR (z >= 12 AND e.highway IN ('secondary', 'secondary_link', 'tertiary', 'tertiary_link'))
               OR (z >= 13 AND e.highway IN ('residential', 'unclassified', 'living_street', 'cycleway', 'pedestrian')))
    )
    SELECT ST_AsMVT(tile, 'roads', 4096, 'geom') FROM tile WHERE geom IS NOT NULL
$$;
