using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>
/// The 300 demo stations (with their services) and a fixed CN calendar in place of the loaded one:
/// Spring Festival 2026-02-17 and the make-up working day 2026-02-14, so the week view's holidays can
/// be checked through the API's own IHolidayCalendars registration.
/// </summary>
public sealed class OpenAtFixture : ApiFixture
{
    protected override int DemoStations => 300;

    public static readonly HolidayCalendar Calendar = new(
        new Dictionary<DateOnly, string> { [new(2026, 2, 17)] = "春节", [new(2026, 2, 18)] = "春节" },
        new Dictionary<DateOnly, string>(),
        new HashSet<DateOnly> { new(2026, 2, 14) },
        version: 1);

    sealed class FixedCalendars : IHolidayCalendars
    {
        public IHolidayCalendar For(string region) => region == "CN" ? Calendar : HolidayCalendar.None;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<IHolidayCalendars>(new FixedCalendars())));
}

/// <summary>Open state, openNow and the week at a chosen instant (at=), in each station's own time zone.</summary>
public sealed class OpenAtTests(OpenAtFixture api) : IClassFixture<OpenAtFixture>
{
    const string Night = "2026-12-02T23:00:00+08:00"; // a Wednesday night in Shanghai
    static readonly DateTimeOffset NightInstant = DateTimeOffset.Parse(Night);
    static readonly SemaphoreSlim Once = new(1, 1);

    /// <summary>What the evaluator says of a station's hours at an instant, in its own context.</summary>
    static string Expected(JsonNode station, DateTimeOffset at)
    {
        if ((string?)station["status"] != "open") return "closed";
        if ((string?)station["opening_hours"] is not { } hours) return "unknown";
        Assert.True(OpeningHoursSchedule.TryParse(hours, out var schedule, out _), hours);
        var zone = TimeZoneInfo.FindSystemTimeZoneById((string)station["time_zone"]!);
        var context = new EvaluationContext(zone, (double)station["lat"]!, (double)station["lon"]!, OpenAtFixture.Calendar);
        return OpenStateView.Name(schedule!.Evaluate(at, context).Status);
    }

