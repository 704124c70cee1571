using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Routing;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// Nearest stations ranked by travel time over the road network (GET …/nearest?by=time&amp;mode=).
/// The crow-flight KNN candidates (with the same filters) that the fastest legal speed could reach
/// within an hour are snapped to the graph, and one bounded forward search from the caller's own
/// point gives every candidate's travel seconds; stations not reachable within the hour are left out.
/// </summary>
public static class NearestByTime
{
    public const double MaxSeconds = 3600;
    const int MaxCandidates = 2000;
    const double MaxSnapM = IsochroneEndpoint.MaxSnapM;

    static double TopSpeedKmh(TravelMode mode) => mode switch { TravelMode.Walk => 6, TravelMode.Ebike => 25, _ => 120 };

    /// <summary>Added to a station's travel time for ranking by=time answers (README, "Ranking"): a courier would rather ride a little longer than find it closed, full or without what they came for.</summary>
    public const double ClosedPenaltySeconds = 3600, UnknownHoursPenaltySeconds = 300, FullPenaltySeconds = 600, FaultPenaltySeconds = 900;

    internal static async Task<IResult> HandleAsync(GraphHost graphs, IQueryable<Station> stations, Point origin,
        TravelMode mode, int limit, Func<Station, bool>? keep, Crs crs, OpenAt at, CancellationToken ct, double maxSeconds = MaxSeconds,
        ILiveState? live = null, DateTimeOffset liveNow = default, double fullAbove = 0.5, string[]? wanted = null)
    {
        var region = graphs.For(origin.X, origin.Y);
        if (region.Problem is { } outside) return outside;
        var graph = region.Graph!;
        if (graph.Engine.Snap(origin.X, origin.Y, mode, MaxSnapM) is not { } start) return Problems.OutsideNetwork(mode.Name(), MaxSnapM);

        var reach = TopSpeedKmh(mode) / 3.6 * maxSeconds + MaxSnapM;
        var rows = await NearestEndpoint.Candidates(stations.Where(s => EF.Functions.IsWithinDistance(s.Location, origin, reach, true)), origin)
            .Take(MaxCandidates).ToListAsync(ct);
        var candidates = new List<(NearestEndpoint.Candidate Row, SnapResult Snap)>();
        foreach (var row in rows)
        {
            if (keep is not null && !keep(row.Station)) continue;
            if (graph.Engine.Snap(row.Station.Location.X, row.Station.Location.Y, mode, MaxSnapM) is { } snap) candidates.Add((row, snap));
        }
        var seconds = graph.Engine.TravelSeconds(start, mode, SearchDirection.Forward, candidates.Select(c => c.Snap).ToArray(), maxSeconds);
        var ranked = candidates.Select((c, i) => (c.Row, Seconds: seconds[i]))
            .Where(x => double.IsFinite(x.Seconds))
            .Select(x =>
            {
                var view = StationView.From(x.Row.Station, crs, at, x.Row.Distance) with { TravelSeconds = Math.Round(x.Seconds, 1) };
                if (live is null) return (View: view, x.Row, Rank: x.Seconds);
                var state = live.For(x.Row.Station.Id, liveNow);
                var rank = x.Seconds + Penalty(view.OpenState.State, state, fullAbove, wanted);
                return (View: view with { Live = state, RankSeconds = Math.Round(rank, 1) }, x.Row, Rank: rank);
            })
            .OrderBy(x => x.Rank).ThenBy(x => x.Row.Distance).ThenBy(x => x.Row.Station.Id)
            .Take(limit)
            .Select(x => x.View)
            .ToList();
        var (oLon, oLat) = CoordinateSystems.FromWgs84(crs, origin.X, origin.Y);
        return TypedResults.Ok(new NearestResponse(new PointView(oLon, oLat), CoordinateSystems.Name(crs), ranked)
        {
            By = "time",
            Mode = mode.Name(),
            GraphVersion = graph.Info.Version,
            SnapDistanceM = Math.Round(start.DistanceM, 1),
            Attribution = graph.Info.Attribution,
            Region = graph.Info.Region,
        });
    }

    /// <summary>The ranking penalty: closed at the instant asked, hours unknown, full now, a wanted amenity broken or empty now.</summary>
    internal static double Penalty(string openState, StationLive state, double fullAbove, string[]? wanted)
    {
        var p = openState switch { "closed" => ClosedPenaltySeconds, "unknown" => UnknownHoursPenaltySeconds, _ => 0 };
        if (state.IsFull(fullAbove)) p += FullPenaltySeconds;
        if (wanted is { Length: > 0 } && wanted.Any(a => state.Amenities.TryGetValue(a, out var v) && v.Value is "broken" or "empty")) p += FaultPenaltySeconds;
        return p;
    }
}

public sealed record ReachableQuery(
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "lon")] double? Lon,
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "lat")] double? Lat,
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "minutes")] int? Minutes,
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "crs")] CrsParameter? Crs,
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "at")] InstantParameter? At);

/// <summary>GET /api/v1/stations/reachable: every open station reachable from a point within N minutes, fastest first.</summary>
public static class ReachableEndpoint
{
    public static RouteGroupBuilder MapReachable(this RouteGroupBuilder stations)
    {
        stations.MapGet("/reachable", Handle)
            .WithName("ReachableStations")
            .WithSummary("Every open station reachable within N minutes over the road network, fastest first")
            .WithDescription("minutes 1–60 (default 15); mode = walk | ebike (default) | car; items carry travel_seconds and distance_m; " +
                             "at (ISO 8601 with offset, default now) is the instant their open_state and services are evaluated at. " +
                             "422 outside every region (naming the nearest) or more than 500 m from a usable road; 503 without a road graph.")
            .Produces<NearestResponse>(200).ProducesValidationProblem().ProducesProblem(422).ProducesProblem(503);
        return stations;
    }

    static async Task<IResult> Handle([Microsoft.AspNetCore.Http.AsParameters] ReachableQuery q, StationsDb db, TimeProvider clock,
        Infrastructure.OpeningHours.IHolidayCalendars calendars, GraphHost graphs, CancellationToken ct)
    {
        var v = new Infrastructure.Validation();
        v.Coordinates(q.Lon, q.Lat);
        v.Range(q.Minutes, "minutes", 1, Bands.MaxMinutes);
        if (!v.IsValid) return v.Problem();
        var mode = q.Mode?.Value ?? TravelMode.Ebike;
        var crs = CrsParameter.Or(q.Crs);
        var (lon, lat) = CoordinateSystems.ToWgs84(crs, q.Lon!.Value, q.Lat!.Value);
        var stations = db.Stations.AsNoTracking().Where(s => s.DeletedAt == null && s.Status == "open");
        return await NearestByTime.HandleAsync(graphs, stations, new Point(lon, lat) { SRID = 4326 }, mode, int.MaxValue, null, crs,
            OpenAt.Of(InstantParameter.Or(q.At), clock, calendars), ct, (q.Minutes ?? 15) * 60.0);
    }
}
