using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Stations;

public sealed record NearestQuery(
    [FromQuery(Name = "lon")] double? Lon,
    [FromQuery(Name = "lat")] double? Lat,
    [FromQuery(Name = "limit")] int? Limit,
    [FromQuery(Name = "amenities")] string? Amenities,
    [FromQuery(Name = "openNow")] bool? OpenNow,
    [FromQuery(Name = "tier")] string? Tier,
    [FromQuery(Name = "maxDistance")] double? MaxDistance,
    [FromQuery(Name = "crs")] CrsParameter? Crs,
    [FromQuery(Name = "by")] string? By,
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "at")] InstantParameter? At,
    [FromQuery(Name = "service")] string? Service,
    [FromQuery(Name = "service_when")] string? ServiceWhen,
    [FromQuery(Name = "seats")] string? Seats);

public sealed record PointView(double Lon, double Lat);

public sealed record NearestResponse(PointView Origin, string Crs, IReadOnlyList<StationView> Items)
{
    const System.Text.Json.Serialization.JsonIgnoreCondition SkipNull = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;

    /// <summary>"time" when ranked by travel time over the road network; absent for crow-flight distance.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = SkipNull)] public string? By { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = SkipNull)] public string? Mode { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = SkipNull)] public long? GraphVersion { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = SkipNull)] public double? SnapDistanceM { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = SkipNull)] public string? Attribution { get; init; }

    /// <summary>The region whose road network ranked the stations (by=time only).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = SkipNull)] public string? Region { get; init; }
}

/// <summary>
/// Nearest stations by distance. Candidates come in KNN order from the GiST index on
/// <c>station.location</c> (<c>&lt;-&gt;</c>, sphere distance); the answer is ranked by PostGIS's
/// ellipsoidal <c>ST_Distance</c>, reading on until no further candidate can still beat the last one.
/// "Open now" needs the opening_hours evaluator, so it filters candidates in memory.
/// </summary>
public static class NearestEndpoint
{
    public const int MaxLimit = 100;
    public const double MaxDistanceLimit = 100_000;
    /// <summary>Sphere vs. WGS-84 ellipsoid distances differ by well under 0.6 %.</summary>
    const double SphereSlack = 1.006;

