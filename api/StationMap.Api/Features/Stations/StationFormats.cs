using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Stations;

/// <summary>GeoJSON (<c>application/geo+json</c>, RFC 7946) and CSV renderings of a station page.</summary>
public static class StationFormats
{
    public const string GeoJsonType = "application/geo+json";

    public static IResult GeoJson(StationPage page, Crs crs)
    {
        var features = new JsonArray();
        foreach (var s in page.Items)
        {
            var props = JsonSerializer.SerializeToNode(s, ApiJson.Options)!.AsObject();
            props.Remove("lon");
            props.Remove("lat");
            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["id"] = s.Id,
                ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(s.Lon, s.Lat) },
                ["properties"] = props,
            });
        }
        var collection = new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["crs_name"] = CoordinateSystems.Name(crs),
            ["features"] = features,
            ["page"] = page.Page,
            ["limit"] = page.Limit,
            ["has_more"] = page.HasMore,
        };
        return Results.Text(collection.ToJsonString(ApiJson.Options), GeoJsonType, Encoding.UTF8);
    }

    /// <summary>CSV columns; the import endpoint reads the same columns back.</summary>
    public static readonly string[] CsvColumns =
    [
        "id", "name", "name_en", "address", "district", "lon", "lat", "tier", "operator", "phone",
        "opening_hours", "time_zone", "status", "status_reason", "capacity", "access", "verified_at",
        .. StationVocabulary.Amenities,
        "open_state", "updated_at", "version",
    ];

    public static IResult Csv(StationPage page)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var c in CsvColumns) csv.WriteField(c);
            csv.NextRecord();
            foreach (var s in page.Items)
            {
                csv.WriteField(s.Id); csv.WriteField(s.Name); csv.WriteField(s.NameEn); csv.WriteField(s.Address);
                csv.WriteField(s.District); csv.WriteField(s.Lon); csv.WriteField(s.Lat); csv.WriteField(s.Tier);
                csv.WriteField(s.Operator); csv.WriteField(s.Phone); csv.WriteField(s.OpeningHours); csv.WriteField(s.TimeZone);
                csv.WriteField(s.Status); csv.WriteField(s.StatusReason); csv.WriteField(s.Capacity);
                csv.WriteField(string.Join(';', s.Access)); csv.WriteField(s.VerifiedAt?.ToString("O"));
                foreach (var a in StationVocabulary.Amenities) csv.WriteField(s.Amenities[a]);
                csv.WriteField(s.OpenState.State); csv.WriteField(s.UpdatedAt.ToString("O")); csv.WriteField(s.Version);
                csv.NextRecord();
            }
        }
        return Results.Text(text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }
}
