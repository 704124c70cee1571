using System.Text;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>One Server-Sent Events stream read as it arrives: its blocks (events and comments) one at a time.</summary>
sealed class EventStream : IAsyncDisposable
{
    readonly HttpResponseMessage _response;
    readonly StreamReader _reader;
    readonly StringBuilder _log = new();

    EventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<EventStream> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // Read the body only when it is a problem: a stream's body never ends.
        if (!response.IsSuccessStatusCode) Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next block: its fields (id, event, data, retry) and comment lines (under ":").</summary>
    public async Task<Dictionary<string, string>> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var block = new Dictionary<string, string>();
        while (true)
        {
            string? line;
            try { line = await _reader.ReadLineAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no complete event within {timeout.TotalSeconds} s; read so far:\n{_log}"); }
            if (line is null) throw new EndOfStreamException($"the stream ended; read:\n{_log}");
            _log.AppendLine(line);
            if (line.Length == 0)
            {
                if (block.Count > 0) return block;
                continue;
            }
            var colon = line.IndexOf(':');
            var (field, value) = colon == 0 ? (":", line[1..].Trim()) : colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart());
            block[field] = value;
        }
    }

    /// <summary>Reads until an <c>event: live</c> of <paramref name="stationId"/> (others are skipped); answers (id, data).</summary>
    public async Task<(long Id, JsonNode Data)> NextLiveOfAsync(long stationId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no event of station {stationId} within {timeout.TotalSeconds} s; read:\n{_log}");
            var block = await NextAsync(left);
            if (block.GetValueOrDefault("event") != "live") continue;
            var data = JsonNode.Parse(block["data"])!;
            if ((long)data["station_id"]! == stationId) return (long.Parse(block["id"]), data);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>GET /api/v1/live/stream: events after check-ins, resume with Last-Event-ID, reset, heartbeats, bad input.</summary>
public sealed class LiveStreamTests(LiveDeliveryFixture api) : IClassFixture<LiveDeliveryFixture>
{
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    const string Url = $"/api/v1/live/stream?bbox={LiveDeliveryFixture.DemoBbox}";

    [Fact]
    public async Task A_subscriber_gets_an_event_with_the_stations_new_live_state_after_a_check_in()
    {
        var station = (await api.StationsAsync(10))[6];
        await using var stream = await EventStream.OpenAsync(api.Client(), Url);
        Assert.Equal("3000", (await stream.NextAsync(Wait))["retry"]);
        Assert.Contains("no-cache", stream.Response.Headers.CacheControl?.ToString());

        var checkin = await api.CheckInAsync(station, "full");
        var (id, data) = await stream.NextLiveOfAsync(station.Id, Wait);
        Assert.Equal(id, (long)data["seq"]!);
        Assert.True(id > 0);
        Assert.Equal((long)checkin["live"]!["seq"]!, (long)data["live"]!["seq"]!);
        Assert.Equal("full", (string?)data["live"]!["crowding"]!["value"]);
        Assert.Equal("crowd", (string?)data["live"]!["crowding"]!["source"]);
        // The event id is the live_change row of the check-in.
        Assert.Equal(station.Id, await api.ScalarAsync<long>("SELECT station_id FROM live_change WHERE seq = $1", id));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_stream_as_server_sent_events_resumable_with_Last_Event_ID()
    {
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var get = doc["paths"]!["/api/v1/live/stream"]!["get"]!;
        var header = get["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "Last-Event-ID")!;
        Assert.Equal("header", (string?)header["in"]);
        Assert.Equal("^[0-9]+$", (string?)header["schema"]!["pattern"]);
        Assert.Contains(get["parameters"]!.AsArray(), p => (string?)p!["name"] == "last_event_id");
        var media = get["responses"]!["200"]!["content"]!["text/event-stream"]!;
        Assert.Equal("string", (string?)media["schema"]!["type"]);
        Assert.Contains("event: live", (string?)media["example"]);
    }

    [Fact]
    public async Task A_subscriber_of_another_box_gets_no_event_of_a_station_outside_it()
    {
        var station = (await api.StationsAsync(10))[7];
        // A box far from Hangzhou: only heartbeats arrive.
        await using var stream = await EventStream.OpenAsync(api.Client(), "/api/v1/live/stream?bbox=100,20,100.1,20.1");
        await stream.NextAsync(Wait); // retry
        await api.CheckInAsync(station, "some_seats");
        for (var i = 0; i < 3; i++)
        {
            var block = await stream.NextAsync(Wait);
            Assert.Equal("keep-alive", block.GetValueOrDefault(":"));
        }
    }

    [Fact]
    public async Task After_a_dropped_connection_Last_Event_ID_replays_every_station_changed_meanwhile_with_its_current_state()
    {
        var stations = await api.StationsAsync(20);
        var (a, b, c) = (stations[10], stations[11], stations[12]);
        long last;
        await using (var stream = await EventStream.OpenAsync(api.Client(), Url))
        {
            await stream.NextAsync(Wait);
            await api.CheckInAsync(a, "some_seats");
            (last, _) = await stream.NextLiveOfAsync(a.Id, Wait);
        } // the connection drops

        var missedB = await api.CheckInAsync(b, "full");
        var missedC = await api.CheckInAsync(c, "empty");

        await using var resumed = await EventStream.OpenAsync(api.Client(), Url, lastEventId: last.ToString());
        await resumed.NextAsync(Wait); // retry
        var seen = new Dictionary<long, (long Id, JsonNode Data)>();
        while (!(seen.ContainsKey(b.Id) && seen.ContainsKey(c.Id)))
        {
            var block = await resumed.NextAsync(Wait);
            Assert.NotEqual("reset", block.GetValueOrDefault("event"));
            if (block.GetValueOrDefault("event") != "live") continue;
            var data = JsonNode.Parse(block["data"])!;
            var station = (long)data["station_id"]!;
            Assert.False(seen.ContainsKey(station), $"station {station} was replayed twice");
            seen[station] = (long.Parse(block["id"]), data);
        }
        Assert.Equal("full", (string?)seen[b.Id].Data["live"]!["crowding"]!["value"]);
        Assert.Equal("empty", (string?)seen[c.Id].Data["live"]!["crowding"]!["value"]);
        Assert.Equal((long)missedB["live"]!["seq"]!, seen[b.Id].Id);
        Assert.Equal((long)missedC["live"]!["seq"]!, seen[c.Id].Id);
        Assert.True(seen[b.Id].Id > last && seen[c.Id].Id > last);

        // The same resume through the query parameter (a page reload that kept the id) replays the same stations.
        await using var reloaded = await EventStream.OpenAsync(api.Client(), $"{Url}&last_event_id={last}");
        await reloaded.NextAsync(Wait);
        var again = new HashSet<long>();
        while (!(again.Contains(b.Id) && again.Contains(c.Id)))
        {
            var block = await reloaded.NextAsync(Wait);
            if (block.GetValueOrDefault("event") == "live") again.Add((long)JsonNode.Parse(block["data"])!["station_id"]!);
        }
    }

    [Fact]
    public async Task An_id_older_than_the_kept_changes_gets_a_reset_event()
    {
        var station = (await api.StationsAsync(20))[15];
        var checkin = await api.CheckInAsync(station, "full");
        var seq = (long)checkin["live"]!["seq"]!;
        // As if it were older than StationMap:Live:ChangeRetentionHours (24 h by default) on the API's clock.
        await using (var conn = await api.OpenAsync())
        await using (var cmd = new Npgsql.NpgsqlCommand("UPDATE live_change SET changed_at = $2 WHERE seq <= $1", conn))
        {
            cmd.Parameters.AddWithValue(seq);
            cmd.Parameters.AddWithValue(api.Clock.Now.AddHours(-25));
            await cmd.ExecuteNonQueryAsync();
        }
        await using var stream = await EventStream.OpenAsync(api.Client(), Url, lastEventId: seq.ToString());
        await stream.NextAsync(Wait); // retry
        var block = await stream.NextAsync(Wait);
        Assert.Equal("reset", block.GetValueOrDefault("event"));
        Assert.Equal(seq, (long)JsonNode.Parse(block["data"])!["last_event_id"]!);
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeats()
    {
        await using var stream = await EventStream.OpenAsync(api.Client(), "/api/v1/live/stream?bbox=100,20,100.1,20.1");
        await stream.NextAsync(Wait);
        Assert.Equal("keep-alive", (await stream.NextAsync(TimeSpan.FromSeconds(5))).GetValueOrDefault(":"));
    }

    [Fact]
    public async Task A_missing_bbox_or_a_malformed_last_event_id_is_a_400_naming_it()
    {
        await api.Client().GetAsync("/api/v1/live/stream").Problem(400, "bbox");
        await api.Client().GetAsync($"{Url}&last_event_id=abc").Problem(400, "last_event_id");
        var request = new HttpRequestMessage(HttpMethod.Get, Url);
        request.Headers.Add("Last-Event-ID", "-3");
        await api.Client().SendAsync(request).Problem(400, "Last-Event-ID");
    }

    [Fact]
    public async Task A_head_request_gets_the_streams_headers_and_ends()
    {
        var response = await api.Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, Url)).WaitAsync(Wait);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }
}
