-- 0006: planner inputs: administrative districts, and named point layers of demand (where outdoor
-- workers are, weighted) and candidate sites (where a new station could go).
--
-- All geometries are WGS-84 (SRID 4326); input in GCJ-02 or BD-09 is converted before it is stored.
-- A re-import of districts, or of a layer with the same name, replaces the old rows in one
-- transaction, so readers see either the old complete set or the new one.

CREATE TABLE district (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Administrative code where the source has one (e.g. 330102), else NULL.
    code        text        CHECK (code IS NULL OR length(code) <= 20),
    name        text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    name_en     text        CHECK (name_en IS NULL OR length(name_en) <= 200),
    -- Where the boundaries came from (file name, or 'demo' for the generated ones).
    source      text        NOT NULL,
    is_demo     boolean     NOT NULL DEFAULT false,
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    area_km2    double precision NOT NULL CHECK (area_km2 >= 0),
    imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX district_geom_idx ON district USING gist (geom);
CREATE UNIQUE INDEX district_code_uq ON district (code) WHERE code IS NOT NULL;

-- A named set of points: kind 'demand' (weights = how many workers / orders / people) or
-- 'candidate' (possible new station sites; weight unused, 1).
CREATE TABLE planning_layer (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    kind        text        NOT NULL CHECK (kind IN ('demand', 'candidate')),
    description text        CHECK (description IS NULL OR length(description) <= 1000),
    source      text,
    is_demo     boolean     NOT NULL DEFAULT false,
    point_count integer     NOT NULL DEFAULT 0,
    total_weight double precision NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Bumped on every replace: in-memory caches of a layer key on (id, updated_at).
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE planning_point (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    layer_id    bigint      NOT NULL REFERENCES planning_layer (id) ON DELETE CASCADE,
    label       text        CHECK (label IS NULL OR length(label) <= 200),
    -- Free category from the source: 'restaurant_cluster', 'pickup_hotspot', 'depot', 'population', ...
    category    text        CHECK (category IS NULL OR length(category) <= 64),
    weight      double precision NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight < 'Infinity'::double precision),
    geom        geometry(Point, 4326) NOT NULL
);

CREATE INDEX planning_point_layer_idx ON planning_point (layer_id, id);
CREATE INDEX planning_point_geom_idx ON planning_point USING gist (geom);
