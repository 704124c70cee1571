using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using CsvHelper.Configuration;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Planning;

/// <summary>The problems of one row (CSV data row or GeoJSON feature, counted from 1), keyed by column.</summary>
public sealed record PointRowError(int Row, IReadOnlyDictionary<string, string[]> Errors);

public sealed record PointLayerRows(int Rows, IReadOnlyList<PlanningPointInput> Points, IReadOnlyList<PointRowError> Errors);

/// <summary>
/// Reads a point layer, shared by the CLI (<c>import-demand</c>, <c>import-candidates</c>) and the upload endpoint:
/// CSV with a header <c>lon,lat[,weight][,label|name][,category|kind]</c> (an <c>id</c> column is ignored, so an
/// export reads back), or a GeoJSON FeatureCollection of Points with properties <c>weight</c>, <c>name</c>/<c>label</c>,
/// <c>category</c>/<c>kind</c>. Coordinates in <c>crs</c> are converted to WGS-84. Document-level problems
/// throw <see cref="FormatException"/>; row problems are collected with their row numbers.
/// </summary>
public static class PointLayerReader
{
    public const int MaxRows = 1_000_000;
    static readonly HashSet<string> CsvColumns = ["id", "lon", "lat", "weight", "label", "name", "category", "kind"];

    /// <summary>csv or geojson from an explicit format, the Content-Type, a file extension, or the first character.</summary>
    public static string? DetectFormat(string? format, string? contentTypeOrPath, string text)
    {
        if (format is not null) return format.ToLowerInvariant() is "csv" or "geojson" ? format.ToLowerInvariant() : null;
        var hint = contentTypeOrPath?.ToLowerInvariant() ?? "";
        if (hint.Contains("csv")) return "csv";
        if (hint.Contains("json")) return "geojson";
        return text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{') ? "geojson" : "csv";
    }

    public static PointLayerRows Read(string text, string format, Crs crs)
    {
        var rows = new List<(int Row, double? Lon, double? Lat, double? Weight, string? Label, string? Category, Validation Errors)>();
        if (format == "csv") ReadCsv(text, rows); else ReadGeoJson(text, rows);
        if (rows.Count > MaxRows) throw new FormatException($"the layer has {rows.Count:N0} rows; at most {MaxRows:N0} are allowed");
        var points = new List<PlanningPointInput>(rows.Count);
        var errors = new List<PointRowError>();
        foreach (var (row, lon, lat, weight, label, category, v) in rows)
        {
            // A value that did not parse is reported once, not again as "required".
            if (!v.Errors.ContainsKey("lon") && !v.Errors.ContainsKey("lat") && !v.Errors.ContainsKey("geometry")) v.Coordinates(lon, lat);
            if (weight is { } w && (!double.IsFinite(w) || w < 0 || w > 1e9)) v.Add("weight", "weight must be a number from 0 to 1e9.");
            if (label is { Length: > 200 }) v.Add("label", "label must be at most 200 characters.");
            foreach (var (field, value) in new[] { ("label", label), ("category", category) })
                if (value is not null && Infrastructure.Http.ControlCharacters.FindInText(value) is >= 0 and var at)
                    v.Add(field, Infrastructure.Http.ControlCharacters.Describe(field, value, at));
            if (category is { Length: > 64 }) v.Add("category", "category must be at most 64 characters.");
            if (!v.IsValid) { errors.Add(new PointRowError(row, v.Errors)); continue; }
            var (wLon, wLat) = CoordinateSystems.ToWgs84(crs, lon!.Value, lat!.Value);
            points.Add(new PlanningPointInput(wLon, wLat, weight ?? 1, label, category));
        }
        return new PointLayerRows(rows.Count, points, errors);
    }

    static void ReadCsv(string text, List<(int, double?, double?, double?, string?, string?, Validation)> rows)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, DetectDelimiter = false };
        using var csv = new CsvReader(new StringReader(text.TrimStart('\uFEFF')), config);
        try
        {
            if (!csv.Read() || !csv.ReadHeader()) throw new FormatException("the CSV has no header row");
            var header = csv.HeaderRecord!.Select(h => h.ToLowerInvariant()).ToArray();
            var unknown = header.Where(h => !CsvColumns.Contains(h)).ToList();
            if (unknown.Count > 0)
                throw new FormatException($"unknown column(s): {string.Join(", ", unknown)}; allowed: lon, lat, weight, label or name, category or kind (id is ignored)");
            if (!header.Contains("lon") || !header.Contains("lat")) throw new FormatException("the CSV needs lon and lat columns");
            var index = header.Select((h, i) => (h, i)).GroupBy(x => x.h).ToDictionary(g => g.Key, g => g.First().i);
            var row = 0;
            while (csv.Read())
            {
                row++;
                var v = new Validation();
                string? Field(string name) => index.TryGetValue(name, out var i) && csv.TryGetField(i, out string? f) && f is { Length: > 0 } ? f : null;
                double? Number(string name)
                {
                    var f = Field(name);
                    if (f is null) return null;
                    if (double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                    v.Add(name, $"{name} must be a number; got '{f}'.");
                    return null;
                }
                rows.Add((row, Number("lon"), Number("lat"), Number("weight"), Field("label") ?? Field("name"), Field("category") ?? Field("kind"), v));
            }
        }
        catch (CsvHelperException e) { throw new FormatException($"the CSV could not be read: {e.Message.Split('\n')[0]}"); }
    }

    static void ReadGeoJson(string text, List<(int, double?, double?, double?, string?, string?, Validation)> rows)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(text); }
        catch (JsonException e) { throw new FormatException($"not a GeoJSON document: {e.Message}"); }
        if (root is not JsonObject doc || (string?)doc["type"] != "FeatureCollection" || doc["features"] is not JsonArray features)
            throw new FormatException("expected a GeoJSON FeatureCollection with a \"features\" array");
        for (var i = 0; i < features.Count; i++)
        {
            var v = new Validation();
            var feature = features[i] as JsonObject;
            var geometry = feature?["geometry"] as JsonObject;
            var coordinates = (string?)geometry?["type"] == "Point" ? geometry!["coordinates"] as JsonArray : null;
            double? lon = null, lat = null;
            if (coordinates is not { Count: 2 or 3 } || !TryNumber(coordinates[0], out var x) || !TryNumber(coordinates[1], out var y))
                v.Add("geometry", "Each feature needs a Point geometry with coordinates [lon, lat].");
            else (lon, lat) = (x, y);
            var props = feature?["properties"] as JsonObject;
            double? weight = null;
            if (props?["weight"] is { } wn && wn.GetValueKind() != JsonValueKind.Null)
            {
                if (TryNumber(wn, out var w)) weight = w; else v.Add("weight", "weight must be a number.");
            }
            rows.Add((i + 1, lon, lat, weight, String(props, "label", v) ?? String(props, "name", v),
                String(props, "category", v) ?? String(props, "kind", v), v));
        }
    }

    static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue jv && jv.GetValueKind() == JsonValueKind.Number && jv.TryGetValue(out value);
    }

    static string? String(JsonObject? props, string name, Validation v)
    {
        var node = props?[name];
        if (node is null || node.GetValueKind() == JsonValueKind.Null) return null;
        if (node is JsonValue jv && jv.TryGetValue<string>(out var s)) return s.Length == 0 ? null : s;
        if (node.GetValueKind() == JsonValueKind.Number) return node.ToJsonString();
        v.Add(name, $"{name} must be a string.");
        return null;
    }
}
