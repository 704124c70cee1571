-- 0015: stations as Mapbox vector tiles (GET /api/v1/tiles/stations/{z}/{x}/{y}.mvt).
--
-- Opening hours are evaluated in C# (the OSM opening_hours engine), not in SQL, so "open now" for a
-- tile of 100,000 stations must not evaluate anything per request: station_open_state holds each
-- station's state now and the instant it stays valid until (its next change). The API's background
-- job (StationOpenStates) re-evaluates only the rows whose validity ran out, and the stations whose
-- row changed, and writes through stationmap.set_open_states; the tile SQL just joins the table.
--
-- Clusters of the low zooms (below 12) come from a pyramid, station_cluster, rebuilt by the same job
-- when the station set or the open states changed (stationmap.rebuild_station_clusters, a few
-- seconds for 100,000 stations), so a province tile reads a few hundred rows instead of
-- aggregating every station per request.
--
-- station_tile_version versions what a tile shows, for ETags: stations (bumped by every statement
-- that changes station rows, in the writer's transaction, so a reader never sees a new version with
-- old rows) and open_states (bumped by set_open_states when some state changed).

CREATE TABLE station_open_state (
    station_id   bigint      PRIMARY KEY REFERENCES station (id) ON DELETE CASCADE,
    -- OpenStateView.State at evaluated_at: 'open' | 'closed' | 'unknown'.
    state        text        NOT NULL CHECK (state IN ('open', 'closed', 'unknown')),
    -- The state holds until this instant (its next change, or a re-check horizon).
    valid_until  timestamptz NOT NULL,
    evaluated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE station_tile_version (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    stations    bigint  NOT NULL DEFAULT 1,
    open_states bigint  NOT NULL DEFAULT 1
);
INSERT INTO station_tile_version DEFAULT VALUES;

CREATE FUNCTION stationmap.station_tile_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE station_tile_version SET stations = stations + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER station_tile_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON station
    FOR EACH STATEMENT EXECUTE FUNCTION stationmap.station_tile_version_bump();

-- The pyramid: cells of a 16th of a tile side at zooms 0..15 (cx, cy = cell column and row from the
-- top-left of the world, 2^z × 16 per axis; zooms 12..15 serve the tiles that hold too many stations
-- to list), with the members' count, how many are open now and
-- their mean position in EPSG:3857 metres. Only live stations; a version of its own (in its own
-- row, so a rebuild never holds a lock that station writes wait for).
CREATE TABLE station_cluster (
    z          smallint NOT NULL,
    cx         integer  NOT NULL,
    cy         integer  NOT NULL,
    count      integer  NOT NULL,
    open_count integer  NOT NULL,
    x          double precision NOT NULL,
    y          double precision NOT NULL,
    PRIMARY KEY (z, cx, cy)
);

CREATE TABLE station_cluster_version (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version        bigint  NOT NULL DEFAULT 0,
    -- the station_tile_version it was built from
    of_stations    bigint  NOT NULL DEFAULT 0,
    of_open_states bigint  NOT NULL DEFAULT 0
);
INSERT INTO station_cluster_version DEFAULT VALUES;

-- stationmap.rebuild_station_clusters(force boolean) → boolean
-- Rebuilds station_cluster from station and station_open_state when station_tile_version moved since
-- the last build (or force), and bumps station_cluster_version.version. Several instances: one
-- builds (transaction-scoped advisory lock), the others return false at once.
-- Output: true when it rebuilt. Cost: one pass over the live stations (their 3857 position) for
-- zoom 15, then each zoom from the one above (rows of station_cluster, far fewer).
-- Relies on station_cluster_pkey (z first) for the zoom-by-zoom passes.
CREATE FUNCTION stationmap.rebuild_station_clusters(force boolean)
RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_stations bigint;
    v_open bigint;
    world constant double precision := 20037508.342789244;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('stationmap station_cluster rebuild')) THEN RETURN false; END IF;
    SELECT stations, open_states INTO v_stations, v_open FROM station_tile_version;
    IF NOT force AND EXISTS (SELECT 1 FROM station_cluster_version WHERE of_stations = v_stations AND of_open_states = v_open) THEN
        RETURN false;
    END IF;
    DELETE FROM station_cluster;
    INSERT INTO station_cluster (z, cx, cy, count, open_count, x, y)
    SELECT 15, floor((p.x + world) / (2 * world / 524288))::int, floor((world - p.y) / (2 * world / 524288))::int,
           count(*), count(*) FILTER (WHERE p.open), avg(p.x), avg(p.y)
    FROM (SELECT ST_X(m) AS x, ST_Y(m) AS y, s.status = 'open' AND o.state = 'open' AS open
          FROM station s
          CROSS JOIN LATERAL ST_Transform(s.geom, 3857) AS m
          LEFT JOIN station_open_state o ON o.station_id = s.id
          WHERE s.deleted_at IS NULL) p
    GROUP BY 2, 3;
    FOR level IN REVERSE 14..0 LOOP
        INSERT INTO station_cluster (z, cx, cy, count, open_count, x, y)
        SELECT level, c.cx >> 1, c.cy >> 1, sum(c.count), sum(c.open_count),
               sum(c.x * c.count) / sum(c.count), sum(c.y * c.count) / sum(c.count)
        FROM station_cluster c WHERE c.z = level + 1
        GROUP BY c.cx >> 1, c.cy >> 1;
    END LOOP;
    UPDATE station_cluster_version SET version = version + 1, of_stations = v_stations, of_open_states = v_open;
    RETURN true;
