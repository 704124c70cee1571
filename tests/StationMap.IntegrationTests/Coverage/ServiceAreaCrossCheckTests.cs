using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.ServiceAreas;
using StationMap.IntegrationTests.Infrastructure;
using StationMap.Routing;

namespace StationMap.IntegrationTests.Coverage;

/// <summary>
/// Coverage from the in-memory access field against an independent computation on the real
/// Chengdu extract: demand points inside the union of the stations' stored 15-minute walking service
/// areas (PostGIS ST_Covers). Walking, so that 25 stations leave plenty of boundary in the extract.
/// Demand points lie on roads open to walking, so snapping adds no distance of its own.
/// The two models differ by construction in three ways, and the tolerance names each:
/// (1) the polygons are traced on a 30 m raster and simplified by half a cell: a disagreement within
/// 180 m (the 120 m off-road margin + two cells) of the union's edge is resolution;
/// (2) the polygons extend up to 120 m off a reached road at walking pace, so a point whose network
/// time exceeds the cut-off by less than that margin's walk (120 m at 5 km/h ≈ 86 s) may be inside;
/// (3) the polygons fill small holes and bridge road fragments that the network does not connect
/// to any station (network time ∞ within the hour): those points are counted and left out.
/// Every other point must agree, and the disagreements of (1) and (2) stay under 4 % of the demand.
/// </summary>
public sealed class ServiceAreaCrossCheckTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    const double ToleranceM = 180;
    const double OffRoadMarginM = 120;

    [Fact]
    public async Task Coverage_agrees_with_demand_inside_the_union_of_stored_service_areas_on_Chengdu()
    {
        const string file = "chengdu_central_2018.osm";
        await using var conn = await api.OpenAsync();
        if (await RoadGraphStore.ActiveInfoAsync(conn, file) is null)
        {
            var built = OsmGraphBuilder.Build(SharedData.Osm(file), RoadProfile.Default());
            await RoadGraphStore.SaveAndActivateAsync(conn, built, file, "osm", file, RoadGraphStore.OsmAttribution, "{}");
        }
        var host = api.Services.GetRequiredService<GraphHost>();
        await host.ReloadIfChangedAsync();
        var graph = host.Regions[file]!;
        await Execute(conn, $"""
            SELECT setseed(0.77);
            INSERT INTO station (name, location)
            SELECT 'check ' || id, ST_StartPoint(geom)::geography FROM road_edge
            WHERE graph_version = {graph.Info.Version} AND walk_forward_s IS NOT NULL AND walk_backward_s IS NOT NULL
            ORDER BY random() LIMIT 25;
            INSERT INTO planning_layer (name, kind) VALUES ('chengdu-check', 'demand');
            INSERT INTO planning_point (layer_id, weight, geom)
            SELECT (SELECT id FROM planning_layer WHERE name = 'chengdu-check'), 1 + floor(random() * 4), ST_LineInterpolatePoint(geom, random())
            FROM road_edge
            WHERE graph_version = {graph.Info.Version} AND walk_forward_s IS NOT NULL AND walk_backward_s IS NOT NULL AND highway <> 'service'
            ORDER BY random() LIMIT 3000;
            """);
        await api.Services.GetRequiredService<ServiceAreaJob>().RunPassAsync();

        var engine = api.Services.GetRequiredService<CoverageEngine>();
        var demand = (await engine.DemandAsync(graph, TravelMode.Walk, "chengdu-check", default))!;
        var scenario = await engine.StationsAsync(null, default);
        Assert.Equal(25, scenario.Stations.Count);
        var times = engine.Times(engine.Field(graph, TravelMode.Walk, scenario.Stations), demand);

        // PostGIS side: inside the union of the stored polygons, and the distance to its boundary in metres.
        var inside = new Dictionary<long, (bool Covered, double BoundaryM)>();
        await using (var cmd = new NpgsqlCommand("""
            WITH u AS (SELECT ST_Union(geom) AS g FROM service_area WHERE mode = 'walk' AND minutes = 15)
            SELECT p.id, ST_Covers(u.g, p.geom), ST_Distance(p.geom::geography, ST_Boundary(u.g)::geography)
            FROM planning_point p, u WHERE p.layer_id = (SELECT id FROM planning_layer WHERE name = 'chengdu-check')
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) inside[r.GetInt64(0)] = (r.GetBoolean(1), r.GetDouble(2));

        double total = 0, disagree = 0, covered = 0, fragments = 0;
        var unexplained = new List<string>();
        for (var i = 0; i < demand.Count; i++)
        {
            var w = demand.Weight[i];
            var t = times.Seconds[i];
            if (!double.IsFinite(t)) { fragments += w; continue; }
            total += w;
            var mine = demand.OnNetwork[i] && t <= 900;
            if (mine) covered += w;
            var (theirs, boundary) = inside[demand.Ids[i]];
            if (mine == theirs) continue;
            disagree += w;
            var offRoadReach = theirs && t <= 900 + OffRoadMarginM / (5 / 3.6);
            if (boundary > ToleranceM && !offRoadReach)
                unexplained.Add($"point {demand.Ids[i]}: engine {(mine ? "covered" : "not covered")} ({t:F0} s), polygons {(theirs ? "inside" : "outside")}, {boundary:F0} m from the edge");
        }
        var summary = $"covered {covered / total:P1} of {total} connected demand, disagreement {disagree / total:P2}, {fragments} demand on unconnected fragments";
        output.WriteLine(summary);
        Assert.True(covered / total is > 0.05 and < 0.95, summary); // a meaningful case: neither everything nor nothing is covered
        Assert.True(fragments < 0.1 * (total + fragments), summary);
        Assert.True(unexplained.Count == 0, $"{summary}; {unexplained.Count} unexplained disagreements:\n{string.Join("\n", unexplained.Take(20))}");
        Assert.True(disagree / total <= 0.04, summary);
    }

    static async Task Execute(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
