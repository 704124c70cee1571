using System.IO.Hashing;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Http;
using StationMap.Api.Infrastructure.OpeningHours;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Live;

public sealed record LiveFeedQuery([FromQuery(Name = "bbox")] Bbox? Bbox);

/// <summary>The live feed, shaped as GBFS v3 station_status: a ttl window's snapshot of every station in a box.</summary>
/// <param name="LastUpdated">The start of the current ttl window: the instant every value below is computed at (RFC 3339).</param>
/// <param name="Ttl">Seconds the answer stays current from last_updated (LiveOptions.FeedTtlSeconds); Cache-Control max-age is what is left of it.</param>
/// <param name="Version">Version of this feed's format.</param>
/// <param name="Data">The stations.</param>
public sealed record LiveFeed(DateTimeOffset LastUpdated, int Ttl, string Version, LiveFeedData Data);

/// <param name="Stations">Every station in the bbox, in id order.</param>
public sealed record LiveFeedData(IReadOnlyList<LiveFeedStation> Stations);

/// <summary>One station's status: the headline values flat (as GBFS clients read them) and the whole live object.</summary>
/// <param name="StationId">The station id, as a string (GBFS ids are strings).</param>
/// <param name="LastReported">When the newest signal behind its live values was observed; null when nothing fresh is known.</param>
/// <param name="IsOpen">Open by its opening hours at last_updated; null when its hours are unknown.</param>
/// <param name="Crowding">Live crowding (empty, some_seats, full), null when nothing fresh (live.typical then says what is usual).</param>
/// <param name="SeatsFree">Live free seats, null when unknown.</param>
/// <param name="ChargedAvailable">Charged batteries in the swap cabinet, null when unknown.</param>
/// <param name="OpenFaults">Public open faults (confirmed, acknowledged or fixed, not yet verified).</param>
/// <param name="Live">The station's live object, as in every station answer.</param>
public sealed record LiveFeedStation(string StationId, DateTimeOffset? LastReported, bool? IsOpen, string? Crowding, int? SeatsFree,
    int? ChargedAvailable, int OpenFaults, StationLive Live);

/// <summary>
/// <c>GET /api/v1/live?bbox=</c>: the GBFS-style feed. Values are computed at the start of the current
/// ttl window, so one answer serves every client of the window; its ETag is made from the box, the
/// highest change sequence of its stations, the window and the station index generation, and a
/// matching If-None-Match is answered 304 before any value is computed.
/// </summary>
public static class LiveFeedEndpoints
{
    /// <summary>A bbox holding more stations than this is refused (400 naming bbox): ask for smaller boxes.</summary>
    public const int MaxStations = 5000;
    public const string FeedVersion = "1.0";

    internal static void MapLiveFeed(RouteGroupBuilder group)
    {
        group.MapGet("/", Feed)
            .WithName("LiveFeed")
            .WithSummary("Live state of every station in a bbox, as a GBFS-style station_status feed with ttl and ETag")
            .WithDescription($"bbox=minLon,minLat,maxLon,maxLat (WGS-84, required; at most {MaxStations} stations, else 400). " +
                             "Values are computed at the start of the current ttl window (last_updated) and the answer holds for the window: " +
                             "Cache-Control max-age is the rest of it, and If-None-Match with the ETag answers 304 until a station in the box changes " +
                             "or the window ends. For changes as they happen use GET /api/v1/live/stream.")
            .Produces<LiveFeed>(200).ProducesValidationProblem();
    }

    static async Task<Results<Ok<LiveFeed>, StatusCodeHttpResult, ValidationProblem>> Feed(
        [AsParameters] LiveFeedQuery query, LiveStations stations, ILiveState live, TimeProvider clock, IHolidayCalendars calendars,
        IOptions<LiveOptions> options, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        if (query.Bbox is not { } bbox)
        {
            v.Add("bbox", "bbox is required: minLon,minLat,maxLon,maxLat in WGS-84 degrees.");
            return v.Problem();
        }
        var area = await stations.InBoxAsync(bbox, MaxStations, ct);
        if (area.TooMany)
        {
            v.Add("bbox", $"bbox holds more than {MaxStations} stations: ask for smaller boxes.");
            return v.Problem();
        }

        var ttl = Math.Max(1, options.Value.FeedTtlSeconds);
        var now = clock.GetUtcNow();
        var window = DateTimeOffset.FromUnixTimeSeconds(FloorTo(now.ToUnixTimeSeconds(), ttl));
        var left = Math.Max(1, (int)Math.Ceiling((window.AddSeconds(ttl) - now).TotalSeconds));
        http.Response.Headers.CacheControl = $"public, max-age={left}";

        var holidays = calendars.For(OpenAt.Region);
        if (area.Generation >= 0)
        {
            var maxSeq = 0L;
            foreach (var r in area.Stations) maxSeq = Math.Max(maxSeq, live.SequenceOf(r.Id));
            var own = OwnTag(LiveBox.Of(bbox), maxSeq, window, area.Generation, holidays.Version, area.Stations.Count);
            if (EntityTags.Matching(http.Request.Headers.IfNoneMatch, own) is { } matched)
            {
                http.Response.Headers.ETag = matched;
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }
            // ConditionalGets keeps this as the prefix of the tag it hashes from the body.
            http.Response.Headers.ETag = own;
        }

        var at = new OpenAt(window, holidays);
        var list = new List<LiveFeedStation>(area.Stations.Count);
        foreach (var r in area.Stations)
        {
            var l = live.For(r.Id, window);
            bool? open = r.OpenStateAt(at).State switch { "open" => true, "closed" => false, _ => null };
            list.Add(new LiveFeedStation(r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), l.AsOf, open,
                l.Crowding?.Value, l.SeatsFree?.Value, l.ChargedAvailable?.Value, l.Faults.Count, l));
        }
        return TypedResults.Ok(new LiveFeed(window, ttl, FeedVersion, new LiveFeedData(list)));
    }

    static long FloorTo(long seconds, long step) => seconds - ((seconds % step) + step) % step;

    /// <summary>"lf" + XxHash128 of what the answer depends on besides the clock's window: the box, its highest change sequence, the stations and holidays it was read with.</summary>
    static string OwnTag(LiveBox box, long maxSeq, DateTimeOffset window, long generation, long holidaysVersion, int count)
    {
        var text = $"{box}|{maxSeq}|{window.ToUnixTimeSeconds()}|{generation}|{holidaysVersion}|{count}";
        var digest = XxHash128.Hash(Encoding.UTF8.GetBytes(text));
        return "\"lf" + Convert.ToBase64String(digest, 0, 12).Replace('+', '-').Replace('/', '_') + "\"";
    }
}
