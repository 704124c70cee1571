-- 0016: several road graphs active at once, one per region (a city or a province's extract).
--
-- Importing a region adds or replaces only that region's graph: the swap retires the region's
-- previous version and activates the new one in one transaction, so other regions keep serving.
-- Each graph stores its extent (bounding box of vertices and edge geometry, degrees WGS-84) for
-- GET /api/v1/regions and its hull: the convex hull of its vertices widened by the snap limit
-- (500 m), the area whose points the region answers for. The API keeps the same hulls in memory to
-- send a query to its region; the functions below use them to tell which region a station is in.

DROP INDEX road_graph_one_active;
CREATE UNIQUE INDEX road_graph_one_active_per_region ON road_graph (region) WHERE state = 'active';

ALTER TABLE road_graph
    ADD COLUMN min_lon double precision,
    ADD COLUMN min_lat double precision,
    ADD COLUMN max_lon double precision,
    ADD COLUMN max_lat double precision,
    ADD COLUMN hull    geometry(Polygon, 4326) CHECK (hull IS NULL OR ST_IsValid(hull));

CREATE INDEX road_graph_hull_idx ON road_graph USING gist (hull) WHERE state = 'active';

-- Graphs stored before this migration: extent and hull from their vertices (the importer writes both from now on).
UPDATE road_graph g
SET min_lon = b.min_lon, min_lat = b.min_lat, max_lon = b.max_lon, max_lat = b.max_lat,
    hull = CASE WHEN b.pts IS NULL THEN NULL
                ELSE ST_Buffer(ST_ConvexHull(b.pts)::geography, 500, 'quad_segs=4')::geometry END
FROM (SELECT graph_version, ST_XMin(ST_Extent(geom)) AS min_lon, ST_YMin(ST_Extent(geom)) AS min_lat,
             ST_XMax(ST_Extent(geom)) AS max_lon, ST_YMax(ST_Extent(geom)) AS max_lat, ST_Collect(geom) AS pts
      FROM road_vertex GROUP BY graph_version) b
WHERE b.graph_version = g.version;

-- stationmap.region_graph(location geometry) → (region text, graph_version bigint)
-- The active region whose hull covers a point; where hulls overlap, the most recently imported one
-- (the highest version: the API's in-memory region index picks the same). No row outside every region.
-- Input: location (Point, EPSG:4326). Relies on road_graph_hull_idx (GiST, partial on active graphs).
CREATE FUNCTION stationmap.region_graph(location geometry)
RETURNS TABLE (region text, graph_version bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT g.region, g.version FROM road_graph g
    WHERE g.state = 'active' AND g.hull && location AND ST_Covers(g.hull, location)
    ORDER BY g.version DESC
    LIMIT 1
$$;

-- stationmap.station_region: the region each station is in (region and graph_version NULL outside every region).
CREATE VIEW stationmap.station_region AS
    SELECT s.id AS station_id, r.region, r.graph_version
    FROM station s LEFT JOIN LATERAL stationmap.region_graph(s.location::geometry) r ON true;

-- stationmap.stale_region_stations(loaded bigint[], max_rows int)
-- The next stations (by id) whose service areas the background job must compute, each with the graph
-- of its region: not deleted, not closed permanently, stale by stationmap.service_area_is_stale against
-- its region's version (0 outside every region: the set is then stored as outside_network on 0).
-- Inputs: loaded = the graph versions the caller has in memory (stations of a region whose new version
-- is not loaded yet wait for it); max_rows = batch size (rows).
-- Outputs: id, lon, lat (degrees, EPSG:4326), status, graph_version (0 = no region).
-- Relies on station_pkey (order by id), service_area_state_pkey (the join) and road_graph_hull_idx.
CREATE FUNCTION stationmap.stale_region_stations(loaded bigint[], max_rows int)
RETURNS TABLE (id bigint, lon double precision, lat double precision, status text, graph_version bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.id, ST_X(s.location::geometry), ST_Y(s.location::geometry), s.status, coalesce(r.graph_version, 0)
    FROM station s
    LEFT JOIN service_area_state st ON st.station_id = s.id
    LEFT JOIN LATERAL stationmap.region_graph(s.location::geometry) r ON true
    WHERE s.deleted_at IS NULL AND s.status <> 'closed_permanently'
      AND (r.graph_version IS NULL OR r.graph_version = ANY (loaded))
      AND stationmap.service_area_is_stale(st, s, coalesce(r.graph_version, 0))
    ORDER BY s.id
    LIMIT stale_region_stations.max_rows
$$;

-- stationmap.service_area_region_progress()
-- How far the background job is, each station judged against its own region's graph (0 outside every
-- region): over stations that are not deleted and not closed permanently.
-- Outputs: stations (count), up_to_date (count not stale), outside_network (count whose current set says
-- the station is beyond the road network: outside every region, or farther than the snap limit from a road).
CREATE FUNCTION stationmap.service_area_region_progress()
RETURNS TABLE (stations bigint, up_to_date bigint, outside_network bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*),
           count(*) FILTER (WHERE NOT stationmap.service_area_is_stale(st, s, coalesce(r.graph_version, 0))),
           count(*) FILTER (WHERE st.outcome = 'outside_network' AND st.graph_version = coalesce(r.graph_version, 0))
    FROM station s
    LEFT JOIN service_area_state st ON st.station_id = s.id
    LEFT JOIN LATERAL stationmap.region_graph(s.location::geometry) r ON true
    WHERE s.deleted_at IS NULL AND s.status <> 'closed_permanently'
$$;
