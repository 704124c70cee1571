-- 0004: precomputed service areas ("15-minute service circles") and nearest-station-by-time per
-- road vertex, both tied to the road graph version they were computed on.
--
-- A station's set of bands (walk/e-bike × 5/10/15 min) is replaced in one transaction together
-- with its service_area_state row, so a reader sees either the old complete set or the new one.

CREATE TABLE service_area (
    station_id      bigint  NOT NULL REFERENCES station (id) ON DELETE CASCADE,
    mode            text    NOT NULL CHECK (mode IN ('walk', 'ebike', 'car')),
    minutes         integer NOT NULL CHECK (minutes BETWEEN 1 AND 60),
    -- No foreign key: a set stays readable (and is reported stale) after its graph is replaced.
    graph_version   bigint  NOT NULL,
    geom            geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    area_km2        double precision NOT NULL CHECK (area_km2 >= 0),
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, mode, minutes)
);

CREATE INDEX service_area_geom_idx ON service_area USING gist (geom);

-- What each station's current set was computed from, so the background job can tell what is stale:
-- another graph version, a moved station, or a changed status.
CREATE TABLE service_area_state (
    station_id       bigint  PRIMARY KEY REFERENCES station (id) ON DELETE CASCADE,
    graph_version    bigint  NOT NULL,
    station_location geography(Point, 4326) NOT NULL,
    station_status   text    NOT NULL,
    -- ok: bands stored; outside_network: the station is farther than the snap limit from any usable road.
    outcome          text    NOT NULL CHECK (outcome IN ('ok', 'outside_network')),
    snap_distance_m  double precision,
    computed_at      timestamptz NOT NULL DEFAULT now()
);

-- For every road vertex and mode: the station reached fastest from it and the travel seconds
-- (one multi-source search per mode over the reverse graph from all open stations).
CREATE TABLE vertex_station (
    graph_version bigint  NOT NULL REFERENCES road_graph (version) ON DELETE CASCADE,
    mode          text    NOT NULL CHECK (mode IN ('walk', 'ebike', 'car')),
    vertex_id     integer NOT NULL,
    station_id    bigint  NOT NULL,
    seconds       real    NOT NULL CHECK (seconds >= 0),
    PRIMARY KEY (graph_version, mode, vertex_id)
);

-- Wake the service-area job when a station appears, moves, changes status or is deleted.
CREATE FUNCTION stationmap.station_routing_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR NEW.location IS DISTINCT FROM OLD.location
       OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at THEN
        PERFORM pg_notify('stationmap_station', NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER station_routing_notify
    AFTER INSERT OR UPDATE ON station
    FOR EACH ROW EXECUTE FUNCTION stationmap.station_routing_notify();
