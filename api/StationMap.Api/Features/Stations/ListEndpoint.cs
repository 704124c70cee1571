using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Stations;

public sealed record ListQuery(
    [FromQuery(Name = "bbox")] Bbox? Bbox,
    [FromQuery(Name = "lon")] double? Lon,
    [FromQuery(Name = "lat")] double? Lat,
    [FromQuery(Name = "radius")] double? Radius,
    [FromQuery(Name = "q")] string? Q,
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "limit")] int? Limit,
    [FromQuery(Name = "format")] OutputFormat? Format,
    [FromQuery(Name = "updated_since")] DateTimeOffset? UpdatedSince,
    [FromQuery(Name = "amenities")] string? Amenities,
    [FromQuery(Name = "tier")] string? Tier,
    [FromQuery(Name = "operator")] string? Operator,
    [FromQuery(Name = "crs")] CrsParameter? Crs,
    [FromQuery(Name = "at")] InstantParameter? At,
    [FromQuery(Name = "service")] string? Service,
    [FromQuery(Name = "service_when")] string? ServiceWhen);

public sealed record StationPage(IReadOnlyList<StationView> Items, int Page, int Limit, bool HasMore);

/// <summary>
/// Stations in a bbox or a radius, by text, paged; JSON, GeoJSON or CSV. With <c>updated_since</c>
/// it is the change feed: ordered by (updated_at, id) and including deleted stations.
/// </summary>
public static class ListEndpoint
{
    public const int MaxLimit = 1000;
    public const double MaxRadius = 50_000;

    public static async Task<Results<Ok<StationPage>, GeoJson<StationView, StationPageMembers>, Csv<StationCsvRow>, ValidationProblem>> Handle(
        [AsParameters] ListQuery query, StationsDb db, TimeProvider clock, Infrastructure.OpeningHours.IHolidayCalendars calendars,
        HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        var bbox = query.Bbox?.ToWgs84(crs);
        var near = query.Lon is not null || query.Lat is not null || query.Radius is not null;
        if (near)
        {
            v.Coordinates(query.Lon, query.Lat);
            if (query.Radius is null) v.Add("radius", "radius (metres) is required with lon and lat.");
            v.Range(query.Radius, "radius", 1, MaxRadius, "metres");
            if (bbox is not null) v.Add("bbox", "Use either bbox or lon/lat/radius, not both.");
        }
        v.Range(query.Page, "page", 1, 1_000_000);
        v.Range(query.Limit, "limit", 1, MaxLimit);
        if (query.Q is { Length: > 100 }) v.Add("q", "q must be at most 100 characters.");
        var operatorName = query.Operator?.Trim();
        if (query.Operator is not null && operatorName!.Length == 0) v.Add("operator", "operator must name the operator (not blank).");
        if (operatorName is { Length: > StationInput.MaxOperatorLength }) v.Add("operator", $"operator must be at most {StationInput.MaxOperatorLength} characters.");
        var format = query.Format?.Value ?? Format.Json;
        var amenities = StationFilters.ParseList(query.Amenities, "amenities", StationVocabulary.Amenities, v);
        var tiers = StationFilters.ParseList(query.Tier, "tier", StationVocabulary.Tiers, v);
        var kinds = StationFilters.ParseList(query.Service, "service", StationVocabulary.ServiceKinds, v);
        var when = StationServices.ParseWhen(query.ServiceWhen, v);
        if (!v.IsValid) return v.Problem();

        var page = query.Page ?? 1;
        var limit = query.Limit ?? 50;
        var q = db.Stations.AsNoTracking().WithAmenities(amenities).WithTiers(tiers)
            .WithServiceKinds(kinds).WithAnyService(when != ServiceWhen.Any && kinds.Length == 0);
        q = query.UpdatedSince is { } since
            ? q.Where(s => s.UpdatedAt > since).OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id)
            : q.Where(s => s.DeletedAt == null).OrderBy(s => s.Id);
        if (bbox is not null) q = q.Where(s => s.Geom!.Intersects(bbox));
        // The operator's name exactly as stored (trimmed, case-insensitive for Latin names): the
        // stations a union or a partner company runs, for their own systems.
        if (!string.IsNullOrEmpty(operatorName)) q = q.Where(s => s.Operator != null && s.Operator.ToLower() == operatorName.ToLower());
        if (near)
        {
            var (lon, lat) = CoordinateSystems.ToWgs84(crs, query.Lon!.Value, query.Lat!.Value);
            var origin = new Point(lon, lat) { SRID = 4326 };
            q = q.Where(s => EF.Functions.IsWithinDistance(s.Location, origin, query.Radius!.Value, true));
        }
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + EscapeLike(query.Q.Trim()) + "%";
            q = q.Where(s => EF.Functions.ILike(s.Name, pattern, "\\") || EF.Functions.ILike(s.NameEn ?? "", pattern, "\\")
                          || EF.Functions.ILike(s.Address ?? "", pattern, "\\") || EF.Functions.ILike(s.District ?? "", pattern, "\\"));
        }

        var at = OpenAt.Of(InstantParameter.Or(query.At), clock, calendars);
        // One extra row tells whether another page exists without a COUNT over the whole table.
        var rows = when == ServiceWhen.Any
            ? await q.Skip((page - 1) * limit).Take(limit + 1).ToListAsync(ct)
            : await ServicesOnAsync(q, StationServices.KindMask(kinds), when, at, (page - 1) * limit, limit + 1, ct);
        var live = http.RequestServices.GetRequiredService<ILiveState>();
        var now = clock.GetUtcNow();
        var result = new StationPage(rows.Take(limit).Select(s => StationView.From(s, crs, at) with { Live = live.For(s.Id, now) }).ToList(),
            page, limit, rows.Count > limit);
        Paging.NextLink(http, page, result.HasMore);
        return format switch
        {
            Format.GeoJson => StationFormats.GeoJson(result, crs),
            Format.Csv => StationFormats.Csv(result, CsvFileName(query, page)),
            _ => TypedResults.Ok(result),
        };
    }

    /// <summary>
    /// service_when=now|today depends on each station's hours at the instant, which SQL cannot read:
    /// the rows (already narrowed by kind and the other filters, in page order) are streamed and
    /// evaluated until the page and one more are found. Paging counts matching stations only.
    /// </summary>
    static async Task<List<Station>> ServicesOnAsync(IQueryable<Station> q, int mask, ServiceWhen when, OpenAt at, int skip, int take, CancellationToken ct)
    {
        var found = new List<Station>(take);
        await foreach (var s in q.AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!StationServices.Matches(StationServices.Parse(s.Services).Services, mask, when, at.Instant, at.ContextFor(s))) continue;
            if (skip > 0) { skip--; continue; }
            found.Add(s);
            if (found.Count == take) break;
        }
        return found;
    }

    /// <summary>stations-page-2.csv, or stations-changes-20261101T000000Z-page-1.csv for the change feed.</summary>
    static string CsvFileName(ListQuery query, int page) => query.UpdatedSince is { } since
        ? $"stations-changes-{since.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-page-{page}.csv"
        : $"stations-page-{page}.csv";

    static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
