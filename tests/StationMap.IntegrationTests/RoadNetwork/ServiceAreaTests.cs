using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.ServiceAreas;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.RoadNetwork;

/// <summary>The demo city: 300 generated stations on the generated demo road network, service areas computed by the job.</summary>
public sealed class ServiceAreaTests(DemoApiFixture api) : IClassFixture<DemoApiFixture>
{
    static readonly SemaphoreSlim Once = new(1, 1);

    async Task ReadyAsync()
    {
        await Once.WaitAsync();
        try
        {
            await using var conn = await api.OpenAsync();
            if (await RoadGraphStore.ActiveInfoAsync(conn, DemoRoadNetwork.Region) is null)
                await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(), DemoRoadNetwork.Region, "demo", null, null, "{}");
            await api.Services.GetRequiredService<GraphHost>().ReloadIfChangedAsync();
            await api.Services.GetRequiredService<ServiceAreaJob>().RunPassAsync();
        }
        finally { Once.Release(); }
    }

    [Fact]
    public async Task Every_open_station_has_valid_nested_bands_for_walk_and_ebike()
    {
        await ReadyAsync();
        var stations = await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE deleted_at IS NULL AND status <> 'closed_permanently'");
        Assert.Equal(stations, await api.ScalarAsync<long>("SELECT count(*) FROM service_area_state"));
        var ok = await api.ScalarAsync<long>("SELECT count(*) FROM service_area_state WHERE outcome = 'ok'");
        Assert.True(ok >= stations * 0.95, $"{ok} of {stations} stations have service areas");
        Assert.Equal(ok * 6, await api.ScalarAsync<long>("SELECT count(*) FROM service_area"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM service_area WHERE NOT ST_IsValid(geom) OR area_km2 <= 0"));
        // Nested: 5 ⊆ 10 ⊆ 15 (up to coordinate rounding), per station and mode.
        Assert.Equal(0L, await api.ScalarAsync<long>("""
            SELECT count(*) FROM service_area a JOIN service_area b
              ON b.station_id = a.station_id AND b.mode = a.mode AND b.minutes > a.minutes
            WHERE ST_Area(ST_Difference(a.geom, ST_Buffer(b.geom, 1e-6))) > 1e-9
            """));
        // Riding covers more than walking.
        Assert.True(await api.ScalarAsync<double>("SELECT avg(area_km2) FROM service_area WHERE mode = 'ebike' AND minutes = 15")
                  > 3 * await api.ScalarAsync<double>("SELECT avg(area_km2) FROM service_area WHERE mode = 'walk' AND minutes = 15"));
        // The per-vertex nearest station lives in memory (coverage access field); its old table is gone.
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'vertex_station'"));
    }

    [Fact]
    public async Task The_station_endpoint_returns_the_bands_and_the_status_is_complete()
    {
        await ReadyAsync();
        var id = await api.ScalarAsync<long>("SELECT min(station_id) FROM service_area_state WHERE outcome = 'ok'");
        var body = await api.Client().GetAsync($"/api/v1/stations/{id}/service-area?mode=walk").Json(200, "application/geo+json");
        Assert.Equal("ready", (string?)body["state"]);
        var features = body["features"]!.AsArray();
        Assert.Equal([5, 10, 15], features.Select(f => (int)f!["properties"]!["minutes"]!));
        Assert.All(features, f => Assert.Equal("MultiPolygon", (string?)f!["geometry"]!["type"]));
        var one = await api.Client().GetAsync($"/api/v1/stations/{id}/service-area?mode=ebike&minutes=15").Json(200, "application/geo+json");
        Assert.Single(one["features"]!.AsArray());

        var status = await api.Client().GetAsync("/api/v1/service-areas/status").Json(200);
        Assert.Equal(0, (int)status["stale"]!);

        var planner = await api.Client().GetAsync("/api/v1/service-areas?mode=ebike&minutes=15&bbox=120.10,30.20,120.25,30.30").Json(200, "application/geo+json");
        Assert.True(planner["features"]!.AsArray().Count > 20);
    }

    [Fact]
    public async Task A_permanently_closed_station_loses_its_bands_and_gets_them_back_when_reopened()
    {
        await ReadyAsync();
        var id = await api.ScalarAsync<long>("SELECT max(station_id) FROM service_area_state WHERE outcome = 'ok'");
        var job = api.Services.GetRequiredService<ServiceAreaJob>();
        await api.ScalarAsync<int>($"WITH u AS (UPDATE station SET status = 'closed_permanently' WHERE id = {id} RETURNING 1) SELECT count(*)::int FROM u");
        try
        {
            await job.RunPassAsync();
            Assert.Equal(0L, await api.ScalarAsync<long>($"SELECT count(*) FROM service_area WHERE station_id = {id}"));
            Assert.Equal(0L, await api.ScalarAsync<long>($"SELECT count(*) FROM service_area_state WHERE station_id = {id}"));
            var planner = await api.Client().GetAsync("/api/v1/service-areas?mode=ebike&minutes=15&bbox=120,30,121,31").Json(200, "application/geo+json");
            Assert.DoesNotContain(planner["features"]!.AsArray(), f => (long)f!["properties"]!["station_id"]! == id);
        }
        finally
        {
            await api.ScalarAsync<int>($"WITH u AS (UPDATE station SET status = 'open' WHERE id = {id} RETURNING 1) SELECT count(*)::int FROM u");
            await job.RunPassAsync();
        }
        Assert.Equal(6L, await api.ScalarAsync<long>($"SELECT count(*) FROM service_area WHERE station_id = {id}"));
        var planned = await api.Client().GetAsync("/api/v1/service-areas?mode=ebike&minutes=15&bbox=120,30,121,31").Json(200, "application/geo+json");
        Assert.Contains(planned["features"]!.AsArray(), f => (long)f!["properties"]!["station_id"]! == id);
    }

    [Fact]
    public async Task A_moved_station_is_recomputed_around_its_new_place()
    {
        await ReadyAsync();
        var id = await api.ScalarAsync<long>("SELECT min(station_id) FROM service_area_state WHERE outcome = 'ok'");
        var before = await api.ScalarAsync<double>($"SELECT area_km2 FROM service_area WHERE station_id = {id} AND mode = 'walk' AND minutes = 15");
        var key = await api.CreateKeyAsync("editor");
        var version = await api.ScalarAsync<int>($"SELECT version FROM station WHERE id = {id}");
        var client = api.Client(key);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}") { Content = JsonContent.Create(new { lon = 120.2500, lat = 30.3000 }) };
        patch.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        await (await client.SendAsync(patch)).Json(200);
        await api.Services.GetRequiredService<ServiceAreaJob>().RunPassAsync();
        Assert.True(await api.ScalarAsync<bool>($"""
            SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint(120.25, 30.30), 4326)) FROM service_area WHERE station_id = {id} AND mode = 'walk' AND minutes = 5
            """));
        Assert.NotEqual(before, await api.ScalarAsync<double>($"SELECT area_km2 FROM service_area WHERE station_id = {id} AND mode = 'walk' AND minutes = 15"));
    }

    [Theory]
    [InlineData("/api/v1/stations/1/service-area?mode=car", 400, "mode")]
    [InlineData("/api/v1/stations/1/service-area?minutes=7", 400, "minutes")]
    [InlineData("/api/v1/service-areas?mode=walk", 400, "bbox")]
    [InlineData("/api/v1/service-areas?bbox=1,2,3", 400, "bbox")]
    [InlineData("/api/v1/service-areas?bbox=120,30,121,31&minutes=5,10", 400, "minutes")]
    public async Task Bad_parameters_are_400_problems_naming_them(string path, int status, string parameter) =>
        await api.Client().GetAsync(path).Problem(status, parameter);

    [Fact]
    public async Task An_unknown_station_is_404()
    {
        await ReadyAsync();
        await api.Client().GetAsync("/api/v1/stations/999999/service-area").Problem(404);
    }
}