END $$;

-- stationmap.station_cluster_tile(z int, x int, y int) → bytea
-- The clusters of a tile at zoom 0..15 from the pyramid (station_cluster), as a Mapbox vector tile,
-- source-layer stations, extent 4096: a point at each cell's mean with cluster = true, count,
-- open_count; no feature id. Empty when the tile holds no station.
-- Relies on station_cluster_pkey (z, cx range; cy filtered).
CREATE FUNCTION stationmap.station_cluster_tile(z int, x int, y int)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH b AS (SELECT ST_TileEnvelope(z, x, y) AS merc),
    t AS (
        SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(c.x, c.y), 3857), b.merc, 4096, 64, true) AS geom,
               true AS cluster, c.count, c.open_count
        FROM station_cluster c, b
        WHERE c.z = station_cluster_tile.z
          AND c.cx BETWEEN station_cluster_tile.x * 16 AND station_cluster_tile.x * 16 + 15
          AND c.cy BETWEEN station_cluster_tile.y * 16 AND station_cluster_tile.y * 16 + 15
    )
    SELECT coalesce(ST_AsMVT(t, 'stations', 4096, 'geom'), ''::bytea) FROM t WHERE geom IS NOT NULL
$$;

-- stationmap.set_open_states(ids bigint[], states text[], valid_until timestamptz[]) → bigint
-- Writes evaluated open states (same-length arrays, one element per station); stations that no
-- longer exist are skipped; rows equal to what is stored are not rewritten. Bumps
-- station_tile_version.open_states when some station's state changed (a later valid_until alone
-- does not change a tile).
-- Output: the number of stations whose state changed.
-- Relies on station_open_state_pkey and station_pkey.
CREATE FUNCTION stationmap.set_open_states(ids bigint[], states text[], valid_until timestamptz[])
RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    WITH i AS (
        SELECT u.station_id, u.state, u.valid_until
        FROM unnest(ids, states, valid_until) AS u(station_id, state, valid_until)
        WHERE EXISTS (SELECT 1 FROM station s WHERE s.id = u.station_id)
    ),
    changed AS (
        SELECT count(*) AS n FROM i LEFT JOIN station_open_state o USING (station_id)
        WHERE o.state IS DISTINCT FROM i.state
    ),
    up AS (
        INSERT INTO station_open_state AS o (station_id, state, valid_until)
        SELECT station_id, state, valid_until FROM i
        ON CONFLICT (station_id) DO UPDATE SET state = excluded.state, valid_until = excluded.valid_until, evaluated_at = now()
        WHERE (o.state, o.valid_until) IS DISTINCT FROM (excluded.state, excluded.valid_until)
        RETURNING 1
    ),
    bump AS (
        UPDATE station_tile_version SET open_states = open_states + 1
        WHERE (SELECT n FROM changed) > 0
        RETURNING 1
    )
    SELECT n FROM changed, (SELECT count(*) FROM up) u, (SELECT count(*) FROM bump) b
$$;

