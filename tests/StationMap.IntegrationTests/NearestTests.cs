using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

public sealed class NearestTests(DemoApiFixture api) : IClassFixture<DemoApiFixture>
{
    /// <summary>Independent oracle: PostGIS ST_Distance over every station, no index, no KNN.</summary>
    async Task<List<(long Id, double Distance)>> OracleAsync(double lon, double lat, string where = "true")
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            $"SELECT id, ST_Distance(location, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d FROM station " +
            $"WHERE deleted_at IS NULL AND {where} ORDER BY d, id", conn);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        var result = new List<(long, double)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add((reader.GetInt64(0), reader.GetDouble(1)));
        return result;
    }

    [Theory]
    [InlineData(120.16, 30.27, 5)]
    [InlineData(120.21, 30.20, 10)]
    [InlineData(120.05, 30.35, 3)]
    public async Task Nearest_matches_PostGIS_ST_Distance_to_the_metre(double lon, double lat, int limit)
    {
        var body = await api.Client().GetAsync($"/api/v1/stations/nearest?lon={lon}&lat={lat}&limit={limit}").Json(200);
        var items = body["items"]!.AsArray();
        var oracle = (await OracleAsync(lon, lat)).Take(limit).ToList();
        Assert.Equal(limit, items.Count);
        for (var i = 0; i < limit; i++)
        {
            Assert.Equal(oracle[i].Id, (long)items[i]!["id"]!);
            Assert.InRange((double)items[i]!["distance_m"]! - oracle[i].Distance, -1, 1);
        }
    }

    [Fact]
    public void Nearest_query_orders_by_the_KNN_operator_on_the_GiST_index()
    {
        var options = new DbContextOptionsBuilder<StationsDb>()
            .UseNpgsql("Host=unused", o => o.UseNetTopologySuite()).UseSnakeCaseNamingConvention().Options;
        using var db = new StationsDb(options);
        var sql = NearestEndpoint.Candidates(db.Stations.Where(s => s.DeletedAt == null), new Point(120.16, 30.27) { SRID = 4326 }).ToQueryString();
        Assert.Contains("ORDER BY s.location <-> @", sql);
        Assert.DoesNotContain("ORDER BY ST_Distance", sql);
    }

    [Fact]
    public async Task Nearest_query_plan_walks_the_GiST_index_without_sorting_the_table()
    {
        // The SQL EF sends, with its parameters written in, explained with sequential scans
        // discouraged: only an ORDER BY the index can deliver yields an ordered index scan.
        var options = new DbContextOptionsBuilder<StationsDb>()
            .UseNpgsql(api.ConnectionString, o => o.UseNetTopologySuite()).UseSnakeCaseNamingConvention().Options;
        await using var db = new StationsDb(options);
        var sql = NearestEndpoint.Candidates(db.Stations.Where(s => s.DeletedAt == null), new Point(120.16, 30.27) { SRID = 4326 })
            .Take(20).ToQueryString();
        var body = string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)));
        body = System.Text.RegularExpressions.Regex.Replace(body, @"@origin\b", "ST_SetSRID(ST_MakePoint(120.16, 30.27), 4326)::geography");
        body = System.Text.RegularExpressions.Regex.Replace(body, @"@p\d*\b", "20");
        await using var conn = await api.OpenAsync();
        await using (var off = new NpgsqlCommand("ANALYZE station; SET enable_seqscan = off; SET enable_bitmapscan = off", conn)) await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + body, conn);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        var text = string.Join('\n', plan);
        Assert.True(text.Contains("Index Scan using station_location_gist", StringComparison.Ordinal), body + "\n" + text);
        Assert.False(text.Contains("Sort", StringComparison.Ordinal), body + "\n" + text);
    }

    [Fact]
    public async Task Amenities_filter_is_all_of_and_unknown_is_not_yes()
    {
        var body = await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=20&amenities=toilet,ebike_charging").Json(200);
        var items = body["items"]!.AsArray();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            Assert.Equal("yes", (string?)item!["amenities"]!["toilet"]);
            Assert.Equal("yes", (string?)item["amenities"]!["ebike_charging"]);
        }
        var oracle = await OracleAsync(120.16, 30.27, "amenities->>'toilet' = 'yes' AND amenities->>'ebike_charging' = 'yes'");
        Assert.Equal(oracle.Take(20).Select(o => o.Id), items.Select(i => (long)i!["id"]!));
    }

    [Fact]
    public async Task Tier_and_max_distance_filters_apply()
    {
        var body = await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=100&tier=flagship,smart_24h&maxDistance=3000").Json(200);
        var items = body["items"]!.AsArray();
        var oracle = await OracleAsync(120.16, 30.27, "tier IN ('flagship', 'smart_24h')");
        Assert.Equal(oracle.Where(o => o.Distance <= 3000).Select(o => o.Id), items.Select(i => (long)i!["id"]!));
        Assert.All(items, i => Assert.True((double)i!["distance_m"]! <= 3000));
    }

    [Fact]
    public async Task Open_now_keeps_only_stations_open_at_that_moment()
    {
        api.Clock.Now = new DateTimeOffset(2026, 11, 18, 19, 0, 0, TimeSpan.Zero); // Thursday 03:00 in Shanghai
        var night = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=50&openNow=true").Json(200))["items"]!.AsArray();
        Assert.NotEmpty(night);
        Assert.All(night, i =>
        {
            Assert.Equal("open", (string?)i!["open_state"]!["state"]);
            Assert.Equal("24/7", (string?)i["opening_hours"]);
        });
        var oracle = await OracleAsync(120.16, 30.27, "status = 'open' AND opening_hours = '24/7'");
        Assert.Equal(oracle.Take(50).Select(o => o.Id), night.Select(i => (long)i!["id"]!));

        api.Clock.Now = new DateTimeOffset(2026, 11, 18, 2, 0, 0, TimeSpan.Zero); // Wednesday 10:00 in Shanghai
        var day = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=50&openNow=true").Json(200))["items"]!.AsArray();
        Assert.Contains(day, i => (string?)i!["opening_hours"] != "24/7");
        Assert.All(day, i => Assert.Equal("open", (string?)i!["open_state"]!["state"]));
    }

    [Fact]
    public async Task Open_state_reports_the_next_change_in_the_station_time_zone()
    {
        api.Clock.Now = new DateTimeOffset(2026, 11, 18, 2, 0, 0, TimeSpan.Zero); // Wednesday 10:00 in Shanghai
        var items = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=100").Json(200))["items"]!.AsArray();
        var dayOnly = items.First(i => (string?)i!["opening_hours"] == "Mo-Su 07:00-21:00" && (string?)i["status"] == "open")!;
        Assert.Equal("open", (string?)dayOnly["open_state"]!["state"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 21, 0, 0, TimeSpan.FromHours(8)), DateTimeOffset.Parse((string)dayOnly["open_state"]!["next_change"]!));
        var closed = items.FirstOrDefault(i => (string?)i!["status"] == "temporarily_closed");
        if (closed is not null) Assert.Equal("closed", (string?)closed["open_state"]!["state"]);
        var unknown = items.First(i => i!["opening_hours"] is null && (string?)i["status"] == "open")!;
        Assert.Equal("unknown", (string?)unknown["open_state"]!["state"]);
    }

    [Fact]
    public async Task Gcj02_input_and_output_round_trip_to_the_same_stations()
    {
        var wgs = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=5").Json(200))["items"]!.AsArray();
        // The same place in GCJ-02 (Hangzhou offset ≈ +0.0047° lon, −0.0023° lat).
        var (gLon, gLat) = Api.Infrastructure.Geo.CoordinateSystems.Wgs84ToGcj02(120.16, 30.27);
        var body = await api.Client().GetAsync($"/api/v1/stations/nearest?lon={gLon:R}&lat={gLat:R}&limit=5&crs=gcj02").Json(200);
        var gcj = body["items"]!.AsArray();
        Assert.Equal("gcj02", (string?)body["crs"]);
        Assert.Equal(wgs.Select(i => (long)i!["id"]!), gcj.Select(i => (long)i!["id"]!));
        var expected = Api.Infrastructure.Geo.CoordinateSystems.Wgs84ToGcj02((double)wgs[0]!["lon"]!, (double)wgs[0]!["lat"]!);
        Assert.Equal(expected.Lon, (double)gcj[0]!["lon"]!, 6);
        Assert.Equal(expected.Lat, (double)gcj[0]!["lat"]!, 6);
        Assert.InRange((double)gcj[0]!["lon"]! - (double)wgs[0]!["lon"]!, 0.003, 0.006);
    }

    [Fact]
    public async Task Nearest_with_no_matching_station_returns_an_empty_list()
    {
        var body = await api.Client().GetAsync("/api/v1/stations/nearest?lon=-70&lat=-40&maxDistance=1000").Json(200);
        Assert.Empty(body["items"]!.AsArray());
    }
}
