using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Stations;

public sealed record ImportQuery(
    [FromQuery(Name = "format")] string? Format, [FromQuery(Name = "atomic")] bool? Atomic, [FromQuery(Name = "crs")] CrsParameter? Crs);

public sealed record ImportRowError(int Row, IReadOnlyDictionary<string, string[]> Errors);

public sealed record ImportReport(bool Atomic, int Rows, int Created, int Failed, IReadOnlyList<long> Ids, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// Bulk import from CSV (the columns of the CSV export; services as a JSON array in one cell) or a
/// GeoJSON FeatureCollection of points (services as the array the API returns; state and next are skipped).
/// Every row is validated like a single POST; atomic=true (default) writes nothing if any row fails.
/// </summary>
public static class ImportEndpoint
{
    public const long MaxBodyBytes = 20 * 1024 * 1024;

    /// <summary>Read-only members of exported stations, skipped so an export can be imported again.</summary>
    static readonly HashSet<string> ReadOnlyMembers =
        ["id", "open_state", "navigation", "created_at", "updated_at", "version", "is_demo", "distance_m", "hours_week", "deleted_at", "live", "travel_seconds", "rank_seconds"];

    public static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] ImportQuery query, HttpRequest request, StationsDb db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        var contentType = request.ContentType ?? "";
        var format = query.Format?.ToLowerInvariant()
                     ?? (contentType.Contains("csv") ? "csv" : contentType.Contains("json") ? "geojson" : null);
        if (format is not ("csv" or "geojson")) v.Add("format", "format must be csv or geojson (or send Content-Type text/csv or application/geo+json).");
        if (!v.IsValid) return v.Problem();

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        var rows = new List<(int Row, StationInput? Input, Validation Errors)>();
        try
        {
            if (format == "csv") ReadCsv(text, rows); else ReadGeoJson(text, rows);
        }
        catch (Exception e) when (e is JsonException or CsvHelperException or FormatException)
        {
            v.Add("body", $"The {format} document could not be read: {e.Message}");
            return v.Problem();
        }
        if (rows.Count == 0) { v.Add("body", "The document has no rows."); return v.Problem(); }

        var now = clock.GetUtcNow();
        var stations = new List<Station>();
        foreach (var (_, input, errors) in rows)
        {
            if (input is null) continue;
            input.Validate(errors, now);
            if (!errors.IsValid) continue;
            var station = new Station { CreatedAt = now, UpdatedAt = now };
            var (lon, lat) = CoordinateSystems.ToWgs84(crs, input.Lon!.Value, input.Lat!.Value);
            input.ApplyTo(station, lon, lat);
            stations.Add(station);
        }
        var failures = rows.Where(r => !r.Errors.IsValid).Select(r => new ImportRowError(r.Row, r.Errors.Errors)).ToList();
        var atomic = query.Atomic ?? true;
        if (atomic && failures.Count > 0)
        {
            return Problems.Rejected($"{failures.Count} of {rows.Count} rows are invalid; nothing was written (atomic=true). See row_errors.", failures);
        }
        db.Stations.AddRange(stations);
        if (stations.Count > 0) await StationWriteEndpoints.SaveAudited(db, user, ct);
        return TypedResults.Ok(new ImportReport(atomic, rows.Count, stations.Count, failures.Count, stations.Select(s => s.Id).ToList(), failures));
    }

    static void ReadGeoJson(string text, List<(int, StationInput?, Validation)> rows)
    {
        var doc = JsonNode.Parse(text) as JsonObject ?? throw new FormatException("expected a GeoJSON FeatureCollection object");
        if ((string?)doc["type"] != "FeatureCollection" || doc["features"] is not JsonArray features)
            throw new FormatException("expected a GeoJSON FeatureCollection with a features array");
        for (var i = 0; i < features.Count; i++)
        {
            var errors = new Validation();
            var feature = features[i] as JsonObject;
            var coordinates = feature?["geometry"] is JsonObject { } g && (string?)g["type"] == "Point" ? g["coordinates"] as JsonArray : null;
            if (coordinates is not { Count: 2 or 3 })
            {
                errors.Add("geometry", "Each feature needs a Point geometry [lon, lat].");
                rows.Add((i + 1, null, errors));
                continue;
            }
            var props = (feature!["properties"] as JsonObject)?.DeepClone().AsObject() ?? [];
            foreach (var key in ReadOnlyMembers) props.Remove(key);
            // Exported services carry their state at the instant and next occurrence: read-only too.
            if (props["services"] is JsonArray services)
                foreach (var service in services.OfType<JsonObject>()) { service.Remove("open_state"); service.Remove("next"); }
            props["lon"] = coordinates[0]?.DeepClone();
            props["lat"] = coordinates[1]?.DeepClone();
            try { rows.Add((i + 1, props.Deserialize<StationInput>(ApiJson.Options), errors)); }
            catch (JsonException e)
            {
                errors.Add(e.Path?.TrimStart('$', '.') is { Length: > 0 } p ? p : "properties", e.Message);
                rows.Add((i + 1, null, errors));
            }
        }
    }

    static void ReadCsv(string text, List<(int, StationInput?, Validation)> rows)
    {
        using var csv = new CsvReader(new StringReader(text), new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader()) throw new FormatException("the CSV has no header row");
        var header = csv.HeaderRecord!;
        var unknown = header.Where(h => !StationFormats.CsvColumns.Contains(h)).ToList();
        if (unknown.Count > 0) throw new FormatException($"unknown column(s): {string.Join(", ", unknown)}");
        var row = 0;
        while (csv.Read())
        {
            row++;
            var errors = new Validation();
            string? Field(string name) => header.Contains(name) && csv.GetField(name) is { Length: > 0 } f ? f : null;
            double? Number(string name)
            {
                var f = Field(name);
                if (f is null) return null;
                if (double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                errors.Add(name, $"{name} must be a number."); return null;
            }
            int? Integer(string name)
            {
                var f = Field(name);
                if (f is null) return null;
                if (int.TryParse(f, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
                errors.Add(name, $"{name} must be a whole number."); return null;
            }
            DateTimeOffset? Time(string name)
            {
                var f = Field(name);
                if (f is null) return null;
                if (DateTimeOffset.TryParse(f, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return t;
                errors.Add(name, $"{name} must be an ISO 8601 time."); return null;
            }
            List<ServiceInput?>? Services()
            {
                var f = Field("services");
                if (f is null) return null;
                try { return JsonSerializer.Deserialize<List<ServiceInput?>>(f, ApiJson.Options); }
                catch (JsonException e)
                {
                    errors.Add("services", $"services must be a JSON array of {{\"kind\", \"hours\", \"description\"}} objects: {e.Message}");
                    return null;
                }
            }
            var input = new StationInput
            {
                Name = Field("name"),
                NameEn = Field("name_en"),
                Address = Field("address"),
                District = Field("district"),
                Lon = Number("lon"),
                Lat = Number("lat"),
                Tier = Field("tier"),
                Operator = Field("operator"),
                Phone = Field("phone"),
                OpeningHours = Field("opening_hours"),
                TimeZone = Field("time_zone"),
                Status = Field("status"),
                StatusReason = Field("status_reason"),
                Capacity = Integer("capacity"),
                Access = Field("access")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                VerifiedAt = Time("verified_at"),
                Services = Services(),
                Amenities = StationVocabulary.Amenities.Where(a => Field(a) is not null).ToDictionary(a => a, a => Field(a)!),
            };
            rows.Add((row, input, errors));
        }
    }
}
