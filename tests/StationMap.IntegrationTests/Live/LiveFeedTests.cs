using System.Net;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>GET /api/v1/live: the GBFS-style feed, its ttl window, ETag and 304.</summary>
public sealed class LiveFeedTests(LiveDeliveryFixture api) : IClassFixture<LiveDeliveryFixture>
{
    static readonly DateTimeOffset Noon = new(2026, 11, 18, 4, 0, 0, TimeSpan.Zero); // Wed 12:00 in Shanghai, a window start

    [Fact]
    public async Task The_feed_lists_every_station_of_the_bbox_with_its_live_state_and_opening_state_at_the_window_start()
    {
        api.Clock.Now = Noon.AddSeconds(12);
        var bbox = "120.10,30.20,120.20,30.30";
        var response = await api.Client().GetAsync($"/api/v1/live?bbox={bbox}");
        var feed = await response.Json(200);

        Assert.Equal("2026-11-18T04:00:00+00:00", (string)feed["last_updated"]!);
        Assert.Equal(30, (int)feed["ttl"]!);
        Assert.Equal("1.0", (string)feed["version"]!);
        // max-age: what is left of the 30 s window 12 s into it.
        Assert.Equal("public, max-age=18", response.Headers.CacheControl?.ToString());

        var stations = feed["data"]!["stations"]!.AsArray();
        // The oracle: PostGIS's own answer to which stations lie in the box.
        var expected = await api.ScalarAsync<string>(
            "SELECT string_agg(id::text, ',' ORDER BY id) FROM station WHERE deleted_at IS NULL AND geom && ST_MakeEnvelope(120.10, 30.20, 120.20, 30.30, 4326)");
        Assert.Equal(expected, string.Join(',', stations.Select(s => (string)s!["station_id"]!)));
        Assert.True(stations.Count > 5, $"the box should hold a few demo stations: {stations.Count}");

        foreach (var s in stations.Take(10))
        {
            var id = (string)s!["station_id"]!;
            Assert.Equal(0, (int)s["open_faults"]!);
            Assert.NotNull(s["live"]!["seq"]);
            // is_open is the station's open state at last_updated, as its own answer says it.
            var station = await api.Client().GetAsync($"/api/v1/stations/{id}?at=2026-11-18T04:00:00Z").Json(200);
            var state = (string)station["open_state"]!["state"]!;
            Assert.Equal(state switch { "open" => (bool?)true, "closed" => false, _ => null }, (bool?)s["is_open"]);
        }
    }

    [Fact]
    public async Task The_feed_answers_304_to_its_own_etag_and_a_new_etag_once_a_station_of_the_box_has_a_check_in()
    {
        api.Clock.Now = Noon.AddMinutes(10);
        var stations = await api.StationsAsync(3);
        var url = $"/api/v1/live?bbox={LiveDeliveryFixture.DemoBbox}";
        var first = await api.Client().GetAsync(url);
        await first.Json(200);
        var etag = first.Headers.ETag!.Tag;

        var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var notModified = await api.Client().SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag?.Tag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // Later in the same window, nothing changed: still 304.
        api.Clock.Now = Noon.AddMinutes(10).AddSeconds(20);
        var later = new HttpRequestMessage(HttpMethod.Get, url);
        later.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Client().SendAsync(later)).StatusCode);

        var checkin = await api.CheckInAsync(stations[1], "full");
        var afterCheckIn = new HttpRequestMessage(HttpMethod.Get, url);
        afterCheckIn.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var changed = await api.Client().SendAsync(afterCheckIn);
        var feed = await changed.Json(200);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        var station = feed["data"]!["stations"]!.AsArray().Single(s => (string)s!["station_id"]! == stations[1].Id.ToString());
        Assert.Equal((long)checkin["live"]!["seq"]!, (long)station!["live"]!["seq"]!);

        // The new tag is good for the rest of the window; the next window is a new answer.
        var same = new HttpRequestMessage(HttpMethod.Get, url);
        same.Headers.TryAddWithoutValidation("If-None-Match", changed.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Client().SendAsync(same)).StatusCode);
        api.Clock.Now = Noon.AddMinutes(11);
        var next = new HttpRequestMessage(HttpMethod.Get, url);
        next.Headers.TryAddWithoutValidation("If-None-Match", changed.Headers.ETag!.Tag);
        var nextWindow = await api.Client().SendAsync(next);
        Assert.Equal("2026-11-18T04:11:00+00:00", (string)(await nextWindow.Json(200))["last_updated"]!);
    }

    [Fact]
    public async Task A_check_in_made_in_the_window_shows_as_the_stations_crowding_from_the_next_window()
    {
        api.Clock.Now = Noon.AddMinutes(20);
        var station = (await api.StationsAsync(5))[4];
        await api.CheckInAsync(station, "full");
        api.Clock.Now = Noon.AddMinutes(20).AddSeconds(30);
        var feed = await api.Client().GetAsync($"/api/v1/live?bbox={LiveDeliveryFixture.DemoBbox}").Json(200);
        var s = feed["data"]!["stations"]!.AsArray().Single(x => (string)x!["station_id"]! == station.Id.ToString())!;
        Assert.Equal("full", (string?)s["crowding"]);
        Assert.Equal("full", (string?)s["live"]!["crowding"]!["value"]);
        Assert.Equal((string?)s["live"]!["as_of"], (string?)s["last_reported"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?bbox=120,30,121")]
    [InlineData("?bbox=120,31,121,30")]
    [InlineData("?bbox=a,b,c,d")]
    public async Task A_missing_or_malformed_bbox_is_a_400_naming_bbox(string query)
    {
        await api.Client().GetAsync($"/api/v1/live{query}").Problem(400, "bbox");
    }

    [Fact]
    public async Task An_unknown_parameter_is_a_400_naming_it()
    {
        await api.Client().GetAsync($"/api/v1/live?bbox={LiveDeliveryFixture.DemoBbox}&station=1").Problem(400, "station");
    }
}

/// <summary>The API over the demo stations with the in-memory station index switched off: the feed reads its stations from SQL.</summary>
public sealed class LiveFeedWithoutIndexFixture : ApiFixture
{
    protected override int DemoStations => 300;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["StationMap:NearestIndex:Enabled"] = "false",
    };
}

public sealed class LiveFeedWithoutIndexTests(LiveFeedWithoutIndexFixture api) : IClassFixture<LiveFeedWithoutIndexFixture>
{
    [Fact]
    public async Task Without_the_station_index_the_feed_lists_the_same_stations_from_SQL_and_still_answers_304()
    {
        var url = "/api/v1/live?bbox=120.10,30.20,120.20,30.30";
        var response = await api.Client().GetAsync(url);
        var feed = await response.Json(200);
        var expected = await api.ScalarAsync<string>(
            "SELECT string_agg(id::text, ',' ORDER BY id) FROM station WHERE deleted_at IS NULL AND geom && ST_MakeEnvelope(120.10, 30.20, 120.20, 30.30, 4326)");
        Assert.Equal(expected, string.Join(',', feed["data"]!["stations"]!.AsArray().Select(s => (string)s!["station_id"]!)));
        var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Client().SendAsync(again)).StatusCode);
    }
}
