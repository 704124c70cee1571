using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.ServiceAreas;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Regions;

/// <summary>The demo city, the Chengdu extract and the Shanghai extract active at once, each a region (read in place from ../shared/data).</summary>
public sealed class RegionsFixture : ApiFixture, IAsyncLifetime
{
    public const string Chengdu = "Chengdu", Shanghai = "Shanghai", Demo = DemoRoadNetwork.Region;
    public static readonly string ChengduFile = "chengdu_central_2018.osm";

    /// <summary>A point on each region's network: the vertex nearest its extent's centre.</summary>
    public Dictionary<string, (double Lon, double Lat)> Points { get; } = [];

    public Dictionary<string, long> StationIds { get; } = [];

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var conn = await OpenAsync();
        await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(), Demo, "demo", null, null, "{}");
        await RoadGraphStore.SaveAndActivateAsync(conn, OsmGraphBuilder.Build(SharedData.Osm(ChengduFile), RoadProfile.Default()),
            Chengdu, "osm", ChengduFile, RoadGraphStore.OsmAttribution, "{}");
        await RoadGraphStore.SaveAndActivateAsync(conn, OsmGraphBuilder.Build(SharedData.Osm("shanghai_peoples_square_2026.osm"), RoadProfile.Default()),
            Shanghai, "osm", null, RoadGraphStore.OsmAttribution, "{}");
        foreach (var region in new[] { Demo, Chengdu, Shanghai })
        {
            await using var cmd = new Npgsql.NpgsqlCommand("""
                SELECT ST_X(v.geom), ST_Y(v.geom) FROM road_graph g JOIN road_vertex v ON v.graph_version = g.version
                JOIN road_edge e ON e.graph_version = g.version AND e.source = v.id AND e.walk_forward_s IS NOT NULL AND e.ebike_forward_s IS NOT NULL
                WHERE g.region = $1 AND g.state = 'active'
                ORDER BY v.geom <-> ST_SetSRID(ST_MakePoint((g.min_lon + g.max_lon) / 2, (g.min_lat + g.max_lat) / 2), 4326) LIMIT 1
                """, conn);
            cmd.Parameters.AddWithValue(region);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Points[region] = (r.GetDouble(0), r.GetDouble(1));
        }
        // One open station 100 m east of each region's point, and one in Chongqing, outside every region.
        foreach (var (name, lon, lat) in Points.Select(p => (p.Key, p.Value.Lon + 0.001, p.Value.Lat)).Append(("Chongqing", 106.55, 29.56)))
        {
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO station (name, location) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) RETURNING id", conn);
            insert.Parameters.AddWithValue($"station in {name}");
            insert.Parameters.AddWithValue(lon);
            insert.Parameters.AddWithValue(lat);
            StationIds[name] = (long)(await insert.ExecuteScalarAsync())!;
        }
        await Services.GetRequiredService<GraphHost>().ReloadIfChangedAsync();
    }

    public static string At((double Lon, double Lat) p) => string.Create(CultureInfo.InvariantCulture, $"lon={p.Lon}&lat={p.Lat}");
}

public sealed class RegionsTests(RegionsFixture api) : IClassFixture<RegionsFixture>
{
    static readonly string[] Names = [RegionsFixture.Chengdu, RegionsFixture.Demo, RegionsFixture.Shanghai];