-- stationmap.station_tile(z int, x int, y int, cluster_cell int, max_stations int, kinds text[]) → bytea
-- A Mapbox vector tile, source-layer stations, of the live (not deleted) stations in the tile
-- (XYZ scheme, Web Mercator, extent 4096, a 64-unit buffer).
-- Inputs: z, x, y = the tile (checked by the API); cluster_cell = the side of a cluster cell in tile
-- units (4096 per tile), 0 = one feature per station; max_stations = with cluster_cell 0, a tile
-- holding more stations than this is clustered instead, so a tile stays small whatever the density:
-- from the pyramid (station_cluster_tile) up to zoom 15 when there is no filter, otherwise with
-- cells of 128 units made here; kinds = service kinds of which a station must host one (empty = all).
-- Outputs: the MVT bytes, empty when no station is in the tile.
--   clusters: point at the members' mean position; cluster = true, count, open_count (members open
--             now per station_open_state); no feature id. Cells are aligned to the tile, and only
--             stations inside the tile (not its buffer) count, so a station is in one cluster only.
--   stations: feature id = station id; id, name, tier, open_state ('open' | 'closed' | 'unknown':
--             'closed' for a station not in status open, 'unknown' while its state is not yet
--             evaluated). Stations in the buffer are repeated, so symbols at a tile edge are whole.
-- Relies on station_geom_gist (GiST on the 4326 geom, live rows): the envelope is transformed to
-- 4326 (the query value), never the indexed column; station_open_state_pkey for the join.
CREATE FUNCTION stationmap.station_tile(z int, x int, y int, cluster_cell int, max_stations int, kinds text[])
RETURNS bytea
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    merc geometry := ST_TileEnvelope(z, x, y);
    wgs geometry := ST_Transform(ST_TileEnvelope(z, x, y, margin => 64.0 / 4096), 4326);
    cell int := cluster_cell;
    result bytea;
BEGIN
    IF cell = 0 THEN
        IF (SELECT count(*) FROM (SELECT 1 FROM station s
                                  WHERE s.deleted_at IS NULL AND s.geom && wgs
                                    AND (cardinality(kinds) = 0 OR s.service_kinds && kinds)
                                  LIMIT max_stations + 1) c) > max_stations THEN
            IF z <= 15 AND cardinality(kinds) = 0 THEN
                RETURN stationmap.station_cluster_tile(z, x, y);
            END IF;
            cell := 128;
        ELSE
            SELECT ST_AsMVT(t, 'stations', 4096, 'geom', 'fid') INTO result FROM (
                SELECT ST_AsMVTGeom(ST_Transform(s.geom, 3857), merc, 4096, 64, true) AS geom,
                       s.id AS fid, s.id, s.name, s.tier,
                       CASE WHEN s.status <> 'open' THEN 'closed' ELSE coalesce(o.state, 'unknown') END AS open_state
                FROM station s LEFT JOIN station_open_state o ON o.station_id = s.id
                WHERE s.deleted_at IS NULL AND s.geom && wgs
                  AND (cardinality(kinds) = 0 OR s.service_kinds && kinds)
            ) t WHERE t.geom IS NOT NULL;
            RETURN coalesce(result, ''::bytea);
        END IF;
    END IF;
    SELECT ST_AsMVT(t, 'stations', 4096, 'geom') INTO result FROM (
        SELECT ST_SetSRID(ST_MakePoint(round(avg(p.px)), round(avg(p.py))), 0) AS geom, true AS cluster,
               count(*)::int AS count, (count(*) FILTER (WHERE p.open))::int AS open_count
        FROM (
            -- Tile coordinates: x right, y down from the tile's top-left corner, 4096 units a side.
            SELECT (ST_X(m) - ST_XMin(merc)) / (ST_XMax(merc) - ST_XMin(merc)) * 4096 AS px,
                   (ST_YMax(merc) - ST_Y(m)) / (ST_YMax(merc) - ST_YMin(merc)) * 4096 AS py,
                   s.status = 'open' AND o.state = 'open' AS open
            FROM station s
            CROSS JOIN LATERAL ST_Transform(s.geom, 3857) AS m
            LEFT JOIN station_open_state o ON o.station_id = s.id
            WHERE s.deleted_at IS NULL AND s.geom && wgs
              AND (cardinality(kinds) = 0 OR s.service_kinds && kinds)
        ) p
        WHERE p.px >= 0 AND p.px < 4096 AND p.py >= 0 AND p.py < 4096
        GROUP BY floor(p.px / cell), floor(p.py / cell)
    ) t;
    RETURN coalesce(result, ''::bytea);
END $$;
