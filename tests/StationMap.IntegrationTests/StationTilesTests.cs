using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StationMap.Api.Features.Stations;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>
/// GET /api/v1/tiles/stations/{z}/{x}/{y}.mvt over real PostGIS, decoded with the tests' own MVT
/// reader. The fixture clock is Wednesday 12:00 in Shanghai: "24/7" is open, "Mo-Su 07:00-08:00"
/// closed. Each test writes its own stations in its own area (a degree apart), so the tests of this
/// class share the database without seeing each other's tiles.
/// </summary>
public sealed class StationTilesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static (int X, int Y) Tile(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)Math.Floor((lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    /// <summary>Inserts <paramref name="count"/> stations on a grid of ~<paramref name="stepDeg"/>° from (lon, lat); returns their ids.</summary>
    async Task<long[]> InsertAsync(int count, double lon, double lat, double stepDeg, string? hours, string status = "open", string prefix = "站")
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            INSERT INTO station (name, location, tier, opening_hours, status)
            SELECT $6 || g, ST_SetSRID(ST_MakePoint($2 + (g % 100) * $4, $3 + (g / 100) * $4), 4326)::geography, 'standard', $5, $7
            FROM generate_series(0, $1 - 1) g
            RETURNING id
            """, conn);
        cmd.Parameters.AddWithValue(count);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue(stepDeg);
        cmd.Parameters.AddWithValue((object?)hours ?? DBNull.Value);
        cmd.Parameters.AddWithValue(prefix);
        cmd.Parameters.AddWithValue(status);
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetInt64(0));
        return [.. ids];
    }

    /// <summary>Brings station_open_state and the cluster pyramid up to date with what was written, as the background job does.</summary>
    async Task RefreshAsync()
    {
        var index = api.Services.GetRequiredService<StationIndex>();
        for (var i = 0; i < 100 && !index.IsLoaded; i++) await Task.Delay(100);
        Assert.True(await index.SyncAsync());
        var job = api.Services.GetRequiredService<StationOpenStates>();
        await job.RefreshAsync();
        // The background pass may hold the build lock; ours must be a build that started after the writes.
        for (var i = 0; i < 100 && !await job.RebuildClustersAsync(force: true); i++) await Task.Delay(100);
    }

    async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        var response = await api.Client().SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    async Task<List<MvtFeature>> FeaturesAsync(int z, double lon, double lat, string query = "")
    {
        var (x, y) = Tile(lon, lat, z);
        var (response, body) = await GetAsync($"/api/v1/tiles/stations/{z}/{x}/{y}.mvt{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Length <= 100 * 1024, $"tile {z}/{x}/{y} is {body.Length} bytes");
        var layers = MvtReader.Read(body);
        Assert.Equal(["stations"], layers.Keys);
        Assert.Equal(4096u, layers["stations"].Extent);
        return layers["stations"].Features;
    }

    [Fact]
    public async Task From_zoom_12_each_station_is_a_feature_with_its_id_name_tier_and_open_state()
    {
        var open = await InsertAsync(1, 121.011, 31.001, 0, "24/7", prefix: "全天站");
        var shut = await InsertAsync(1, 121.012, 31.001, 0, "Mo-Su 07:00-08:00", prefix: "早班站");
        var unknown = await InsertAsync(1, 121.013, 31.001, 0, null, prefix: "未知站");
        var closed = await InsertAsync(1, 121.014, 31.001, 0, "24/7", status: "temporarily_closed", prefix: "停业站");
        await RefreshAsync();

        var features = await FeaturesAsync(14, 121.012, 31.001);
        Assert.True(features.Count == 4, string.Join("; ", features.Select(f => $"{f.Id} {string.Join(",", f.Properties)}")) + $" / {open[0]} {shut[0]} {unknown[0]} {closed[0]}");
        var byId = features.ToDictionary(f => (long)f.Id!.Value);
        Assert.Equal("open", byId[open[0]].Properties["open_state"]);
        Assert.Equal("closed", byId[shut[0]].Properties["open_state"]);
        Assert.Equal("unknown", byId[unknown[0]].Properties["open_state"]);
        Assert.Equal("closed", byId[closed[0]].Properties["open_state"]);
        Assert.Equal("全天站0", byId[open[0]].Properties["name"]);
        Assert.Equal("standard", byId[open[0]].Properties["tier"]);
        Assert.Equal(open[0], (long)byId[open[0]].Properties["id"]);
        Assert.All(features, f => Assert.Equal(1, f.Type)); // points
        Assert.All(features, f => Assert.False(f.Properties.ContainsKey("cluster")));
        Assert.Equal(4L, await InTileAsync(14, Tile(121.012, 31.001, 14).X, Tile(121.012, 31.001, 14).Y)); // all four in the tile
        // West to east in tile units, as the stations lie.
        Assert.True(byId[open[0]].X < byId[shut[0]].X && byId[shut[0]].X < byId[unknown[0]].X);
    }

    [Fact]
    public async Task Below_zoom_12_clusters_count_the_stations_and_those_open_now()
    {
        await InsertAsync(60, 122.0, 32.0, 0.0005, "24/7");
        await InsertAsync(40, 122.0002, 32.0002, 0.0005, "Mo-Su 07:00-08:00");
        await RefreshAsync();

        foreach (var z in new[] { 8, 9, 11 })
        {
            var features = await FeaturesAsync(z, 122.01, 32.005);
            Assert.All(features, f => Assert.Equal(true, f.Properties["cluster"]));
            Assert.All(features, f => Assert.Null(f.Id));
            Assert.Equal(100L, features.Sum(f => (long)f.Properties["count"]));
            Assert.Equal(60L, features.Sum(f => (long)f.Properties["open_count"]));
        }
        // The same counts when clustered per request (a services filter bypasses the pyramid): none hosts a service.
        var (x, y) = Tile(122.01, 32.005, 8);
        Assert.Equal(HttpStatusCode.NoContent, (await GetAsync($"/api/v1/tiles/stations/8/{x}/{y}.mvt?services=haircut")).Response.StatusCode);
    }

    [Fact]
    public async Task A_tile_never_exceeds_100_KB_however_many_stations_it_holds()
    {
        // 6,000 stations in ~600 m × 600 m (well inside one zoom-14 tile, and beyond MaxStationsPerTile in a zoom-16 one).
        await InsertAsync(6000, 123.0, 33.0, 0.0001, "24/7", prefix: "密集驿站名称比较长的一个站点");
        await RefreshAsync();
        foreach (var z in new[] { 10, 12, 13, 14, 15, 16, 17, 18 })
        {
            var (x, y) = Tile(123.003, 33.003, z);
            var (response, body) = await GetAsync($"/api/v1/tiles/stations/{z}/{x}/{y}.mvt");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(body.Length <= 100 * 1024, $"z{z}: {body.Length} bytes");
            var features = MvtReader.Read(body)["stations"].Features;
            var inside = await InTileAsync(z, x, y);
            Console.WriteLine($"z{z}: {inside} stations in the tile, {body.Length} bytes, {features.Count} features");
            if (z < 12 || inside > StationMap.Api.Features.Maps.StationTiles.MaxStationsPerTile)
            {
                Assert.All(features, f => Assert.Equal(true, f.Properties["cluster"]));
                Assert.Equal(inside, features.Sum(f => (long)f.Properties["count"]));
            }
            else Assert.All(features, f => Assert.NotNull(f.Id));
        }
        Assert.True(await InTileAsync(16, Tile(123.003, 33.003, 16).X, Tile(123.003, 33.003, 16).Y) > 1000, "the zoom-16 tile must need the fallback");
        // The per-request clustering (with a filter) keeps the cap too.
        await using (var conn = await api.OpenAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand(
            """UPDATE station SET services = '[{"kind":"haircut","description":"理发","hours":"Sa 09:00-12:00"}]' WHERE name LIKE '密集%'""", conn))
            await cmd.ExecuteNonQueryAsync();
        foreach (var z in new[] { 8, 14, 16 })
        {
            var features = await FeaturesAsync(z, 123.003, 33.003, "?services=haircut");
            var (x, y) = Tile(123.003, 33.003, z);
            Assert.All(features, f => Assert.Equal(true, f.Properties["cluster"]));
            Assert.Equal(await InTileAsync(z, x, y), features.Sum(f => (long)f.Properties["count"]));
        }
    }

    /// <summary>The oracle: live stations inside the tile (PostGIS, straight from the table).</summary>
    async Task<long> InTileAsync(int z, int x, int y) => await api.ScalarAsync<long>(
        "SELECT count(*) FROM station WHERE deleted_at IS NULL AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326))", z, x, y);

    [Fact]
    public async Task A_station_written_through_the_API_is_in_the_next_tile_and_its_open_state_follows_within_a_job_pass()
    {
        var key = await api.CreateKeyAsync("editor");
        var created = await api.Client(key).PostAsJsonAsync("/api/v1/stations",
            new { name = "新建瓦片驿站", lon = 126.0, lat = 36.0, opening_hours = "24/7", tier = "smart_24h" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (long)(await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!;

        var drawn = (await FeaturesAsync(15, 126.0, 36.0)).Single(f => (long)f.Id!.Value == id);
        Assert.Equal("新建瓦片驿站", drawn.Properties["name"]);
        Assert.Equal("smart_24h", drawn.Properties["tier"]);
        Assert.Contains((string)drawn.Properties["open_state"], new[] { "unknown", "open" }); // unknown until the job's pass has evaluated it
        await RefreshAsync();
        Assert.Equal("open", (await FeaturesAsync(15, 126.0, 36.0)).Single(f => (long)f.Id!.Value == id).Properties["open_state"]);
    }

    [Fact]
    public async Task An_empty_tile_is_204()
    {
        var (x, y) = Tile(-60.0, -40.0, 14);
        Assert.Equal(HttpStatusCode.NoContent, (await GetAsync($"/api/v1/tiles/stations/14/{x}/{y}.mvt")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await GetAsync($"/api/v1/tiles/stations/5/{Tile(-60, -40, 5).X}/{Tile(-60, -40, 5).Y}.mvt")).Response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/tiles/stations/23/0/0.mvt", "z")]
    [InlineData("/api/v1/tiles/stations/-1/0/0.mvt", "z")]
    [InlineData("/api/v1/tiles/stations/12/4096/0.mvt", "x")]
    [InlineData("/api/v1/tiles/stations/12/0/-1.mvt", "y")]
    [InlineData("/api/v1/tiles/stations/12/0/0.mvt?services=sauna", "services")]
    public async Task Bad_tile_coordinates_and_filters_are_a_400_naming_them(string path, string parameter) =>
        await api.Client().GetAsync(path).Problem(400, parameter);

    [Fact]
    public async Task A_tile_is_cached_for_a_minute_and_revalidates_with_304_until_a_station_or_its_state_changes()
    {
        var ids = await InsertAsync(3, 124.0, 34.0, 0.001, "24/7", prefix: "缓存站");
        await RefreshAsync();
        var (x, y) = Tile(124.001, 34.0, 14);
        var path = $"/api/v1/tiles/stations/14/{x}/{y}.mvt";
        var (first, _) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("public, max-age=60", first.Headers.CacheControl?.ToString());
        Assert.Contains("tile;dur=", first.Headers.GetValues("Server-Timing").Single());
        var tag = first.Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(path, tag)).Response.StatusCode);

        // A station write moves the station-set version: the old tag no longer matches and the tile shows the change.
        await using (var conn = await api.OpenAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("UPDATE station SET name = '改名站' WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(ids[0]);
            await cmd.ExecuteNonQueryAsync();
        }
        var (second, body) = await GetAsync(path, tag);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(tag, second.Headers.ETag!.ToString());
        Assert.Contains(MvtReader.Read(body)["stations"].Features, f => (string)f.Properties["name"] == "改名站");

        // A new schedule that is closed now: once the job has evaluated it, the open-state version has moved.
        var tag2 = second.Headers.ETag!.ToString();
        await using (var conn = await api.OpenAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("UPDATE station SET opening_hours = 'Mo-Su 07:00-08:00' WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(ids[1]);
            await cmd.ExecuteNonQueryAsync();
        }
        await RefreshAsync();
        var (third, body3) = await GetAsync(path, tag2);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var features = MvtReader.Read(body3)["stations"].Features;
        Assert.Equal("closed", features.Single(f => (long)f.Id!.Value == ids[1]).Properties["open_state"]);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(path, third.Headers.ETag!.ToString())).Response.StatusCode);
    }

    [Fact]
    public async Task Open_states_follow_the_clock_through_each_stations_next_change()
    {
        var ids = await InsertAsync(1, 125.0, 35.0, 0, "Mo-Su 11:00-13:00", prefix: "午间站");
        await RefreshAsync();
        Assert.Equal("open", (await FeaturesAsync(15, 125.0, 35.0)).Single(f => (long)f.Id!.Value == ids[0]).Properties["open_state"]);
        var saved = api.Clock.Now;
        try
        {
            api.Clock.Now = saved.AddHours(2); // 14:00 in Shanghai: past its 13:00 change
            await RefreshAsync();
            Assert.Equal("closed", (await FeaturesAsync(15, 125.0, 35.0)).Single(f => (long)f.Id!.Value == ids[0]).Properties["open_state"]);
            // The pyramid counts it as not open any more.
            var clusters = await FeaturesAsync(9, 125.0, 35.0);
            Assert.Equal(0L, clusters.Sum(f => (long)f.Properties["open_count"]));
        }
        finally { api.Clock.Now = saved; }
    }
}