    [Fact]
    public async Task Regions_lists_the_three_active_regions_with_extent_version_size_and_attribution()
    {
        var response = await api.Client().GetAsync("/api/v1/regions");
        var etag = response.Headers.ETag;
        var body = await response.Json(200);
        var items = body["items"]!.AsArray();
        Assert.Equal(Names, items.Select(i => (string)i!["name"]!).ToArray());
        foreach (var item in items)
        {
            var name = (string)item!["name"]!;
            Assert.Equal(await api.ScalarAsync<long>("SELECT version FROM road_graph WHERE state = 'active' AND region = $1", name), (long)item["version"]!);
            Assert.Equal(await api.ScalarAsync<long>("SELECT count(*) FROM road_edge e JOIN road_graph g ON g.version = e.graph_version WHERE g.region = $1 AND g.state = 'active'", name),
                (long)item["edges"]!);
            Assert.True((int)item["vertices"]! > 100, item.ToJsonString());
            var extent = item["extent"]!.AsArray().Select(x => (double)x!).ToArray();
            var (lon, lat) = api.Points[name];
            Assert.True(extent[0] <= lon && lon <= extent[2] && extent[1] <= lat && lat <= extent[3], item.ToJsonString());
            Assert.Equal(name == RegionsFixture.Demo ? null : RoadGraphStore.OsmAttribution, (string?)item["attribution"]);
            Assert.True((bool)item["loaded"]!, item.ToJsonString());
        }
        // Cached like the other reads: a strong ETag and 304 for a client that has it.
        Assert.NotNull(etag);
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/regions");
        again.Headers.IfNoneMatch.Add(etag!);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Client().SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Isochrones_and_nearest_by_time_answer_in_each_region_from_its_own_graph()
    {
        foreach (var name in Names)
        {
            var version = await api.ScalarAsync<long>("SELECT version FROM road_graph WHERE state = 'active' AND region = $1", name);
            var iso = await api.Client().GetAsync($"/api/v1/isochrones?{RegionsFixture.At(api.Points[name])}&minutes=5,15").Json(200, "application/geo+json");
            Assert.Equal(name, (string?)iso["region"]);
            Assert.Equal(version, (long)iso["graph_version"]!);
            Assert.Equal(2, iso["features"]!.AsArray().Count);
            Assert.True((double)iso["features"]![1]!["properties"]!["area_km2"]! > 0.1, iso["features"]![1]!["properties"]!.ToJsonString());

            var nearest = await api.Client().GetAsync($"/api/v1/stations/nearest?{RegionsFixture.At(api.Points[name])}&by=time&mode=walk&limit=3").Json(200);
            Assert.Equal(name, (string?)nearest["region"]);
            Assert.Equal(version, (long)nearest["graph_version"]!);
            var first = nearest["items"]!.AsArray()[0]!;
            Assert.Equal(api.StationIds[name], (long)first["id"]!);
            Assert.InRange((double)first["travel_seconds"]!, 1, 600);
        }
    }

    [Fact]
    public async Task A_point_outside_every_region_is_422_naming_the_nearest_region_and_its_distance()
    {
        const string chongqing = "lon=106.55&lat=29.56";
        var expected = await api.ScalarAsync<double>(
            "SELECT ST_Distance(hull::geography, ST_SetSRID(ST_MakePoint(106.55, 29.56), 4326)::geography) FROM road_graph WHERE state = 'active' AND region = 'Chengdu'");
        Assert.InRange(expected, 200_000, 320_000);
        foreach (var path in new[] { $"/api/v1/isochrones?{chongqing}", $"/api/v1/stations/nearest?{chongqing}&by=time", $"/api/v1/stations/reachable?{chongqing}" })
        {
            var problem = await api.Client().GetAsync(path).Problem(422);
            Assert.Equal("/problems/outside-regions", (string?)problem["type"]);
            Assert.Equal(RegionsFixture.Chengdu, (string?)problem["nearest_region"]);
            // The in-memory hull distance agrees with PostGIS's geodesic distance to the stored hull within 0.5 %.
            Assert.InRange((double)problem["distance_m"]!, expected * 0.995, expected * 1.005);
            Assert.Contains("Chengdu", (string?)problem["detail"]);
        }
    }

    [Fact]
    public async Task Stations_belong_to_the_region_they_are_in_and_get_service_areas_from_its_graph()
    {
        foreach (var (name, id) in api.StationIds)
            Assert.Equal(name == "Chongqing" ? "" : name,
                await api.ScalarAsync<string>("SELECT coalesce(region, '') FROM stationmap.station_region WHERE station_id = $1", id));

        await api.Services.GetRequiredService<ServiceAreaJob>().RunPassAsync();
        foreach (var name in Names)
        {
            var version = await api.ScalarAsync<long>("SELECT version FROM road_graph WHERE state = 'active' AND region = $1", name);
            var area = await api.Client().GetAsync($"/api/v1/stations/{api.StationIds[name]}/service-area?mode=walk").Json(200, "application/geo+json");
            Assert.Equal("ready", (string?)area["state"]);
            Assert.False((bool)area["stale"]!);
            Assert.Equal(3, area["features"]!.AsArray().Count);
            Assert.All(area["features"]!.AsArray(), f => Assert.Equal(version, (long)f!["properties"]!["graph_version"]!));
        }
        // Outside every region: stored as beyond the network, answered 422.
        await api.Client().GetAsync($"/api/v1/stations/{api.StationIds["Chongqing"]}/service-area").Problem(422);
        var status = await api.Client().GetAsync("/api/v1/service-areas/status").Json(200);
        Assert.Equal(0, (int)status["stale"]!);
        Assert.Equal(1, (int)status["outside_network"]!);
        Assert.Equal(Names, status["regions"]!.AsArray().Select(r => (string)r!["region"]!).ToArray());
    }

    [Fact]
    public async Task Coverage_gaps_are_computed_on_the_graph_of_the_region_asked_about()
    {
        foreach (var name in Names)
        {
            var version = await api.ScalarAsync<long>("SELECT version FROM road_graph WHERE state = 'active' AND region = $1", name);
            var (lon, lat) = api.Points[name];
            var bbox = string.Create(CultureInfo.InvariantCulture, $"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}");
            var gaps = await api.Client().GetAsync($"/api/v1/coverage/gaps?bbox={bbox}&mode=walk&minutes=15").Json(200, "application/geo+json");
            Assert.Equal(version, (long)gaps["graph_version"]!);
            Assert.True(gaps["features"]!.AsArray().Count > 0, name);
            // A box whose centre is just outside the region but which overlaps it is still answered on that region.
            var east = await api.ScalarAsync<double>("SELECT max_lon FROM road_graph WHERE state = 'active' AND region = $1", name);
            var south = await api.ScalarAsync<double>("SELECT min_lat FROM road_graph WHERE state = 'active' AND region = $1", name);
            var north = await api.ScalarAsync<double>("SELECT max_lat FROM road_graph WHERE state = 'active' AND region = $1", name);
            var edge = string.Create(CultureInfo.InvariantCulture, $"{east - 0.01},{south},{east + 0.05},{north}");
            var overlapping = await api.Client().GetAsync($"/api/v1/coverage/gaps?bbox={edge}&mode=walk&minutes=15&cell=1000").Json(200, "application/geo+json");
            Assert.Equal(version, (long)overlapping["graph_version"]!);
        }
        // A box touching no region: 422 naming the nearest, not gaps computed on another city's graph.
        var problem = await api.Client().GetAsync("/api/v1/coverage/gaps?bbox=106.5,29.5,106.6,29.6&mode=walk").Problem(422);
        Assert.Equal("/problems/outside-regions", (string?)problem["type"]);
        Assert.Equal(RegionsFixture.Chengdu, (string?)problem["nearest_region"]);
    }

    [Fact]
    public async Task Road_tiles_draw_every_region()
    {
        foreach (var name in Names)
        {
            var (lon, lat) = api.Points[name];
            var n = 1 << 14;
            var x = (int)((lon + 180) / 360 * n);
            var y = (int)((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
            var tile = await api.Client().GetAsync($"/api/v1/tiles/roads/14/{x}/{y}.mvt");
            Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
            Assert.True((await tile.Content.ReadAsByteArrayAsync()).Length > 100, name);
        }
    }
}

/// <summary>Re-importing one region while the others answer: its own database, so the other tests see stable versions.</summary>
public sealed class RegionReimportTests(RegionsFixture api) : IClassFixture<RegionsFixture>
{
    [Fact]
    public async Task Reimporting_Chengdu_leaves_the_other_regions_answering_throughout_and_keeps_their_arrays()
    {
        var host = api.Services.GetRequiredService<GraphHost>();
        var before = host.Regions;
        var oldChengdu = before[RegionsFixture.Chengdu]!.Info.Version;

        using var stop = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<(string Region, int Status, string Body)>();
        var latencies = new System.Collections.Concurrent.ConcurrentQueue<double>();
        async Task LoadAsync(string region, int worker)
        {
            var client = api.Client();
            var (lon, lat) = api.Points[region];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // A slightly different point each time, so the isochrone cache does not answer.
                var p = (lon + (i % 7) * 1e-4, lat + worker * 1e-4);
                var path = i % 2 == 0 ? $"/api/v1/isochrones?{RegionsFixture.At(p)}&minutes={5 + i % 10}" : $"/api/v1/stations/nearest?{RegionsFixture.At(p)}&by=time&mode=walk";
                var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                latencies.Enqueue(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                statuses.Add((region, (int)response.StatusCode, (int)response.StatusCode == 200 ? "" : await response.Content.ReadAsStringAsync()));
            }
        }
        // The extract is parsed first (CPU only, no effect on what is served); the store, the swap and the reload run under load.
        var built = OsmGraphBuilder.Build(SharedData.Osm(RegionsFixture.ChengduFile), RoadProfile.Default());
        var load = new[] { RegionsFixture.Demo, RegionsFixture.Shanghai, RegionsFixture.Demo, RegionsFixture.Shanghai, RegionsFixture.Chengdu }
            .Select((region, worker) => Task.Run(() => LoadAsync(region, worker))).ToArray();
        // Warm-up: every worker has had both kinds of answer (the first ones pay for JIT and EF's model).
        for (var i = 0; i < 600 && statuses.Count < 20; i++) await Task.Delay(100);
        var warm = latencies.Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var atStart = statuses.Count;
        long newChengdu;
        await using (var conn = await api.OpenAsync())
            newChengdu = await RoadGraphStore.SaveAndActivateAsync(conn, built, RegionsFixture.Chengdu, "osm", RegionsFixture.ChengduFile,
                RoadGraphStore.OsmAttribution, "{}");
        // The host's LISTEN loop picks up the notification; wait for the new version to be in memory.
        for (var i = 0; i < 300 && host.Regions[RegionsFixture.Chengdu]?.Info.Version != newChengdu; i++) await Task.Delay(100);
        var swapSeconds = clock.Elapsed.TotalSeconds;
        var during = statuses.Count - atStart;
        var duringMs = latencies.Skip(warm).DefaultIfEmpty(0).ToArray();
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var after = host.Regions;
        Assert.Equal(newChengdu, after[RegionsFixture.Chengdu]!.Info.Version);
        Assert.NotEqual(oldChengdu, newChengdu);
        // Only Chengdu was reloaded: the other regions are the very objects (and arrays) that served before.
        Assert.Same(before[RegionsFixture.Demo], after[RegionsFixture.Demo]);
        Assert.Same(before[RegionsFixture.Shanghai], after[RegionsFixture.Shanghai]);
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM road_graph WHERE region = 'Chengdu'"));

        var failures = statuses.Where(s => s.Status != 200).ToList();
        Console.WriteLine($"store, swap and reload of Chengdu took {swapSeconds:F1} s with {during} requests answered meanwhile; {statuses.Count} in all, slowest {duringMs.Max():F0} ms after the warm-up " +
                          $"({string.Join(", ", statuses.GroupBy(s => s.Region).Select(g => $"{g.Key}: {g.Count()}"))})");
        Assert.True(failures.Count == 0, $"{failures.Count} of {statuses.Count} answers were not 200:\n" + string.Join("\n", failures.Take(10)));
        Assert.True(during >= 10, $"only {during} requests were answered during the swap");
        foreach (var region in new[] { RegionsFixture.Demo, RegionsFixture.Shanghai, RegionsFixture.Chengdu })
            Assert.True(statuses.Count(s => s.Region == region) >= 3, $"too few requests to {region}");
    }
}
