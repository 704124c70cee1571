using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace StationMap.Api.Features.Coverage;

/// <summary>A district as listed: its centroid in WGS-84 degrees, its polygon only when asked for.</summary>
public sealed record DistrictRow(long Id, string? Code, string Name, string? NameEn, double AreaKm2, bool IsDemo, string Source,
    double CentroidLon, double CentroidLat, Geometry? Geometry);

/// <summary>
/// The one reader of the <c>district</c> table, for coverage and the planner alike (the planner already
/// uses coverage, so the store lives here and no loop forms). Its one writer is the planner's import,
/// <c>DistrictImport.ReplaceAllAsync</c>. Geometries are MultiPolygons in EPSG:4326.
/// </summary>
public static class DistrictStore
{
    /// <summary>
    /// Changes whenever the districts do (an import replaces them all: new ids, a new imported_at), for
    /// cache keys over results that depend on districts.
    /// </summary>
    public static async Task<string> StampAsync(NpgsqlDataSource data, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        return await StampAsync(conn, ct);
    }

    /// <inheritdoc cref="StampAsync(NpgsqlDataSource, CancellationToken)"/>
    public static async Task<string> StampAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT concat_ws(':', count(*), max(id), max(imported_at)) FROM district", conn);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<bool> ExistsAsync(NpgsqlDataSource data, long id, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("SELECT EXISTS (SELECT 1 FROM district WHERE id = $1)");
        cmd.Parameters.AddWithValue(id);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<bool> AnyAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM district)", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every district, or the one with <paramref name="id"/>, by code then id.</summary>
    public static async Task<List<DistrictRow>> ListAsync(NpgsqlDataSource data, long? id, bool withGeometry, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            SELECT id, code, name, name_en, area_km2, is_demo, source, ST_X(c), ST_Y(c), CASE WHEN $2 THEN ST_AsBinary(geom) END
            FROM district, ST_Centroid(geom) AS c
            WHERE $1::bigint IS NULL OR id = $1 ORDER BY code NULLS LAST, id
            """);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)id ?? DBNull.Value);
        cmd.Parameters.AddWithValue(withGeometry);
        var wkb = new NetTopologySuite.IO.WKBReader();
        var result = new List<DistrictRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new DistrictRow(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetDouble(4), r.GetBoolean(5), r.GetString(6), r.GetDouble(7), r.GetDouble(8),
                r.IsDBNull(9) ? null : wkb.Read(r.GetFieldValue<byte[]>(9))));
        return result;
    }

    /// <summary>Id, code, name and English name of every district, by id.</summary>
    public static async Task<List<(long Id, string? Code, string Name, string? NameEn)>> NamesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var result = new List<(long, string?, string, string?)>();
        await using var cmd = new NpgsqlCommand("SELECT id, code, name, name_en FROM district ORDER BY id", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
        return result;
    }

    /// <summary>The polygons of the districts among <paramref name="ids"/> that exist.</summary>
    public static async Task<Dictionary<long, Geometry>> GeometriesAsync(NpgsqlDataSource data, long[] ids, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("SELECT id, ST_AsBinary(geom) FROM district WHERE id = ANY($1)");
        cmd.Parameters.AddWithValue(ids);
        var reader = new NetTopologySuite.IO.WKBReader();
        var result = new Dictionary<long, Geometry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var g = reader.Read(r.GetFieldValue<byte[]>(1));
            g.SRID = 4326;   // WKB carries none; set so the polygon can be sent back to PostGIS as a parameter
            result[r.GetInt64(0)] = g;
        }
        return result;
    }

    /// <summary>One district's polygon, or null when there is no such district.</summary>
    public static async Task<Geometry?> GeometryAsync(NpgsqlDataSource data, long id, CancellationToken ct) =>
        (await GeometriesAsync(data, [id], ct)).GetValueOrDefault(id);
}
