using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// One CSV row of a station page; the import endpoint reads the same columns back. <c>services</c> is a
/// JSON array of {kind, description, hours} in one cell (lossless: descriptions and hours may hold
/// any separator); their state at the instant is not in the CSV.
/// </summary>
public sealed record StationCsvRow(StationView S) : ICsvRow
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "id", "name", "name_en", "address", "district", "lon", "lat", "tier", "operator", "phone",
        "opening_hours", "time_zone", "status", "status_reason", "capacity", "access", "verified_at",
        .. StationVocabulary.Amenities,
        "services", "open_state", "updated_at", "version",
    ];

    public IEnumerable<object?> Values() =>
    [
        S.Id, S.Name, S.NameEn, S.Address, S.District, S.Lon, S.Lat, S.Tier, S.Operator, S.Phone,
        S.OpeningHours, S.TimeZone, S.Status, S.StatusReason, S.Capacity, string.Join(';', S.Access), S.VerifiedAt,
        .. StationVocabulary.Amenities.Select(a => (object?)S.Amenities[a]),
        StationServices.ToJson(S.Services.Select(s => (ServiceInput?)new ServiceInput { Kind = s.Kind, Description = s.Description, Hours = s.Hours }).ToList()),
        S.OpenState.State, S.UpdatedAt, S.Version,
    ];
}

/// <summary>The paging members of a station page as GeoJSON.</summary>
/// <param name="Page">Page number.</param>
/// <param name="Limit">Page size.</param>
/// <param name="HasMore">true when another page follows (its URL is in the Link header).</param>
public sealed record StationPageMembers(int Page, int Limit, bool HasMore);

/// <summary>GeoJSON (<c>application/geo+json</c>, RFC 7946) and CSV renderings of a station page.</summary>
public static class StationFormats
{
    /// <summary>CSV columns; the import endpoint reads the same columns back.</summary>
    public static IReadOnlyList<string> CsvColumns => StationCsvRow.Columns;

    public static GeoJson<StationView, StationPageMembers> GeoJson(StationPage page, Crs crs) =>
        Infrastructure.Formats.GeoJson.Collection<StationView, StationPageMembers>(crs,
            page.Items.Select(s => Infrastructure.Formats.GeoJson.Feature(GeoJsonGeometry.Position(s.Lon, s.Lat),
                Infrastructure.Formats.GeoJson.Properties(s), s.Id)),
            new StationPageMembers(page.Page, page.Limit, page.HasMore));

    public static Csv<StationCsvRow> Csv(StationPage page, string fileName) =>
        new(page.Items.Select(s => new StationCsvRow(s)), fileName);
}
