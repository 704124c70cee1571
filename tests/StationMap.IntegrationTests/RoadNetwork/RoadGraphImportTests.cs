using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.RoadNetwork;

public sealed class RoadGraphImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    async Task<long> ImportAsync(NpgsqlConnection conn, string file)
    {
        var built = OsmGraphBuilder.Build(SharedData.Osm(file), RoadProfile.Default());
        return await RoadGraphStore.SaveAndActivateAsync(conn, built, file, "osm", file, RoadGraphStore.OsmAttribution, "{}");
    }

    [Fact]
    public async Task Real_extracts_import_with_plausible_counts_exact_geometry_and_geodesic_lengths()
    {
        await using var conn = await api.OpenAsync();
        foreach (var (file, vertices, edges) in new[] { ("chengdu_central_2018.osm", 3728, 5273), ("shanghai_peoples_square_2026.osm", 782, 1175) })
        {
            var version = await ImportAsync(conn, file);
            var (nv, ne) = (await api.ScalarAsync<int>($"SELECT vertex_count FROM road_graph WHERE version = {version}"),
                            await api.ScalarAsync<int>($"SELECT edge_count FROM road_graph WHERE version = {version}"));
            // osm2pgrouting's counts for the same files, for scale: within 10 %.
            Assert.InRange(nv, vertices * 0.9, vertices * 1.1);
            Assert.InRange(ne, edges * 0.9, edges * 1.1);
            Assert.Equal(0L, await api.ScalarAsync<long>($"""
                SELECT count(*) FROM road_edge e
                JOIN road_vertex s ON s.graph_version = e.graph_version AND s.id = e.source
                JOIN road_vertex t ON t.graph_version = e.graph_version AND t.id = e.target
                WHERE e.graph_version = {version}
                  AND NOT (ST_Equals(ST_StartPoint(e.geom), s.geom) AND ST_Equals(ST_EndPoint(e.geom), t.geom))
                """));
            Assert.Equal(0L, await api.ScalarAsync<long>($"""
                SELECT count(*) FROM road_edge WHERE graph_version = {version}
                  AND abs(length_m - ST_Length(geom::geography)) > 0.005 * ST_Length(geom::geography) + 0.05
                """));
            Assert.Equal(0L, await api.ScalarAsync<long>($"""
                SELECT count(*) FROM road_edge WHERE graph_version = {version}
                  AND highway IN ('motorway', 'motorway_link') AND (ebike_forward_s IS NOT NULL OR walk_forward_s IS NOT NULL)
                """));
            Assert.True(await api.ScalarAsync<long>($"SELECT count(*) FROM road_edge WHERE graph_version = {version} AND car_backward_s IS NULL AND car_forward_s IS NOT NULL") > 100);
        }
        // Each file is a region of its own (named after the file): both stay active, one version each.
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM road_graph WHERE region = 'chengdu_central_2018.osm'"));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM road_graph WHERE region = 'shanghai_peoples_square_2026.osm' AND state = 'active'"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM road_graph WHERE state <> 'active'"));
    }

    [Fact]
    public async Task A_failed_import_leaves_the_previous_graph_active_and_nothing_half_written()
    {
        await using var conn = await api.OpenAsync();
        var version = await ImportAsync(conn, "shanghai_peoples_square_2026.osm");
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.osm");
        var text = await File.ReadAllTextAsync(SharedData.Osm("shanghai_peoples_square_2026.osm"));
        await File.WriteAllTextAsync(path, text[..(text.Length * 2 / 3)]);
        try { Assert.Throws<FormatException>(() => OsmGraphBuilder.Build(path, RoadProfile.Default())); }
        finally { File.Delete(path); }

        // A store that fails half-way (a duplicate edge id violates the key) rolls back to the old graph.
        var built = OsmGraphBuilder.Build(SharedData.Osm("shanghai_peoples_square_2026.osm"), RoadProfile.Default());
        built.Graph.EdgeSource[1] = 1_000_000;   // no such vertex: the foreign key fails during COPY
        await Assert.ThrowsAsync<PostgresException>(() =>
            RoadGraphStore.SaveAndActivateAsync(conn, built, "broken", "osm", null, null, "{}"));
        Assert.Equal(version, await api.ScalarAsync<long>("SELECT version FROM road_graph WHERE state = 'active' AND region = 'shanghai_peoples_square_2026.osm'"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM road_graph WHERE region = 'broken' OR state <> 'active'"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM road_edge e WHERE NOT EXISTS (SELECT 1 FROM road_graph g WHERE g.version = e.graph_version AND g.state = 'active')"));
    }

    [Fact]
    public async Task The_active_graph_loads_back_into_the_same_arrays()
    {
        await using var conn = await api.OpenAsync();
        var built = OsmGraphBuilder.Build(SharedData.Osm("shanghai_peoples_square_2026.osm"), RoadProfile.Default());
        var version = await RoadGraphStore.SaveAndActivateAsync(conn, built, "Shanghai", "osm", null, RoadGraphStore.OsmAttribution, "{}");
        var (info, data) = (await RoadGraphStore.LoadActiveAsync(conn, "Shanghai"))!.Value;
        Assert.Equal(version, info.Version);
        Assert.Equal(RoadGraphStore.OsmAttribution, info.Attribution);
        var g = built.Graph;
        Assert.Equal(g.EdgeSource, data.EdgeSource);
        Assert.Equal(g.EdgeTarget, data.EdgeTarget);
        Assert.Equal(g.GeometryOffsets, data.GeometryOffsets);
        Assert.Equal(g.GeometryLon, data.GeometryLon);
        Assert.Equal(g.VertexLat, data.VertexLat);
        for (var m = 0; m < 3; m++)
        {
            Assert.Equal(g.ForwardSeconds[m], data.ForwardSeconds[m]);
            Assert.Equal(g.BackwardSeconds[m], data.BackwardSeconds[m]);
        }
    }
}
