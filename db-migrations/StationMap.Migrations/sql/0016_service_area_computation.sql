-- 0016: a log of service-area computations, one row per station set computed, with the API
-- instance that computed it. With several API instances on one database only the leader of the
-- service-area job (an advisory lock, Leadership in the API) computes; this log is how that is
-- checked from outside: one station change -> one row, by one instance
-- (GET /api/v1/service-areas/status: recent computations). The job deletes rows older than a day.

CREATE TABLE service_area_computation (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    station_id    bigint      NOT NULL,
    graph_version bigint      NOT NULL,
    -- StationMap:InstanceId of the API process (or host-pid-random when unset).
    instance      text        NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT now()
);

-- Per-station history (the status endpoint's ?station=) and the daily prune by age.
CREATE INDEX service_area_computation_station_idx ON service_area_computation (station_id, computed_at);
CREATE INDEX service_area_computation_at_idx ON service_area_computation (computed_at);