    async Task<List<(long Id, string? Hours, string Status, double Lon, double Lat)>> AllByDistanceAsync(double lon, double lat)
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT id, opening_hours, status, ST_X(location::geometry), ST_Y(location::geometry)
            FROM station WHERE deleted_at IS NULL
            ORDER BY ST_Distance(location, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography), id
            """, conn);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        var rows = new List<(long, string?, string, double, double)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4)));
        return rows;
    }

    [Fact]
    public async Task Nearest_at_a_night_instant_with_openNow_lists_only_the_stations_open_then()
    {
        api.Clock.Now = new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero); // "now" is a Wednesday noon: not the instant asked for
        var body = await api.Client().GetAsync($"/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=100&openNow=true&at={Uri.EscapeDataString(Night)}").Json(200);
        var items = body["items"]!.AsArray();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            Assert.Equal("open", (string?)item!["open_state"]!["state"]);
            Assert.Equal("open", Expected(item, NightInstant));
            Assert.Equal(Night, (string?)item["open_state"]!["at"]);
        }
        // Every station the evaluator calls open at that instant, nearest first: none is left out.
        var oracle = new List<long>();
        foreach (var row in await AllByDistanceAsync(120.16, 30.27))
        {
            if (row.Status != "open" || row.Hours is null) continue;
            OpeningHoursSchedule.TryParse(row.Hours, out var schedule, out _);
            var context = new EvaluationContext(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), row.Lat, row.Lon, OpenAtFixture.Calendar);
            if (schedule?.Evaluate(NightInstant, context).Status == OpenStatus.Open) oracle.Add(row.Id);
        }
        Assert.Equal(oracle.Take(100), items.Select(i => (long)i!["id"]!));

        // The same request at noon (the clock) has day-only stations too; the night answer has none of them.
        var noon = (await api.Client().GetAsync("/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=100&openNow=true").Json(200))["items"]!.AsArray();
        Assert.Contains(noon, i => (string?)i!["opening_hours"] == "Mo-Fr 08:30-17:30");
        Assert.DoesNotContain(items, i => (string?)i!["opening_hours"] == "Mo-Fr 08:30-17:30");

        // An unencoded + (read as a space by form decoding) means the same instant.
        var raw = (await api.Client().GetAsync($"/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=100&openNow=true&at={Night}").Json(200))["items"]!.AsArray();
        Assert.Equal(items.Select(i => (long)i!["id"]!), raw.Select(i => (long)i!["id"]!));
    }

    [Fact]
    public async Task Detail_at_an_instant_evaluates_from_that_day_with_holidays_and_range_status()
    {
        var id = await api.ScalarAsync<long>("SELECT min(id) FROM station WHERE status = 'open' AND opening_hours = 'Mo-Su 07:00-21:00'");
        var client = api.Client();
        // 23:30 UTC is 07:30 on Saturday 2026-02-14 in Shanghai, a make-up working day; 2026-02-17 is Spring Festival.
        var url = $"/api/v1/stations/{id}?at={Uri.EscapeDataString("2026-02-13T23:30:00Z")}";
        var response = await client.GetAsync(url);
        var body = await response.Json(200);
        var state = body["open_state"]!;
        Assert.Equal("open", (string?)state["state"]);
        Assert.Equal("2026-02-14T07:30:00+08:00", (string?)state["at"]);
        Assert.Equal("2026-02-14T21:00:00+08:00", (string?)state["next_change"]);
        var week = body["hours_week"]!.AsArray();
        Assert.Equal(7, week.Count);
        Assert.Equal(["2026-02-14", "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"], week.Select(d => (string)d!["date"]!));
        Assert.Equal("Sa", (string?)week[0]!["weekday"]);
        Assert.True((bool)week[0]!["today"]!);
        Assert.Equal("makeup_workday", (string?)week[0]!["holiday"]!["kind"]);
        Assert.Null(week[1]!["holiday"]);
        Assert.Equal("春节", (string?)week[3]!["holiday"]!["name"]);
        Assert.Equal("public_holiday", (string?)week[3]!["holiday"]!["kind"]);
        var range = week[1]!["ranges"]!.AsArray().Single()!;
        Assert.Equal(("07:00", "21:00", "open"), ((string)range["from"]!, (string)range["to"]!, (string)range["status"]!));
        Assert.True(range.AsObject().ContainsKey("comment"));

        // The representation (so its ETag) varies with at; the same at revalidates to 304.
        var tag = response.Headers.ETag!;
        var other = await client.GetAsync($"/api/v1/stations/{id}?at={Uri.EscapeDataString("2026-02-14T23:30:00Z")}");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotEqual(tag, other.Headers.ETag);
        var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(tag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task List_GeoJSON_and_CSV_evaluate_at_the_instant()
    {
        var client = api.Client();
        var at = Uri.EscapeDataString(Night);
        var page = await client.GetAsync($"/api/v1/stations?limit=300&at={at}").Json(200);
        var items = page["items"]!.AsArray();
        Assert.Equal(300, items.Count);
        foreach (var item in items)
        {
            Assert.Equal(Expected(item!, NightInstant), (string?)item!["open_state"]!["state"]);
            Assert.Equal(Night, (string?)item["open_state"]!["at"]);
        }
        Assert.Contains(items, i => (string?)i!["open_state"]!["state"] == "closed" && (string?)i["status"] == "open");

        var geojson = await client.GetAsync($"/api/v1/stations?limit=300&format=geojson&at={at}").Json(200, "application/geo+json");
        Assert.Equal(items.Select(i => (string?)i!["open_state"]!["state"]),
            geojson["features"]!.AsArray().Select(f => (string?)f!["properties"]!["open_state"]!["state"]));

        var csv = await (await client.GetAsync($"/api/v1/stations?limit=300&format=csv&at={at}")).Content.ReadAsStringAsync();
        using var reader = new CsvHelper.CsvReader(new StringReader(csv), System.Globalization.CultureInfo.InvariantCulture);
        var states = new List<string>();
        reader.Read(); reader.ReadHeader();
        while (reader.Read()) states.Add(reader.GetField("open_state")!);
        Assert.Equal(items.Select(i => (string)i!["open_state"]!["state"]!), states);
    }

    [Fact]
    public async Task Reachable_evaluates_each_station_at_the_instant()
    {
        await Once.WaitAsync();
        try
        {
            await using var conn = await api.OpenAsync();
            if (await RoadGraphStore.ActiveInfoAsync(conn, DemoRoadNetwork.Region) is null)
                await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(), DemoRoadNetwork.Region, "demo", null, null, "{}");
            await api.Services.GetRequiredService<GraphHost>().ReloadIfChangedAsync();
        }
        finally { Once.Release(); }
        var body = await api.Client().GetAsync($"/api/v1/stations/reachable?lon=120.16&lat=30.27&minutes=10&at={Uri.EscapeDataString(Night)}").Json(200);
        var items = body["items"]!.AsArray();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            Assert.Equal(Night, (string?)item!["open_state"]!["at"]);
            Assert.Equal(Expected(item, NightInstant), (string?)item["open_state"]!["state"]);
        }
        Assert.Contains(items, i => (string?)i!["open_state"]!["state"] == "closed");

        // by=time keeps the openNow rule at the instant too.
        var byTime = (await api.Client().GetAsync($"/api/v1/stations/nearest?lon=120.16&lat=30.27&by=time&openNow=true&limit=20&at={Uri.EscapeDataString(Night)}").Json(200))["items"]!.AsArray();
        Assert.NotEmpty(byTime);
        Assert.All(byTime, i => Assert.Equal("open", Expected(i!, NightInstant)));
    }

    [Theory]
    [InlineData("/api/v1/stations/nearest?lon=120.16&lat=30.27&at=tonight")]
    [InlineData("/api/v1/stations/nearest?lon=120.16&lat=30.27&at=2026-12-02T23:00:00")]
    [InlineData("/api/v1/stations?at=2026-12-02")]
    [InlineData("/api/v1/stations/reachable?lon=120.16&lat=30.27&at=2026-13-02T23:00:00Z")]
    [InlineData("/api/v1/stations/1?at=yesterday")]
    // Past the calendar the evaluator looks a year ahead and a day back in.
    [InlineData("/api/v1/stations/nearest?lon=120.16&lat=30.27&at=9999-12-31T23:59:59%2B14:00")]
    [InlineData("/api/v1/stations/nearest?lon=120.16&lat=30.27&at=0001-01-01T00:00:00Z")]
    [InlineData("/api/v1/stations?format=csv&at=9999-12-31T23:00:00Z")]
    [InlineData("/api/v1/stations?format=geojson&at=0001-01-01T00:00:00Z")]
    [InlineData("/api/v1/stations?at=9999-12-31T23:00:00Z&service=free_clinic&service_when=today")]
    [InlineData("/api/v1/stations/1?at=9999-12-31T23:00:00Z")]
    [InlineData("/api/v1/stations/reachable?lon=120.16&lat=30.27&at=9999-12-31T23:00:00Z")]
    public async Task A_bad_at_is_a_400_naming_at(string url) => await api.Client().GetAsync(url).Problem(400, "at");
}
