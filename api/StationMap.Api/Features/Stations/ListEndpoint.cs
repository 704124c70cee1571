using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Stations;

public sealed record ListQuery(
    [FromQuery(Name = "bbox")] string? Bbox,
    [FromQuery(Name = "lon")] double? Lon,
    [FromQuery(Name = "lat")] double? Lat,
    [FromQuery(Name = "radius")] double? Radius,
    [FromQuery(Name = "q")] string? Q,
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "limit")] int? Limit,
    [FromQuery(Name = "format")] string? Format,
    [FromQuery(Name = "updated_since")] DateTimeOffset? UpdatedSince,
    [FromQuery(Name = "amenities")] string? Amenities,
    [FromQuery(Name = "tier")] string? Tier,
    [FromQuery(Name = "crs")] string? Crs);

public sealed record StationPage(IReadOnlyList<StationView> Items, int Page, int Limit, bool HasMore);

/// <summary>
/// Stations in a bbox or a radius, by text, paged; JSON, GeoJSON or CSV. With <c>updated_since</c>
/// it is the change feed: ordered by (updated_at, id) and including deleted stations.
/// </summary>
public static class ListEndpoint
{
    public const int MaxLimit = 1000;
    public const double MaxRadius = 50_000;

    public static async Task<IResult> Handle([AsParameters] ListQuery query, StationsDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var crs = v.Crs(query.Crs);
        var bbox = ParseBbox(query.Bbox, crs, v);
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
        var format = (query.Format ?? "json").ToLowerInvariant();
        if (format is not ("json" or "geojson" or "csv")) v.Add("format", "format must be one of json, geojson, csv.");
        var amenities = StationFilters.ParseList(query.Amenities, "amenities", StationVocabulary.Amenities, v);
        var tiers = StationFilters.ParseList(query.Tier, "tier", StationVocabulary.Tiers, v);
        if (!v.IsValid) return v.Problem();

        var page = query.Page ?? 1;
        var limit = query.Limit ?? 50;
        var q = db.Stations.AsNoTracking().WithAmenities(amenities).WithTiers(tiers);
        q = query.UpdatedSince is { } since
            ? q.Where(s => s.UpdatedAt > since).OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id)
            : q.Where(s => s.DeletedAt == null).OrderBy(s => s.Id);
        if (bbox is not null) q = q.Where(s => s.Geom!.Intersects(bbox));
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

        // One extra row tells whether another page exists without a COUNT over the whole table.
        var rows = await q.Skip((page - 1) * limit).Take(limit + 1).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var result = new StationPage(rows.Take(limit).Select(s => StationView.From(s, crs, now)).ToList(), page, limit, rows.Count > limit);
        return format switch
        {
            "geojson" => StationFormats.GeoJson(result, crs),
            "csv" => StationFormats.Csv(result),
            _ => TypedResults.Ok(result),
        };
    }

    /// <summary>minLon,minLat,maxLon,maxLat in degrees (in the request CRS) → a WGS-84 envelope; an antimeridian-crossing box is split in two.</summary>
    internal static Geometry? ParseBbox(string? raw, Crs crs, Validation v)
    {
        if (raw is null) return null;
        var parts = raw.Split(',');
        var values = new double[4];
        if (parts.Length != 4 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
        {
            v.Add("bbox", "bbox must be four comma-separated numbers: minLon,minLat,maxLon,maxLat.");
            return null;
        }
        var before = v.Errors.Count;
        v.Coordinates(values[0], values[1], "bbox", "bbox");
        v.Coordinates(values[2], values[3], "bbox", "bbox");
        if (v.Errors.Count > before) return null;
        if (values[1] > values[3]) { v.Add("bbox", "bbox minLat must not exceed maxLat."); return null; }
        var (x0, y0) = CoordinateSystems.ToWgs84(crs, values[0], values[1]);
        var (x1, y1) = CoordinateSystems.ToWgs84(crs, values[2], values[3]);
        var f = new GeometryFactory(new PrecisionModel(), 4326);
        if (x0 <= x1) return f.ToGeometry(new Envelope(x0, x1, y0, y1));
        return f.CreateMultiPolygon([
            (Polygon)f.ToGeometry(new Envelope(x0, 180, y0, y1)),
            (Polygon)f.ToGeometry(new Envelope(-180, x1, y0, y1)),
        ]);
    }

    static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
