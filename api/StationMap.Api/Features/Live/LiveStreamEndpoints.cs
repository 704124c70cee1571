using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Live;

public sealed record LiveStreamQuery(
    [FromQuery(Name = "bbox")] Bbox? Bbox,
    [FromQuery(Name = "last_event_id")] string? LastEventId);

/// <summary>
/// <c>GET /api/v1/live/stream?bbox=</c>: Server-Sent Events of live changes in a box. Each change is
/// <c>id: seq</c> (live_change.seq), <c>event: live</c>, <c>data: {"station_id","seq","live"}</c>;
/// a comment every LiveOptions.StreamHeartbeatSeconds keeps proxies from closing an idle stream.
/// On resume (Last-Event-ID, or last_event_id for a client that opens a new stream) every station of
/// the box changed from 5 s before that change on is sent once with its current state: changes that
/// committed out of sequence order are covered by the 5 s. An id older than what live_change keeps
/// (LiveOptions.ChangeRetentionHours) gets <c>event: reset</c>: reload the feed, then follow the stream.
/// </summary>
public static class LiveStreamEndpoints
{
    public const string EventStream = "text/event-stream";
    /// <summary>How far before the resumed change the replay starts (changes may commit out of sequence order).</summary>
    public static readonly TimeSpan ReplaySlack = TimeSpan.FromSeconds(5);
    static readonly byte[] Preamble = Encoding.UTF8.GetBytes("retry: 3000\n\n");
    static readonly byte[] Heartbeat = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    internal static void MapLiveStream(RouteGroupBuilder group)
    {
        group.MapGet("/stream", Stream)
            .WithName("LiveStream")
            .WithSummary("Server-Sent Events of live changes of the stations in a bbox, resumable with Last-Event-ID")
            .WithDescription("bbox=minLon,minLat,maxLon,maxLat (WGS-84, required). text/event-stream: `retry: 3000`, then per change " +
                             "`id: <seq>`, `event: live`, `data: {\"station_id\",\"seq\",\"live\"}` (live as in every station answer), and a comment " +
                             "line as heartbeat. Reconnecting with the Last-Event-ID header (EventSource does this by itself) or last_event_id " +
                             "sends every station of the box that changed since, once, with its current state; when that id is older than the " +
                             "changes kept, `event: reset` says to reload GET /api/v1/live first. A client that falls far behind is disconnected " +
                             "and resumes the same way.")
            .Produces<string>(200, EventStream).ProducesValidationProblem();
    }