/// <summary>Nearest by travel time on the demo network, checked against the engine's own single-pair times.</summary>
public sealed class NearestByTimeTests(DemoApiFixture api) : IClassFixture<DemoApiFixture>
{
    async Task<LoadedGraph> GraphAsync()
    {
        await using var conn = await api.OpenAsync();
        if (await RoadGraphStore.ActiveInfoAsync(conn, DemoRoadNetwork.Region) is null)
            await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(), DemoRoadNetwork.Region, "demo", null, null, "{}");
        var host = api.Services.GetRequiredService<GraphHost>();
        await host.ReloadIfChangedAsync();
        return host.Regions[DemoRoadNetwork.Region]!;
    }

    [Theory]
    [InlineData("walk")]
    [InlineData("ebike")]
    public async Task Stations_come_ranked_by_travel_time_with_seconds_and_distance(string mode)
    {
        var graph = await GraphAsync();
        var body = await api.Client().GetAsync($"/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=8&by=time&mode={mode}").Json(200);
        Assert.Equal("time", (string?)body["by"]);
        Assert.Equal(mode, (string?)body["mode"]);
        var items = body["items"]!.AsArray();
        Assert.Equal(8, items.Count);
        // Ranked by rank_seconds: travel_seconds plus the penalties for closed, unknown hours, full or a broken wanted amenity.
        var rank = items.Select(i => (double)i!["rank_seconds"]!).ToList();
        Assert.Equal(rank.Order(), rank);
        Assert.All(items, i => Assert.True((double)i!["rank_seconds"]! >= (double)i["travel_seconds"]!));
        Assert.All(items, i => Assert.Equal(
            (double)i!["travel_seconds"]! + ((string?)i["open_state"]!["state"] switch { "closed" => 3600, "unknown" => 300, _ => 0 }),
            (double)i["rank_seconds"]!, 0.2));
        Assert.All(items, i => Assert.True((double)i!["distance_m"]! > 0));
        // Independent check of the first answer: the engine's time between the two snapped points.
        Assert.True(StationMap.Routing.TravelModes.TryParse(mode, out var m));
        var from = graph.Engine.Snap(120.16, 30.27, m, 500)!.Value;
        var first = items[0]!;
        var lon = await api.ScalarAsync<double>($"SELECT ST_X(location::geometry) FROM station WHERE id = {(long)first["id"]!}");
        var lat = await api.ScalarAsync<double>($"SELECT ST_Y(location::geometry) FROM station WHERE id = {(long)first["id"]!}");
        var to = graph.Engine.Snap(lon, lat, m, 500)!.Value;
        var expected = graph.Engine.TravelSeconds(from, m, StationMap.Routing.SearchDirection.Forward, [to], 3600)[0];
        Assert.InRange((double)first["travel_seconds"]!, expected - 0.1, expected + 0.1);
        // Crow-flight order differs from travel order somewhere in the demo city, or at least never contradicts it wildly.
        Assert.True((double)first["travel_seconds"]! * (mode == "walk" ? 5 : 25) / 3.6 >= (double)first["distance_m"]! * 0.9);
    }

    [Fact]
    public async Task By_and_mode_are_validated_and_far_points_are_422()
    {
        await GraphAsync();
        await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&by=speed").Problem(400, "by");
        await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&by=time&mode=horse").Problem(400, "mode");
        // 120 km from the demo city, its only region: outside every region, named with its distance.
        var problem = await api.Client().GetAsync("/api/v1/stations/nearest?lon=121.5&lat=31.0&by=time").Problem(422);
        Assert.EndsWith("outside-regions", (string?)problem["type"]);
        Assert.Equal(DemoRoadNetwork.Region, (string?)problem["nearest_region"]);
        Assert.InRange((double)problem["distance_m"]!, 80_000, 160_000);
    }

    [Fact]
    public async Task Reachable_lists_every_open_station_within_the_minutes_and_grows_with_them()
    {
        await GraphAsync();
        async Task<List<(long Id, double Seconds)>> Reachable(int minutes) =>
            (await api.Client().GetAsync($"/api/v1/stations/reachable?lon=120.16&lat=30.27&minutes={minutes}&mode=walk").Json(200))["items"]!
                .AsArray().Select(i => ((long)i!["id"]!, (double)i["travel_seconds"]!)).ToList();
        var ten = await Reachable(10);
        var twenty = await Reachable(20);
        Assert.NotEmpty(ten);
        Assert.All(ten, x => Assert.True(x.Seconds <= 600));
        Assert.All(twenty, x => Assert.True(x.Seconds <= 1200));
        Assert.True(twenty.Count > ten.Count);
        Assert.Subset(twenty.Select(x => x.Id).ToHashSet(), ten.Select(x => x.Id).ToHashSet());
        var closed = await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE status <> 'open' AND id = ANY($1)", twenty.Select(x => x.Id).ToArray());
        Assert.Equal(0L, closed);
        await api.Client().GetAsync("/api/v1/stations/reachable?lon=120.16&lat=30.27&minutes=90").Problem(400, "minutes");
    }
}
