using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>
/// The acceptance checks end to end, through the real endpoints of one API: signals, the
/// fused live state, nearest?seats=available, the stream, the ticket's life with signed webhooks
/// and Open311, the usage statistics and the feed's ETag.
/// </summary>
public sealed class LiveAcceptanceTests(LiveFixture api) : IClassFixture<LiveFixture>
{
    /// <summary>Reads Server-Sent Events from a live stream until <paramref name="until"/> holds or the time is up.</summary>
    static async Task<List<JsonNode>> ReadEventsAsync(Stream stream, Func<List<JsonNode>, bool> until, TimeSpan within)
    {
        var events = new List<JsonNode>();
        using var cts = new CancellationTokenSource(within);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        try
        {
            while (!until(events))
            {
                var line = await reader.ReadLineAsync(cts.Token);
                if (line is null) break;
                if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
                else if (line.Length == 0 && data.Length > 0)
                {
                    events.Add(JsonNode.Parse(data.ToString())!);
                    data.Clear();
                }
            }
        }
        catch (OperationCanceledException) { }
        return events;
    }

    [Fact]
    public async Task A_full_check_in_and_two_broken_microwave_reports_show_live_leave_seats_available_and_reach_a_stream_subscriber()
    {
        var station = await api.CreateStationAsync("饿了么", 120.9001, 30.9001);
        using var stream = api.Client();
        stream.Timeout = TimeSpan.FromSeconds(60);
        stream.DefaultRequestHeaders.Accept.Clear();
        stream.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await stream.GetAsync("/api/v1/live/stream?bbox=120.89,30.89,120.91,30.91", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = ReadEventsAsync(await response.Content.ReadAsStreamAsync(),
            e => e.Any(x => (string?)x["live"]?["crowding"]?["value"] == "full")
                 && e.Any(x => (string?)x["live"]?["amenities"]?["microwave"]?["value"] == "broken"),
            TimeSpan.FromSeconds(20));
        await Task.Delay(300);   // the subscription is registered once the headers are out; leave it a moment

        var here = new { lon = 120.9002, lat = 30.9001 };
        await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/checkins",
            new { here.lon, here.lat, crowding = "full" }).Json(201);
        var first = await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/reports",
            new { here.lon, here.lat, amenity = "microwave", state = "broken" }).Json(201);
        Assert.Equal("reported", (string?)first["ticket"]!["state"]);
        var second = await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/reports",
            new { here.lon, here.lat, amenity = "microwave", state = "broken", note = "不加热" }).Json(201);
        Assert.Equal("confirmed", (string?)second["ticket"]!["state"]);

        var live = (await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200))["live"]!;
        Assert.Equal("full", (string?)live["crowding"]!["value"]);
        Assert.Equal("crowd", (string?)live["crowding"]!["source"]);
        Assert.Equal("broken", (string?)live["amenities"]!["microwave"]!["value"]);
        Assert.Equal("confirmed", (string?)live["amenities"]!["microwave"]!["ticket_state"]);
        Assert.Equal("confirmed", (string?)live["faults"]![0]!["state"]);

        var nearest = $"/api/v1/stations/nearest?lon=120.9001&lat=30.9001&limit=5";
        Assert.Contains((await api.Client().GetAsync(nearest).Json(200))["items"]!.AsArray(), i => (long)i!["id"]! == station);
        Assert.DoesNotContain((await api.Client().GetAsync(nearest + "&seats=available").Json(200))["items"]!.AsArray(), i => (long)i!["id"]! == station);

        var seen = await events;
        Assert.All(seen, e => Assert.Equal(station, (long)e["station_id"]!));
        Assert.Contains(seen, e => (string?)e["live"]?["crowding"]?["value"] == "full");
        Assert.Contains(seen, e => (string?)e["live"]?["amenities"]?["microwave"]?["value"] == "broken");
    }

    [Fact]
    public async Task A_ticket_goes_reported_to_verified_with_every_step_signed_to_the_webhook_and_shown_by_Open311()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = await api.CreateKeyAsync("admin");
        const string secret = "a-long-webhook-secret-for-tests";
        await api.Client(admin).PostAsJsonAsync("/api/v1/webhooks",
            new { url = receiver.BaseUrl + "/sf", events = new[] { "*" }, secret, @operator = "顺丰速运" }).Json(201);

        var station = await api.CreateStationAsync("顺丰速运", 121.1001, 31.1001);
        var here = new { lon = 121.1001, lat = 31.1001 };
        var reported = await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/reports",
            new { here.lon, here.lat, amenity = "drinking_water", state = "empty" }).Json(201);
        var ticket = (long)reported["ticket"]!["id"]!;
        // Not public yet: one device's word.
        await api.Client().GetAsync($"/open311/v2/requests/{ticket}.json").Problem(404);

        await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/reports",
            new { here.lon, here.lat, amenity = "drinking_water", state = "empty" }).Json(201);
        var open311 = await api.Client().GetAsync($"/open311/v2/requests/{ticket}.json").Json(200);
        Assert.Equal("open", (string?)open311[0]!["status"]);
        var staff = await api.CreateKeyAsync("operator", @operator: "顺丰速运");
        var other = await api.CreateKeyAsync("operator", @operator: "美团");
        await api.Client(other).PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "acknowledged" }).Problem(403);
        await api.Client(staff).PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "acknowledged", note = "已派人" }).Json(200);
        await api.Client(staff).PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "fixed", note = "已换水" }).Json(200);
        await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/checkins",
            new { here.lon, here.lat, crowding = "some_seats" }).Json(201);

        var detail = await api.Client(staff).GetAsync($"/api/v1/tickets/{ticket}").Json(200);
        Assert.Equal("verified", (string?)detail["state"]);
        foreach (var step in new[] { "reported_at", "confirmed_at", "acknowledged_at", "fixed_at", "verified_at" })
            Assert.False(string.IsNullOrEmpty((string?)detail[step]), $"{step} missing: {detail.ToJsonString()}");
        var closed = await api.Client().GetAsync($"/open311/v2/requests/{ticket}.json").Json(200);
        Assert.Equal("closed", (string?)closed[0]!["status"]);
        Assert.Contains((await api.Client().GetAsync("/open311/v2/requests.json?status=closed").Json(200)).AsArray(),
            r => (string?)r!["service_request_id"] == ticket.ToString());

        var deliveries = await receiver.WaitForAsync("/sf", 5, seconds: 20);
        var events = deliveries.Select(d => d.Headers["X-StationMap-Event"]).ToList();
        Assert.Equal(["ticket.reported", "ticket.confirmed", "ticket.acknowledged", "ticket.fixed", "ticket.verified"], events.Order(StepOrder.Instance));
        foreach (var d in deliveries)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), d.Body));
            Assert.Equal(expected, d.Headers["X-StationMap-Signature-256"]);
            Assert.Equal(ticket, (long)JsonNode.Parse(d.Body)!["ticket"]!["id"]!);
        }
    }

    sealed class StepOrder : IComparer<string>
    {
        public static readonly StepOrder Instance = new();
        static readonly string[] Steps = ["ticket.reported", "ticket.confirmed", "ticket.acknowledged", "ticket.fixed", "ticket.verified"];
        public int Compare(string? x, string? y) => Array.IndexOf(Steps, x).CompareTo(Array.IndexOf(Steps, y));
    }

    [Fact]
    public async Task Usage_statistics_count_the_visits_and_the_feed_answers_304_to_its_own_ETag()
    {
        var station = await api.CreateStationAsync("中国邮政", 121.2001, 31.2001);
        for (var i = 0; i < 3; i++)
            await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/checkins",
                new { lon = 121.2001, lat = 31.2001, crowding = "some_seats" }).Json(201);
        var day = api.Clock.Now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd");
        var usage = await api.Client().GetAsync($"/api/v1/stats/usage?group_by=station&from={day}&to={day}").Json(200);
        var row = usage["rows"]!.AsArray().Single(r => (string?)r!["key"] == station.ToString());
        Assert.Equal(3, (int)row!["visits"]!);
        var csv = await api.Client().GetStringAsync($"/api/v1/stats/usage?group_by=operator&from={day}&to={day}&format=csv");
        Assert.Contains("中国邮政", csv);

        var feed = await api.Client().GetAsync("/api/v1/live?bbox=121.19,31.19,121.21,31.21");
        var body = await feed.Json(200);
        Assert.Equal(station.ToString(), (string?)body["data"]!["stations"]![0]!["station_id"]);
        Assert.True((int)body["ttl"]! > 0);
        var etag = feed.Headers.ETag!;
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/live?bbox=121.19,31.19,121.21,31.21");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.Client().SendAsync(again)).StatusCode);
    }
}
