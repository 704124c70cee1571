-- 0010: the gap surface's hexagon SQL as functions, called with parameters only (the projected SRID
-- and the row cap used to be spliced into the command text).

-- stationmap.gap_hexagons(area geometry, srid int, cell_m double precision, max_cells int)
-- The hexagons of a metric grid that meet an area, for the gap surface of a bbox or a district.
-- Inputs: area = a (Multi)Polygon in EPSG:4326 (degrees); srid = the UTM zone the grid is laid in
-- (metres, chosen by the caller from the area's centre); cell_m = hexagon edge in metres;
-- max_cells = the most rows returned (the caller asks for its limit + 1 to tell "too many").
-- Outputs: lon, lat (the hexagon's centroid, EPSG:4326) and geom (the hexagon, EPSG:4326).
-- Relies on no index: ST_HexagonGrid generates the cells over the area's extent.
CREATE FUNCTION stationmap.gap_hexagons(area geometry, srid int, cell_m double precision, max_cells int)
RETURNS TABLE (lon double precision, lat double precision, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH a AS (SELECT ST_Transform(area, srid) AS g)
    SELECT ST_X(ST_Transform(ST_Centroid(h.geom), 4326)), ST_Y(ST_Transform(ST_Centroid(h.geom), 4326)), ST_Transform(h.geom, 4326)
    FROM a, ST_HexagonGrid(cell_m, a.g) h
    WHERE ST_Intersects(h.geom, a.g)
    LIMIT max_cells
$$;

-- stationmap.gap_tile_cells(z int, x int, y int, cell double precision, network geometry)
-- The hexagons of a Web Mercator tile's grid that meet the road network's extent.
-- Inputs: z/x/y = the tile; cell = hexagon edge in EPSG:3857 units (ground metres / cos(latitude));
-- network = the road graph's bounding box, EPSG:4326.
-- Outputs: i, j (the grid cell, stable across tiles for one cell size) and lon, lat (its centroid, EPSG:4326).
CREATE FUNCTION stationmap.gap_tile_cells(z int, x int, y int, cell double precision, network geometry)
RETURNS TABLE (i int, j int, lon double precision, lat double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH t AS (SELECT ST_TileEnvelope(z, x, y) AS e),
         net AS (SELECT ST_Transform(network, 3857) AS g)
    SELECT h.i, h.j, ST_X(ST_Transform(ST_Centroid(h.geom), 4326)), ST_Y(ST_Transform(ST_Centroid(h.geom), 4326))
    FROM t, net, ST_HexagonGrid(cell, t.e) h
    WHERE ST_Intersects(h.geom, t.e) AND ST_Intersects(h.geom, net.g)
$$;

-- stationmap.gap_tile(z int, x int, y int, cell double precision, cells_i int[], cells_j int[], minutes real[], covered boolean[])
-- The gap surface tile as MVT (layer 'gaps', extent 4096, buffer 64): the cells of gap_tile_cells
-- with their travel minutes (-1 = off the network) and whether they are within the cut-off.
-- Inputs: the tile and cell size as for gap_tile_cells; four arrays of the same length, one entry per cell.
-- Output: the tile's bytes (empty when no cell is drawn).
CREATE FUNCTION stationmap.gap_tile(z int, x int, y int, cell double precision,
                                    cells_i int[], cells_j int[], minutes real[], covered boolean[])
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH t AS (SELECT ST_TileEnvelope(z, x, y) AS e),
         v AS (SELECT * FROM unnest(cells_i, cells_j, minutes, covered) AS v(i, j, minutes, covered)),
         tile AS (
            SELECT ST_AsMVTGeom(h.geom, t.e, 4096, 64, true) AS geom, v.minutes, v.covered
            FROM t, ST_HexagonGrid(cell, t.e) h JOIN v ON v.i = h.i AND v.j = h.j
         )
    SELECT ST_AsMVT(tile, 'gaps', 4096, 'geom') FROM tile WHERE geom IS NOT NULL
$$;