    public static async Task<IResult> Handle(
        [AsParameters] NearestQuery query, StationsDb db, TimeProvider clock, Infrastructure.OpeningHours.IHolidayCalendars calendars,
        Routing.GraphHost graphs, StationIndex index, ILiveState live,
        CancellationToken ct)
    {
        var v = new Validation();
        v.Coordinates(query.Lon, query.Lat);
        v.Range(query.Limit, "limit", 1, MaxLimit);
        v.Range(query.MaxDistance, "maxDistance", 1, MaxDistanceLimit, "metres");
        var amenities = StationFilters.ParseList(query.Amenities, "amenities", StationVocabulary.Amenities, v);
        var tiers = StationFilters.ParseList(query.Tier, "tier", StationVocabulary.Tiers, v);
        var kinds = StationFilters.ParseList(query.Service, "service", StationVocabulary.ServiceKinds, v);
        var when = StationServices.ParseWhen(query.ServiceWhen, v);
        var crs = CrsParameter.Or(query.Crs);
        var byTime = query.By?.Trim().ToLowerInvariant() switch
        {
            null or "" or "distance" => false,
            "time" => true,
            _ => (bool?)null,
        };
        if (byTime is null) v.Add("by", "by must be 'distance' (crow-flight) or 'time' (over the road network).");
        var mode = query.Mode?.Value ?? StationMap.Routing.TravelMode.Ebike;
        var seatsAvailable = query.Seats?.Trim() switch
        {
            null or "" => false,
            "available" => true,
            _ => (bool?)null,
        };
        if (seatsAvailable is null) v.Add("seats", "seats must be 'available' (leave out stations that are full now).");
        if (!v.IsValid) return v.Problem();
        var now = clock.GetUtcNow();
        var fullAbove = live.FullConfidence;
        // seats=available: not full now with confidence ≥ ILiveState.FullConfidence (a live value; typical crowding does not count).
        Func<long, bool>? full = seatsAvailable == true ? id => live.For(id, now).IsFull(fullAbove) : null;

        var (lon, lat) = CoordinateSystems.ToWgs84(crs, query.Lon!.Value, query.Lat!.Value);
        var origin = new Point(lon, lat) { SRID = 4326 };
        var limit = query.Limit ?? 10;
        var at = OpenAt.Of(InstantParameter.Or(query.At), clock, calendars);
        var serviceMask = StationServices.KindMask(kinds);
        var openNow = query.OpenNow == true;
        // The filters that need the station's hours at the instant, for the SQL paths (the index applies them itself).
        bool Keep(Station s) =>
            (!openNow || StationView.From(s, crs, at).OpenState.State == "open")
            && (full is null || !full(s.Id))
            && (when == ServiceWhen.Any || StationServices.Matches(StationServices.Parse(s.Services).Services, serviceMask, when, at.Instant, at.ContextFor(s)));

        // By distance from the in-memory index when it is loaded (same answer as the SQL below, see StationIndex).
        if (byTime != true && index.Current is { } snapshot)
        {
            var hits = NearestSearch.Run(snapshot, new NearestRequest(lon, lat, limit,
                StationIndexRecord.AmenityMask(amenities), StationIndexRecord.TierMask(tiers), openNow, query.MaxDistance, at, serviceMask, when, full));
            var (qLon, qLat) = CoordinateSystems.FromWgs84(crs, lon, lat);
            var views = new List<StationView>(hits.Count);
            foreach (var (record, distance) in hits) views.Add(record.ToView(crs, at, distance) with { Live = live.For(record.Id, now) });
            return TypedResults.Ok(new NearestResponse(new PointView(qLon, qLat), CoordinateSystems.Name(crs), views));
        }

        var q = db.Stations.AsNoTracking().Where(s => s.DeletedAt == null).WithAmenities(amenities).WithTiers(tiers)
            .WithServiceKinds(kinds).WithAnyService(when != ServiceWhen.Any && kinds.Length == 0);
        if (query.MaxDistance is { } max) q = q.Where(s => EF.Functions.IsWithinDistance(s.Location, origin, max, true));
        if (openNow) q = q.Where(s => s.Status == "open" && s.OpeningHours != null);
        var ordered = Candidates(q, origin);
        if (byTime == true)
            return await NearestByTime.HandleAsync(graphs, q, origin, mode, limit, Keep, crs, at, ct,
                live: live, liveNow: now, fullAbove: fullAbove, wanted: amenities);

        // Read KNN candidates in growing prefixes until no unread candidate can still beat the
        // limit-th one. Each round re-reads its prefix from the start rather than paging with
        // OFFSET: KNN order among equal distances is not stable between queries.
        var found = new List<(Station Station, double Distance)>();
        for (var take = Math.Max(limit * 2, 20); ; take *= 4)
        {
            var rows = await ordered.Take(take).ToListAsync(ct);
            found.Clear();
            var done = rows.Count < take;
            foreach (var row in rows)
            {
                if (found.Count >= limit && row.Knn > found[limit - 1].Distance * SphereSlack + 1) { done = true; break; }
                if (!Keep(row.Station)) continue;
                InsertRanked(found, (row.Station, row.Distance));
            }
            if (done) break;
        }

        var (oLon, oLat) = CoordinateSystems.FromWgs84(crs, lon, lat);
        var items = found.Take(limit).Select(f => StationView.From(f.Station, crs, at, f.Distance) with { Live = live.For(f.Station.Id, now) }).ToList();
        return TypedResults.Ok(new NearestResponse(new PointView(oLon, oLat), CoordinateSystems.Name(crs), items));
    }

    /// <summary>
    /// The KNN-ordered candidate query; its SQL is pinned by a test to order by <c>&lt;-&gt;</c> alone
    /// and its plan to be an index scan on the GiST index. A second sort key (even the id) makes
    /// PostgreSQL sort every row instead of walking the index; ties are broken in memory.
    /// </summary>
    internal static IQueryable<Candidate> Candidates(IQueryable<Station> q, Point origin) =>
        q.OrderBy(s => EF.Functions.DistanceKnn(s.Location, origin))
         .Select(s => new Candidate(s, EF.Functions.DistanceKnn(s.Location, origin), s.Location.Distance(origin)));

    /// <summary>Keeps <paramref name="ranked"/> ordered by distance, then id (the answer's tie-break).</summary>
    static void InsertRanked(List<(Station Station, double Distance)> ranked, (Station Station, double Distance) item)
    {
        var i = ranked.Count;
        while (i > 0 && (ranked[i - 1].Distance > item.Distance ||
                         (ranked[i - 1].Distance == item.Distance && ranked[i - 1].Station.Id > item.Station.Id))) i--;
        ranked.Insert(i, item);
    }

    internal sealed record Candidate(Station Station, double Knn, double Distance);
}