    static async Task<Results<EmptyHttpResult, ValidationProblem>> Stream(
        [AsParameters] LiveStreamQuery query, HttpContext http, LiveStreamHub hub, LiveStations stations, ILiveState live,
        NpgsqlDataSource data, TimeProvider clock, IOptions<LiveOptions> options, IHostApplicationLifetime lifetime, CancellationToken aborted)
    {
        var v = new Validation();
        if (query.Bbox is null) v.Add("bbox", "bbox is required: minLon,minLat,maxLon,maxLat in WGS-84 degrees.");
        // The header wins: EventSource reconnects to the same URL (with its old last_event_id) and sends the newer id in the header.
        var header = http.Request.Headers["Last-Event-ID"].ToString();
        var (resumeText, resumeName) = header.Length > 0 ? (header, "Last-Event-ID") : (query.LastEventId, "last_event_id");
        long? resume = null;
        if (resumeText is not null)
        {
            if (long.TryParse(resumeText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) resume = id;
            else v.Add(resumeName, $"{resumeName} must be the id of an event of this stream (a whole number).");
        }
        if (!v.IsValid) return v.Problem();
        var box = LiveBox.Of(query.Bbox!.Value);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        // Subscribed before the replay reads the database, so no change falls between the two.
        var subscriber = hub.Subscribe(box);
        try
        {
            var response = http.Response;
            response.ContentType = EventStream;
            response.Headers.CacheControl = "no-cache, no-store";
            response.Headers["X-Accel-Buffering"] = "no"; // nginx and the like: pass events on at once
            // Past the ETag buffer (ConditionalGets) and response compression: every event goes out as written.
            http.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
            await response.Body.WriteAsync(Preamble, ct);
            await response.Body.FlushAsync(ct);
            // HEAD (HeadRequests runs it as GET into a counting body): the headers are all it gets.
            if (!response.HasStarted) return TypedResults.Empty;

            var replayed = new Dictionary<long, long>();
            if (resume is { } from)
                await ReplayAsync(from, box, response.Body, replayed, stations, live, data, clock, options.Value, ct);

            var heartbeat = TimeSpan.FromSeconds(Math.Max(1, options.Value.StreamHeartbeatSeconds));
            while (!ct.IsCancellationRequested)
            {
                bool more;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    idle.CancelAfter(heartbeat);
                    try { more = await subscriber.Events.WaitToReadAsync(idle.Token); }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await response.Body.WriteAsync(Heartbeat, ct);
                        await response.Body.FlushAsync(ct);
                        continue;
                    }
                }
                if (!more) break; // cut off (too far behind) or the app is stopping: the client resumes with Last-Event-ID
                while (subscriber.Events.TryRead(out var e))
                {
                    if (replayed.Count > 0 && replayed.TryGetValue(e.StationId, out var sent) && e.Seq <= sent) continue;
                    await response.Body.WriteAsync(e.Bytes, ct);
                }
                await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (IOException) { } // the client went away mid-write
        finally
        {
            hub.Unsubscribe(subscriber);
        }
        return TypedResults.Empty;
    }

    /// <summary>
    /// Sends each station of the box changed since <paramref name="from"/> (from <see cref="ReplaySlack"/>
    /// before that change's time) once, with its state now, in the order of its latest change; or
    /// <c>event: reset</c> when live_change no longer holds that change.
    /// </summary>
    static async Task ReplayAsync(long from, LiveBox box, Stream body, Dictionary<long, long> replayed, LiveStations stations,
        ILiveState live, NpgsqlDataSource data, TimeProvider clock, LiveOptions options, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        // The change named (or, for an id that never committed, the one before it), the newest, and whether it is still kept.
        DateTimeOffset? anchor;
        long? newest;
        bool expired;
        await using (var cmd = new NpgsqlCommand(
            "SELECT a.changed_at, (SELECT max(seq) FROM live_change), a.changed_at < $2 " +
            "FROM (SELECT (SELECT changed_at FROM live_change WHERE seq <= $1 ORDER BY seq DESC LIMIT 1) AS changed_at) a", conn))
        {
            cmd.Parameters.AddWithValue(from);
            // changed_at is the writers' clock (TimeProvider), so the retention is measured on it too.
            cmd.Parameters.AddWithValue(clock.GetUtcNow() - TimeSpan.FromHours(options.ChangeRetentionHours));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            anchor = r.IsDBNull(0) ? null : r.GetFieldValue<DateTimeOffset>(0);
            newest = r.IsDBNull(1) ? null : r.GetInt64(1);
            expired = !r.IsDBNull(2) && r.GetBoolean(2);
        }
        if (newest is null && from == 0) return; // nothing has ever changed
        if (anchor is null || expired || from > newest)
        {
            var reset = JsonSerializer.SerializeToUtf8Bytes(new
            {
                last_event_id = from,
                seq = newest ?? 0,
                detail = "Changes since this id are no longer kept: reload GET /api/v1/live for the box, then follow this stream."
            }, ApiJson.Options);
            await body.WriteAsync(Encoding.UTF8.GetBytes("event: reset\ndata: "), ct);
            await body.WriteAsync(reset, ct);
            await body.WriteAsync("\n\n"u8.ToArray(), ct);
            await body.FlushAsync(ct);
            return;
        }

        var changed = new List<(long Station, long Seq)>();
        // live_change_changed_at_idx and the seq key (a BitmapOr); one row per station.
        await using (var cmd = new NpgsqlCommand(
            "SELECT station_id, max(seq) FROM live_change WHERE seq > $1 OR changed_at >= $2 GROUP BY station_id ORDER BY max(seq)", conn))
        {
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(anchor.Value - ReplaySlack);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) changed.Add((r.GetInt64(0), r.GetInt64(1)));
        }
        await conn.CloseAsync();
        if (changed.Count == 0) return;
        var positions = await stations.LocateAsync(changed.Select(c => c.Station).ToList(), ct);
        var now = clock.GetUtcNow();
        foreach (var (station, seq) in changed)
        {
            if (!positions.TryGetValue(station, out var p) || !box.Contains(p.Lon, p.Lat)) continue;
            // The id says what the state sent includes: the change this instance has applied, never one it has not yet.
            var applied = live.SequenceOf(station);
            var id = applied > 0 ? Math.Min(applied, seq) : seq;
            await body.WriteAsync(LiveStreamHub.Event(id, station, live.For(station, now)), ct);
            replayed[station] = id;
        }
        await body.FlushAsync(ct);
    }
}
