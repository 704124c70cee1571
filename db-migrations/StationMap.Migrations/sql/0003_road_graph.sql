-- 0003: the routable road graph (imported from OpenStreetMap or generated as demo data).
--
-- Every import writes a new graph version in state 'loading'; activation flips it to 'active'
-- and the previous one to 'retired' in one transaction, so readers always see one complete graph.
-- Vertex and edge ids are dense and 0-based within a version (the routing engine's array indexes).
-- Per-mode travel seconds are NULL where the mode may not use the edge in that direction
-- (one-way streets, motorways for e-bikes and pedestrians, footways for cars, access tags).

CREATE TABLE road_graph (
    version       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region        text        NOT NULL CHECK (length(btrim(region)) BETWEEN 1 AND 200),
    source        text        NOT NULL CHECK (source IN ('osm', 'demo', 'synthetic')),
    source_file   text,
    -- Shown with every result drawn from this graph, e.g. '© OpenStreetMap contributors'.
    attribution   text,
    state         text        NOT NULL DEFAULT 'loading' CHECK (state IN ('loading', 'active', 'retired')),
    vertex_count  integer     NOT NULL DEFAULT 0,
    edge_count    integer     NOT NULL DEFAULT 0,
    -- Import statistics (ways read, edges per road class, km per mode, seconds taken, ...).
    stats         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- The speed/access profile the travel seconds were computed with.
    profile       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    activated_at  timestamptz
);

CREATE UNIQUE INDEX road_graph_one_active ON road_graph ((true)) WHERE state = 'active';

CREATE TABLE road_vertex (
    graph_version bigint  NOT NULL REFERENCES road_graph (version) ON DELETE CASCADE,
    id            integer NOT NULL CHECK (id >= 0),
    osm_node_id   bigint,
    geom          geometry(Point, 4326) NOT NULL,
    PRIMARY KEY (graph_version, id)
);

CREATE TABLE road_edge (
    graph_version    bigint  NOT NULL REFERENCES road_graph (version) ON DELETE CASCADE,
    id               integer NOT NULL CHECK (id >= 0),
    source           integer NOT NULL,
    target           integer NOT NULL,
    osm_way_id       bigint,
    highway          text    NOT NULL,
    name             text,
    length_m         double precision NOT NULL CHECK (length_m >= 0),
    walk_forward_s   real CHECK (walk_forward_s >= 0),
    walk_backward_s  real CHECK (walk_backward_s >= 0),
    ebike_forward_s  real CHECK (ebike_forward_s >= 0),
    ebike_backward_s real CHECK (ebike_backward_s >= 0),
    car_forward_s    real CHECK (car_forward_s >= 0),
    car_backward_s   real CHECK (car_backward_s >= 0),
    geom             geometry(LineString, 4326) NOT NULL,
    PRIMARY KEY (graph_version, id),
    FOREIGN KEY (graph_version, source) REFERENCES road_vertex (graph_version, id) ON DELETE CASCADE,
    FOREIGN KEY (graph_version, target) REFERENCES road_vertex (graph_version, id) ON DELETE CASCADE
);

CREATE INDEX road_edge_geom_idx ON road_edge USING gist (geom);
