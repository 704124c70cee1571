using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.IntegrationTests.Infrastructure;
using StationMap.Routing;

namespace StationMap.IntegrationTests.RoadNetwork;

/// <summary>
/// The in-memory travel-time engine against an independent oracle: pgRouting's pgr_drivingDistance
/// over the same stored edges and per-mode costs, from the same vertices. For 200 random origins
/// per extract (and the generated demo city) and mode, at least 99 % of the vertices reached within 15 minutes must be the same
/// and their times within 1 s.
/// </summary>
public sealed class PgRoutingOracleTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    const double Bound = 900;
    const string Demo = "demo city";

    [Theory]
    [InlineData("chengdu_central_2018.osm", "walk")]
    [InlineData("chengdu_central_2018.osm", "ebike")]
    [InlineData("shanghai_peoples_square_2026.osm", "walk")]
    [InlineData("shanghai_peoples_square_2026.osm", "ebike")]
    [InlineData(Demo, "walk")]
    [InlineData(Demo, "ebike")]
    public async Task Fifteen_minute_reach_agrees_with_pgr_drivingDistance(string file, string modeName)
    {
        Assert.True(TravelModes.TryParse(modeName, out var mode));
        await using var conn = await api.OpenAsync();
        if (await RoadGraphStore.ActiveInfoAsync(conn, file) is null)
        {
            // The demo city (one-way pair, river with three bridges, expressway closed to e-bikes and
            // walkers) as ./stationmap run generates it; the extracts as import-osm reads them.
            var built = file == Demo ? DemoRoadNetwork.Generate() : OsmGraphBuilder.Build(SharedData.Osm(file), RoadProfile.Default());
            await RoadGraphStore.SaveAndActivateAsync(conn, built, file, file == Demo ? "demo" : "osm", file,
                file == Demo ? null : RoadGraphStore.OsmAttribution, "{}");
        }
        var (info, data) = (await RoadGraphStore.LoadActiveAsync(conn, file))!.Value;
        var engine = new RoutingEngine(data);

        // Origins: random vertices the mode can leave by at least one edge.
        var random = new Random(20261123);
        var usable = Enumerable.Range(0, data.VertexCount)
            .Where(v => engine.Graph.Arcs(mode, SearchDirection.Forward, v).Length > 0).ToArray();
        var origins = Enumerable.Range(0, 200).Select(_ => usable[random.Next(usable.Length)]).Distinct().ToArray();

        var oracle = await DrivingDistanceAsync(conn, info.Version, modeName, origins);
        long compared = 0, same = 0;
        var worst = "";
        foreach (var origin in origins)
        {
            var reach = engine.SearchFromVertex(origin, mode, SearchDirection.Forward, Bound);
            var mine = new Dictionary<int, double>();
            for (var i = 0; i < reach.Vertices.Count; i++) mine[reach.Vertices[i]] = reach.Seconds[i];
            var theirs = oracle.GetValueOrDefault(origin) ?? new Dictionary<int, double> { [origin] = 0 };
            foreach (var vertex in mine.Keys.Union(theirs.Keys))
            {
                compared++;
                if (mine.TryGetValue(vertex, out var a) && theirs.TryGetValue(vertex, out var b) && Math.Abs(a - b) <= 1) same++;
                else if (worst.Length < 2000) worst += $"origin {origin} vertex {vertex}: engine {(mine.TryGetValue(vertex, out var x) ? x : double.NaN):F2} s, pgRouting {(theirs.TryGetValue(vertex, out var y) ? y : double.NaN):F2} s\n";
            }
        }
        Assert.True(compared > origins.Length * 10, $"too few vertices reached to compare ({compared})");
        var agreement = (double)same / compared;
        Assert.True(agreement >= 0.99, $"{file} {modeName}: {same}/{compared} = {agreement:P2} identical\n{worst}");
    }

    static async Task<Dictionary<int, Dictionary<int, double>>> DrivingDistanceAsync(NpgsqlConnection conn, long version, string mode, int[] origins)
    {
        // Negative cost = no edge that way, as pgRouting expects; one call for all origins.
        await using var cmd = new NpgsqlCommand($"""
            SELECT from_v, node, agg_cost FROM pgr_drivingDistance(
                'SELECT id, source, target, coalesce({mode}_forward_s, -1) AS cost, coalesce({mode}_backward_s, -1) AS reverse_cost
                 FROM road_edge WHERE graph_version = {version}',
                $1::bigint[], {Bound}, directed => true, equicost => false)
            """, conn);
        cmd.Parameters.AddWithValue(origins.Select(o => (long)o).ToArray());
        var result = new Dictionary<int, Dictionary<int, double>>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var from = (int)reader.GetInt64(0);
            if (!result.TryGetValue(from, out var map)) result[from] = map = [];
            map[(int)reader.GetInt64(1)] = reader.GetDouble(2);
        }
        return result;
    }
}
