using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>
/// 2,000 generated demo stations plus edge cases written with SQL: three stations on one spot and
/// two more on another (ties broken by id), stations either side of the antimeridian, near both
/// poles and on the equator, and a deleted one.
/// </summary>
public sealed class NearestIndexFixture : ApiFixture, IAsyncLifetime
{
    protected override int DemoStations => 2000;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO station (name, location, opening_hours, tier, amenities)
            SELECT 'edge ' || n, ST_SetSRID(ST_MakePoint(x, y), 4326)::geography, h, t, a::jsonb FROM (VALUES
                (1, 120.2, 30.25, '24/7', 'standard', '{"toilet":"yes"}'),
                (2, 120.2, 30.25, 'Mo-Su 07:00-21:00', 'standard', '{"toilet":"yes"}'),
                (3, 120.2, 30.25, NULL, 'flagship', '{}'),
                (4, 120.15, 30.3, '24/7', 'partner', '{}'),
                (5, 120.15, 30.3, '24/7', 'partner', '{}'),
                (6, 179.9995, 0.5, '24/7', 'standard', '{}'),
                (7, -179.9995, 0.5, '24/7', 'standard', '{}'),
                (8, 179.99, -16.5, '24/7', 'standard', '{}'),
                (9, -179.98, -16.52, '24/7', 'standard', '{}'),
                (10, 0, 89.9999, '24/7', 'standard', '{}'),
                (11, 180, 89.99995, '24/7', 'standard', '{}'),
                (12, 45, -89.9999, '24/7', 'standard', '{}'),
                (13, 0, 0, '24/7', 'standard', '{}'),
                (14, 0.0001, 0, '24/7', 'standard', '{}'),
                (15, -0.0001, 0, '24/7', 'standard', '{}')) v(n, x, y, h, t, a);
            INSERT INTO station (name, location, deleted_at) VALUES ('gone', ST_SetSRID(ST_MakePoint(120.2001, 30.2501), 4326)::geography, now());
            """, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public StationIndex Index => Services.GetRequiredService<StationIndex>();

    /// <summary>Waits for the index's first load and for every change committed so far.</summary>
    internal async Task<StationIndexSnapshot> ReadyAsync()
    {
        _ = Client();
        for (var i = 0; i < 600 && Index.Current is null; i++) await Task.Delay(100);
        Assert.NotNull(Index.Current);
        Assert.True(await Index.SyncAsync(), "the index listener did not confirm the sync marker");
        return Index.Current!;
    }
}

public sealed class NearestIndexTests(NearestIndexFixture api) : IClassFixture<NearestIndexFixture>
{
    sealed record Case(double Lon, double Lat, int Limit, string[] Amenities, string[] Tiers, bool OpenNow, double? MaxDistance);

    /// <summary>The oracle: PostGIS over every row (ST_Distance, ST_DWithin), no index, no KNN; open-now by a fresh parse.</summary>
    async Task<List<(long Id, double Distance)>> OracleAsync(Case c, DateTimeOffset now)
    {
        var where = new List<string> { "deleted_at IS NULL" };
        if (c.Amenities.Length > 0) where.Add("amenities @> $3::jsonb");
        if (c.Tiers.Length > 0) where.Add("tier = ANY($4)");
        if (c.MaxDistance is not null) where.Add("ST_DWithin(location, o, $5)");
        if (c.OpenNow) where.Add("status = 'open' AND opening_hours IS NOT NULL");
        await using var conn = await api.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT id, ST_Distance(location, o), opening_hours, time_zone FROM station, " +
            "(SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS o) q WHERE " + string.Join(" AND ", where) + " ORDER BY 2, id", conn);
        cmd.Parameters.AddWithValue(c.Lon);
        cmd.Parameters.AddWithValue(c.Lat);
        cmd.Parameters.AddWithValue(System.Text.Json.JsonSerializer.Serialize(c.Amenities.ToDictionary(a => a, _ => "yes")));
        cmd.Parameters.AddWithValue(c.Tiers);
        cmd.Parameters.AddWithValue(c.MaxDistance ?? 0.0);
        var result = new List<(long, double)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync() && result.Count < c.Limit)
        {
            if (c.OpenNow)
            {
                OpeningHoursSchedule.TryParse(reader.GetString(2), out var schedule, out _);
                var zone = TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(3));
                if (schedule is null || schedule.Evaluate(now, EvaluationContext.Default(zone)).Status != OpenStatus.Open) continue;
            }
            result.Add((reader.GetInt64(0), reader.GetDouble(1)));
        }
        return result;
    }

    static string Url(Case c)
    {
        var url = $"/api/v1/stations/nearest?lon={c.Lon:R}&lat={c.Lat:R}&limit={c.Limit}";
        if (c.Amenities.Length > 0) url += "&amenities=" + string.Join(',', c.Amenities);
        if (c.Tiers.Length > 0) url += "&tier=" + string.Join(',', c.Tiers);
        if (c.OpenNow) url += "&openNow=true";
        if (c.MaxDistance is { } m) url += $"&maxDistance={m:R}";
        return url;
    }

    static List<Case> Cases(IReadOnlyList<(double Lon, double Lat)> stations)
    {
        var rng = new Random(20261201);
        string[][] amenitySets = [[], [], ["toilet"], ["toilet", "ebike_charging"], ["drinking_water", "microwave", "wifi"]];
        string[][] tierSets = [[], [], ["flagship"], ["standard", "smart_24h"], ["partner", "convenience"]];
        var cases = new List<Case>();
        for (var i = 0; i < 300; i++)
        {
            var (lon, lat) = (i % 4) switch
            {
                0 => stations[rng.Next(stations.Count)],                                   // exactly on a station
                1 => (120.0 + rng.NextDouble() * 0.4, 30.1 + rng.NextDouble() * 0.35),       // in and around the city
                2 => (rng.NextDouble() * 360 - 180, rng.NextDouble() * 180 - 90),           // anywhere on Earth
                _ => (rng.Next(2) == 0 ? 179.9 + rng.NextDouble() * 0.1 : -180 + rng.NextDouble() * 0.1, rng.NextDouble() * 40 - 20),
            };
            double? max = rng.Next(3) == 0 ? 200 + rng.NextDouble() * 5000 : null;
            cases.Add(new Case(lon, lat, 1 + rng.Next(30), amenitySets[rng.Next(amenitySets.Length)], tierSets[rng.Next(tierSets.Length)],
                rng.Next(3) == 0, max));
        }
        cases.Add(new Case(120.2, 30.25, 5, [], [], false, null));                  // three on one spot: ids in order
        cases.Add(new Case(120.2, 30.25, 2, [], [], false, null));
        cases.Add(new Case(120.175, 30.275, 4, [], ["partner"], false, null));     // two partner twins
        cases.Add(new Case(180, 0.5, 2, [], [], false, null));                      // across the antimeridian
        cases.Add(new Case(-180, -16.51, 3, [], [], false, null));
        cases.Add(new Case(90, 90, 3, [], [], false, null));                        // the North Pole
        cases.Add(new Case(0, -90, 2, [], [], false, null));                        // the South Pole
        cases.Add(new Case(0, 0, 3, [], [], false, null));                          // equidistant on the equator
        cases.Add(new Case(0, 0, 2, [], [], false, 11.131949079327));
        return cases;
    }

    [Fact]
    public async Task Nearest_from_the_index_equals_PostGIS_over_hundreds_of_points_and_filters()
    {
        var snapshot = await api.ReadyAsync();
        var stations = new List<(double, double)>();
        await using (var conn = await api.OpenAsync())
        await using (var cmd = new NpgsqlCommand("SELECT ST_X(location::geometry), ST_Y(location::geometry) FROM station WHERE deleted_at IS NULL ORDER BY id", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) stations.Add((r.GetDouble(0), r.GetDouble(1)));
        Assert.True(snapshot.Count == stations.Count, $"index has {snapshot.Count} stations, table {stations.Count}");

        var cases = Cases(stations);
        // Stations just at maxDistance: the radius set to the k-th oracle distance, and a hair less.
        var rng = new Random(7);
        for (var i = 0; i < 40; i++)
        {
            var (lon, lat) = (120.05 + rng.NextDouble() * 0.3, 30.15 + rng.NextDouble() * 0.25);
            var ring = await OracleAsync(new Case(lon, lat, 40, [], [], false, null), api.Clock.Now);
            var edge = ring[rng.Next(5, 39)].Distance;
            cases.Add(new Case(lon, lat, 50, [], [], false, edge));
            cases.Add(new Case(lon, lat, 50, [], [], false, Math.BitDecrement(edge)));
            cases.Add(new Case(lon, lat, 50, [], [], false, edge - 1e-8));
        }

        api.Clock.Now = new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);
        var client = api.Client();
        var checkedItems = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            if (i == cases.Count / 2) api.Clock.Now = new DateTimeOffset(2026, 11, 18, 19, 0, 0, TimeSpan.Zero); // 03:00 in Shanghai
            var now = api.Clock.Now;
            var oracle = await OracleAsync(c, now);
            var hits = NearestSearch.Run(api.Index.Current!, new NearestRequest(c.Lon, c.Lat, c.Limit,
                StationIndexRecord.AmenityMask(c.Amenities), StationIndexRecord.TierMask(c.Tiers), c.OpenNow, c.MaxDistance, now));
            var context = $"case {i}: {Url(c)}\noracle {string.Join(", ", oracle.Select(o => $"{o.Id}@{o.Distance:R}"))}\n" +
                          $"index  {string.Join(", ", hits.Select(h => $"{h.Record.Id}@{h.Distance:R}"))}";
            Assert.True(oracle.Select(o => o.Id).SequenceEqual(hits.Select(h => h.Record.Id)), context);
            for (var k = 0; k < oracle.Count; k++)
                Assert.True(Math.Abs(oracle[k].Distance - hits[k].Distance) <= 1e-3, context);

            if (i % 5 != 0) continue; // the HTTP answer for a fifth of the cases (the rest is the same code behind it)
            var items = (await client.GetAsync(Url(c)).Json(200))["items"]!.AsArray();
            Assert.True(oracle.Select(o => o.Id).SequenceEqual(items.Select(it => (long)it!["id"]!)), context);
            for (var k = 0; k < oracle.Count; k++)
                Assert.InRange((double)items[k]!["distance_m"]!, oracle[k].Distance - 0.0501, oracle[k].Distance + 0.0501);
            checkedItems += items.Count;
        }
        Assert.True(checkedItems > 500, $"only {checkedItems} items compared over HTTP");
    }

    [Fact]
    public async Task Index_answers_are_the_same_JSON_as_the_SQL_path()
    {
        await api.ReadyAsync();
        api.Clock.Now = new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);
        await using var sqlOnly = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Stations", api.ConnectionString);
            b.UseSetting("StationMap:NearestIndex:Enabled", "false");
            b.UseSetting("StationMap:WarmCoverageCaches", "false");
            b.UseSetting("Spa:RootPath", Path.Combine(Path.GetTempPath(), "stationmap-no-client"));
            b.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(api.Clock)));
        });
        var viaSql = sqlOnly.CreateClient();
        string[] urls =
        [
            "/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=25",
            "/api/v1/stations/nearest?lon=120.2&lat=30.25&limit=4&crs=gcj02",
            "/api/v1/stations/nearest?lon=120.21&lat=30.2&limit=30&amenities=toilet&tier=standard,flagship",
            "/api/v1/stations/nearest?lon=120.18&lat=30.29&limit=40&openNow=true&crs=bd09",
            "/api/v1/stations/nearest?lon=120.12&lat=30.31&limit=100&maxDistance=2500",
            "/api/v1/stations/nearest?lon=-179.9999&lat=0.5&limit=3",
        ];
        foreach (var url in urls)
        {
            var fromIndex = await (await api.Client().GetAsync(url)).Content.ReadAsStringAsync();
            var fromSql = await (await viaSql.GetAsync(url)).Content.ReadAsStringAsync();
            Assert.True(fromIndex == fromSql, $"{url}\nindex {fromIndex}\nsql   {fromSql}");
        }
    }

    [Fact]
    public async Task Geodesic_port_agrees_with_PostGIS_ST_Distance_to_the_millimetre()
    {
        var rng = new Random(42);
        var pairs = new List<(double, double, double, double)>();
        for (var i = 0; i < 4000; i++)
        {
            var lon1 = rng.NextDouble() * 360 - 180; var lat1 = rng.NextDouble() * 180 - 90;
            pairs.Add((i % 4) switch
            {
                0 => (lon1, lat1, rng.NextDouble() * 360 - 180, rng.NextDouble() * 180 - 90),           // any distance
                1 => (lon1, lat1, lon1 + (rng.NextDouble() - 0.5) * 0.1, Math.Clamp(lat1 + (rng.NextDouble() - 0.5) * 0.1, -90, 90)),
                2 => (lon1, lat1 * 0.01, -lon1 + (lon1 > 0 ? -180 : 180) + (rng.NextDouble() - 0.5) * 0.5, -lat1 * 0.01), // nearly antipodal
                _ => (179.9 + rng.NextDouble() * 0.1, 89.9 + rng.NextDouble() * 0.1, -180 + rng.NextDouble() * 0.1, 89.9 + rng.NextDouble() * 0.1),
            });
        }
        await using var conn = await api.OpenAsync();
        var exact = 0;
        var worst = 0.0;
        foreach (var chunk in pairs.Chunk(500))
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT ST_Distance(ST_SetSRID(ST_MakePoint(a, b), 4326)::geography, ST_SetSRID(ST_MakePoint(c, d), 4326)::geography) " +
                "FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY u(a, b, c, d, n) ORDER BY n", conn);
            cmd.Parameters.AddWithValue(chunk.Select(p => p.Item1).ToArray());
            cmd.Parameters.AddWithValue(chunk.Select(p => p.Item2).ToArray());
            cmd.Parameters.AddWithValue(chunk.Select(p => p.Item3).ToArray());
            cmd.Parameters.AddWithValue(chunk.Select(p => p.Item4).ToArray());
            await using var r = await cmd.ExecuteReaderAsync();
            var i = 0;
            while (await r.ReadAsync())
            {
                var (lon1, lat1, lon2, lat2) = chunk[i++];
                var postgis = r.GetDouble(0);
                var ours = Geodesic.PostgisDistance(lon1, lat1, lon2, lat2);
                Assert.True(Math.Abs(ours - postgis) <= 1e-3, $"({lon1:R} {lat1:R}) → ({lon2:R} {lat2:R}): PostGIS {postgis:R}, port {ours:R}");
                if (ours == postgis) exact++;
                worst = Math.Max(worst, Math.Abs(ours - postgis));
            }
        }
        // The same operations in the same order: most results are bit-identical, the rest one 10 nm
        // rounding step apart (libm differences); a port that strayed from the algorithm would not be.
        Assert.True(exact >= pairs.Count * 0.9, $"only {exact} of {pairs.Count} bit-identical; worst difference {worst:R} m");
        Assert.True(worst <= 1e-6, $"worst difference {worst:R} m");
    }

    [Fact]
    public async Task A_write_through_the_API_is_seen_by_the_next_nearest_request()
    {
        await api.ReadyAsync();
        var editor = await api.CreateKeyAsync("editor");
        var admin = await api.CreateKeyAsync("admin");
        var created = await api.Client(editor).PostAsJsonAsync("/api/v1/stations", new
        {
            name = "索引测试驿站",
            lon = 121.4001,
            lat = 31.2002,
            tier = "smart_24h",
            opening_hours = "24/7",
        }).Json(201);
        var id = (long)created["id"]!;
        var first = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=121.4001&lat=31.2002&limit=1").Json(200))["items"]!.AsArray();
        Assert.Equal(id, (long)first[0]!["id"]!);
        Assert.Equal(0.0, (double)first[0]!["distance_m"]!);

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}") { Content = JsonContent.Create(new { lon = 121.41, lat = 31.21 }) };
        patch.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        await (await api.Client(editor).SendAsync(patch)).Json(200);
        var moved = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=121.41&lat=31.21&limit=1").Json(200))["items"]!.AsArray();
        Assert.Equal(id, (long)moved[0]!["id"]!);
        Assert.Equal(0.0, (double)moved[0]!["distance_m"]!);

        var delete = await api.Client(admin).DeleteAsync($"/api/v1/stations/{id}");
        Assert.Equal(204, (int)delete.StatusCode);
        var after = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=121.41&lat=31.21&limit=1").Json(200))["items"]!.AsArray();
        Assert.NotEqual(id, (long)after[0]!["id"]!);
    }

    [Fact]
    public async Task Direct_SQL_inserts_updates_and_deletes_reach_the_index_by_NOTIFY()
    {
        await api.ReadyAsync();
        async Task<JsonArray> NearestAsync(double lon, double lat) =>
            (await api.Client().GetAsync($"/api/v1/stations/nearest?lon={lon}&lat={lat}&limit=1").Json(200))["items"]!.AsArray();
        async Task<bool> WithinAsync(Func<JsonArray, bool> seen, double lon, double lat)
        {
            // NOTIFY alone, no sync marker: the documented delay is "milliseconds"; allow 5 s on a busy machine.
            for (var i = 0; i < 100; i++) { if (seen(await NearestAsync(lon, lat))) return true; await Task.Delay(50); }
            return false;
        }

        var id = await api.ScalarAsync<long>(
            "INSERT INTO station (name, location, tier) VALUES ('SQL 驿站', ST_SetSRID(ST_MakePoint(100.5, 13.75), 4326)::geography, 'partner') RETURNING id");
        Assert.True(await WithinAsync(a => a.Count > 0 && (long)a[0]!["id"]! == id, 100.5, 13.75), "insert not seen");

        await api.ScalarAsync<int>("UPDATE station SET location = ST_SetSRID(ST_MakePoint(100.6, 13.8), 4326)::geography, name = 'SQL 驿站 2' WHERE id = $1 RETURNING 1", id);
        Assert.True(await api.Index.SyncAsync());
        var moved = await NearestAsync(100.6, 13.8);
        Assert.Equal(id, (long)moved[0]!["id"]!);
        Assert.Equal("SQL 驿站 2", (string?)moved[0]!["name"]);
        Assert.Equal(0.0, (double)moved[0]!["distance_m"]!);

        await api.ScalarAsync<int>("UPDATE station SET deleted_at = now() WHERE id = $1 RETURNING 1", id);
        Assert.True(await WithinAsync(a => a.Count == 0 || (long)a[0]!["id"]! != id, 100.6, 13.8), "soft delete not seen");

        var hard = await api.ScalarAsync<long>(
            "INSERT INTO station (name, location) VALUES ('SQL 驿站 3', ST_SetSRID(ST_MakePoint(-58.38, -34.6), 4326)::geography) RETURNING id");
        Assert.True(await api.Index.SyncAsync());
        Assert.Equal(hard, (long)(await NearestAsync(-58.38, -34.6))[0]!["id"]!);
        await api.ScalarAsync<int>("WITH d AS (DELETE FROM station WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM d", hard);
        Assert.True(await api.Index.SyncAsync());
        Assert.NotEqual(hard, (long)(await NearestAsync(-58.38, -34.6))[0]!["id"]!);
    }
}
