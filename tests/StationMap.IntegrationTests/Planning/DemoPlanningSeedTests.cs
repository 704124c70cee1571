using StationMap.Api.Features.Planning;
using StationMap.Api.Features.RoadNetwork;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Planning;

public sealed class DemoPlanningSeedTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Seeding_loads_demo_districts_and_layers_on_the_demo_network_once()
    {
        await using var conn = await api.OpenAsync();
        await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(), DemoRoadNetwork.Region, "demo", null, null, "{}");
        await DemoPlanningSeed.SeedMissingAsync(conn, TextWriter.Null);
        await DemoPlanningSeed.SeedMissingAsync(conn, TextWriter.Null);   // a second run adds nothing

        Assert.Equal(5L, await api.ScalarAsync<long>("SELECT count(*) FROM district WHERE is_demo AND source = 'demo' AND name_en LIKE '%(demo)'"));
        var box = DemoRoadNetwork.Extent;
        // The districts tile the network's bounding box: no gaps, no overlaps (planar areas in square degrees;
        // 1e-6 deg² ≈ 0.01 km², above the vertices' rounding to 1e-7°).
        var boxArea = (box.East - box.West) * (box.North - box.South);
        Assert.Equal(boxArea, await api.ScalarAsync<double>("SELECT ST_Area(ST_Union(geom)) FROM district"), 6);
        Assert.Equal(boxArea, await api.ScalarAsync<double>("SELECT sum(ST_Area(geom)) FROM district"), 6);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM district a JOIN district b ON a.id < b.id AND ST_Area(ST_Intersection(a.geom, b.geom)) > 1e-9"));

        Assert.InRange(await api.ScalarAsync<int>("SELECT point_count FROM planning_layer WHERE name = 'demo-demand' AND kind = 'demand' AND is_demo"), 2700, 3300);
        Assert.InRange(await api.ScalarAsync<int>("SELECT point_count FROM planning_layer WHERE name = 'demo-candidates' AND kind = 'candidate' AND is_demo"), 300, 500);
        Assert.Equal(await api.ScalarAsync<int>("SELECT point_count FROM planning_layer WHERE name = 'demo-demand'"),
            (int)await api.ScalarAsync<long>("SELECT count(*) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id WHERE l.name = 'demo-demand'"));

        // Every candidate within 50 m of a stored road open to e-bikes, every demand point within 500 m of one (on the network).
        const string far = """
            SELECT count(*) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id AND l.name = $1
            WHERE NOT EXISTS (SELECT 1 FROM road_edge e WHERE (e.ebike_forward_s IS NOT NULL OR e.ebike_backward_s IS NOT NULL)
                              AND ST_DWithin(e.geom, p.geom, $2 / 90000.0)   -- degrees, wider than $2 metres here: the GiST prefilter
                              AND ST_DWithin(e.geom::geography, p.geom::geography, $2))
            """;
        Assert.Equal(0L, await api.ScalarAsync<long>(far, "demo-candidates", 50.0));
        Assert.Equal(0L, await api.ScalarAsync<long>(far, "demo-demand", 500.0));
    }
}

public sealed class DemoPlanningSeedOverImportedDataTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Seeding_keeps_imported_districts_and_skips_a_database_whose_graph_is_not_the_demo_network()
    {
        await using var conn = await api.OpenAsync();
        var square = new NetTopologySuite.Geometries.GeometryFactory().ToGeometry(new NetTopologySuite.Geometries.Envelope(104, 104.1, 30.6, 30.7));
        await DistrictImport.ReplaceAllAsync(conn, [new DistrictInput("510104", "锦江区", null, square)], "test", false);
        await DemoPlanningSeed.SeedMissingAsync(conn, TextWriter.Null);
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM district WHERE NOT is_demo"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM district WHERE is_demo"));
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_layer WHERE is_demo"));

        await using (var cmd = new Npgsql.NpgsqlCommand(
            "DELETE FROM planning_layer; INSERT INTO road_graph (region, source, state) VALUES ('Chengdu', 'osm', 'active')", conn))
            await cmd.ExecuteNonQueryAsync();
        var output = new StringWriter();
        await DemoPlanningSeed.SeedMissingAsync(conn, output);
        Assert.Contains("not the demo network", output.ToString());
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_layer"));
    }
}
