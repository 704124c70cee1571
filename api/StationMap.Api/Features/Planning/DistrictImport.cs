using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO.Converters;
using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Planning;

/// <summary>One district read from a file, already in WGS-84 (SRID 4326), not yet repaired.</summary>
public sealed record DistrictInput(string? Code, string Name, string? NameEn, Geometry Geometry);

/// <summary>A stored district: area on the WGS-84 ellipsoid in km²; Repaired = the input polygon was invalid and was made valid.</summary>
public sealed record ImportedDistrict(long Id, string? Code, string Name, double AreaKm2, bool Repaired);

/// <summary>
/// District boundaries from a GeoJSON FeatureCollection of (Multi)Polygons with properties <c>name</c>
/// (required), <c>adcode</c> or <c>code</c>, <c>name_en</c>. GCJ-02 / BD-09 input is converted vertex by vertex to
/// WGS-84; PostGIS repairs invalid polygons (ST_MakeValid) and computes the geodesic area. All districts are
/// replaced in one transaction, so a failed import leaves the previous set untouched.
/// </summary>
public static class DistrictImport
{
    const int MaxReported = 10;
    static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), 4326)) } };

    /// <summary>Reads and checks the whole document; throws <see cref="FormatException"/> naming every bad feature (up to 10).</summary>
    public static IReadOnlyList<DistrictInput> Read(string text, Crs crs)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(text); }
        catch (JsonException e) { throw new FormatException($"not a GeoJSON file: {e.Message}"); }
        if (root is not JsonObject doc || (string?)doc["type"] != "FeatureCollection" || doc["features"] is not JsonArray features)
            throw new FormatException("expected a GeoJSON FeatureCollection with a \"features\" array");
        if (features.Count == 0) throw new FormatException("the FeatureCollection has no features");

        var errors = new List<string>();
        var result = new List<DistrictInput>();
        var codes = new Dictionary<string, int>();
        for (var i = 0; i < features.Count; i++)
        {
            var label = $"feature {i + 1}";
            var props = (features[i] as JsonObject)?["properties"] as JsonObject;
            var name = Text(props?["name"])?.Trim();
            if (string.IsNullOrEmpty(name)) { errors.Add($"{label}: no \"name\" property"); continue; }
            label += $" ({name})";
            if (name.Length > 200) errors.Add($"{label}: name is longer than 200 characters");
            var code = Text(props?["adcode"]) ?? Text(props?["code"]);
            if (code is { Length: > 20 }) errors.Add($"{label}: code is longer than 20 characters");
            if (code is not null && !codes.TryAdd(code, i + 1)) errors.Add($"{label}: code {code} is also used by feature {codes[code]}");
            var nameEn = Text(props?["name_en"]);
            if (nameEn is { Length: > 200 }) errors.Add($"{label}: name_en is longer than 200 characters");

            var geometryNode = (features[i] as JsonObject)?["geometry"];
            var type = (string?)(geometryNode as JsonObject)?["type"];
            if (type is not ("Polygon" or "MultiPolygon"))
            {
                errors.Add($"{label}: geometry is {type ?? "missing"}; expected Polygon or MultiPolygon");
                continue;
            }
            Geometry geometry;
            try { geometry = geometryNode.Deserialize<Geometry>(GeoJson) ?? throw new FormatException("empty geometry"); }
            catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
            {
                errors.Add($"{label}: unreadable {type}: {e.Message}");
                continue;
            }
            if (geometry.IsEmpty) { errors.Add($"{label}: the {type} has no coordinates"); continue; }
            var bad = geometry.Coordinates.FirstOrDefault(c => !double.IsFinite(c.X) || !double.IsFinite(c.Y) || Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90);
            if (bad is not null) { errors.Add($"{label}: coordinate ({bad.X}, {bad.Y}) is not a lon/lat in degrees"); continue; }
            result.Add(new DistrictInput(code, name, nameEn, crs == Crs.Wgs84 ? geometry : new ToWgs84(crs).Transform(geometry)));
        }
        if (errors.Count > 0)
        {
            var more = errors.Count > MaxReported ? $"; and {errors.Count - MaxReported} more" : "";
            throw new FormatException($"{errors.Count} of {features.Count} features are invalid: {string.Join("; ", errors.Take(MaxReported))}{more}");
        }
        return result;
    }

    /// <summary>Reads a file (relative paths from the working directory); a clear FormatException or IOException when it is missing or wrong.</summary>
    public static IReadOnlyList<DistrictInput> ReadFile(string path, Crs crs)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"file not found: {path}", path);
        try { return Read(File.ReadAllText(path), crs); }
        catch (FormatException e) { throw new FormatException($"{path}: {e.Message}", e); }
    }

    /// <summary>Deletes every district and stores <paramref name="districts"/> in one transaction; throws (and writes nothing) if any fails.</summary>
    public static async Task<IReadOnlyList<ImportedDistrict>> ReplaceAllAsync(NpgsqlConnection conn, IReadOnlyList<DistrictInput> districts,
        string source, bool isDemo, CancellationToken ct = default)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Blocks a concurrent import (not readers), so two imports cannot interleave their rows.
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE district IN SHARE ROW EXCLUSIVE MODE; DELETE FROM district", conn, tx))
            await lockCmd.ExecuteNonQueryAsync(ct);
        var stored = new List<ImportedDistrict>();
        foreach (var d in districts)
        {
            // ST_MakeValid may return a collection with lines or points beside the polygons: keep the polygons (type 3).
            await using var cmd = new NpgsqlCommand("""
                WITH input AS (SELECT ST_SetSRID(ST_GeomFromWKB($5), 4326) AS g),
                     fixed AS (SELECT ST_IsValid(g) AS was_valid, ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)) AS g FROM input)
                INSERT INTO district (code, name, name_en, source, is_demo, geom, area_km2)
                SELECT $1, $2, $3, $4, $6, g, ST_Area(g::geography) / 1e6 FROM fixed WHERE NOT ST_IsEmpty(g)
                RETURNING id, area_km2, (SELECT NOT was_valid FROM fixed)
                """, conn, tx);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)d.Code ?? DBNull.Value);
            cmd.Parameters.AddWithValue(d.Name);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)d.NameEn ?? DBNull.Value);
            cmd.Parameters.AddWithValue(source);
            cmd.Parameters.AddWithValue(new NetTopologySuite.IO.WKBWriter().Write(d.Geometry));
            cmd.Parameters.AddWithValue(isDemo);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw new FormatException($"district {d.Name}: the polygon has no area once made valid");
            stored.Add(new ImportedDistrict(r.GetInt64(0), d.Code, d.Name, r.GetDouble(1), r.GetBoolean(2)));
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE district", conn, tx)) await analyze.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return stored;
    }

    static string? Text(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<string>(out var s) ? (s.Length == 0 ? null : s)
          : v.TryGetValue<long>(out var n) ? n.ToString(CultureInfo.InvariantCulture) : null
        : null;

    /// <summary>Converts every vertex from GCJ-02 / BD-09 to WGS-84 (the inverse is iterated to 1e-10°, well under a millimetre).</summary>
    sealed class ToWgs84(Crs from) : GeometryTransformer
    {
        protected override CoordinateSequence TransformCoordinates(CoordinateSequence coords, Geometry parent)
        {
            var copy = coords.Copy();
            for (var i = 0; i < copy.Count; i++)
            {
                var (lon, lat) = CoordinateSystems.ToWgs84(from, copy.GetX(i), copy.GetY(i));
                copy.SetX(i, lon);
                copy.SetY(i, lat);
            }
            return copy;
        }
    }
}
