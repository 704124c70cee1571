-- 0005: indexes behind road_edge's foreign keys to road_vertex. Without them, removing a replaced
-- graph version checks every edge once per deleted vertex (minutes for a 300,000-edge graph).
CREATE INDEX road_edge_source_idx ON road_edge (graph_version, source);
CREATE INDEX road_edge_target_idx ON road_edge (graph_version, target);
