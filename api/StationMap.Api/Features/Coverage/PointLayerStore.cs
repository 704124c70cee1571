using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace StationMap.Api.Features.Coverage;

/// <summary>A demand or candidate point in WGS-84 degrees; weight = workers / orders / people (candidates: 1 unless given).</summary>
public sealed record PlanningPointInput(double Lon, double Lat, double Weight, string? Label, string? Category);

/// <summary>A planning layer as the API shows it; total_weight is the sum of its points' weights.</summary>
public sealed record PlanningLayerView(long Id, string Name, string Kind, string? Description, string? Source,
    int PointCount, double TotalWeight, bool IsDemo, DateTimeOffset UpdatedAt);

/// <summary>One stored point of a layer, in WGS-84 degrees.</summary>
public sealed record StoredPoint(long Id, double Lon, double Lat, double Weight, string? Label, string? Category);

/// <summary>The layer exists with the other kind; replacing a demand layer by candidates (or back) is refused.</summary>
public sealed class LayerKindConflictException(string name, string existing, string requested)
    : InvalidOperationException($"layer '{name}' is a {existing} layer; it cannot be replaced by a {requested} layer (delete it first or pick another name)");

/// <summary>
/// The one reader and writer of named point layers (<c>planning_layer</c> + <c>planning_point</c>), for coverage
/// (demand) and the planner (uploads, candidates) alike; it lives with coverage because the planner already uses
/// coverage, so no loop forms. A replace deletes the old points and COPYs the new ones in one transaction and
/// bumps <c>updated_at</c>, which the coverage caches key on.
/// </summary>
public static partial class PointLayerStore
{
    public static readonly string[] Kinds = ["demand", "candidate"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    public static partial Regex NamePattern();

    public const string NameRule = "a layer name is 1–64 characters: letters, digits, '_', '.', '-', starting with a letter or digit";

    const string Columns = "id, name, kind, description, source, point_count, total_weight, is_demo, updated_at";

    public static async Task<PlanningLayerView> ReplaceAsync(NpgsqlConnection conn, string name, string kind, string? description, string? source,
        bool isDemo, IReadOnlyList<PlanningPointInput> points, CancellationToken ct = default)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The row lock serialises two imports of the same layer; readers keep seeing the old points until commit.
        await using (var existing = new NpgsqlCommand("SELECT kind FROM planning_layer WHERE name = $1 FOR UPDATE", conn, tx))
        {
            existing.Parameters.AddWithValue(name);
            if (await existing.ExecuteScalarAsync(ct) is string old && old != kind) throw new LayerKindConflictException(name, old, kind);
        }
        long id;
        await using (var upsert = new NpgsqlCommand($"""
            INSERT INTO planning_layer (name, kind, description, source, is_demo, point_count, total_weight)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (name) DO UPDATE SET description = coalesce(EXCLUDED.description, planning_layer.description),
                source = EXCLUDED.source, is_demo = EXCLUDED.is_demo, point_count = EXCLUDED.point_count,
                total_weight = EXCLUDED.total_weight, updated_at = clock_timestamp()
            RETURNING id
            """, conn, tx))
        {
            upsert.Parameters.AddWithValue(name);
            upsert.Parameters.AddWithValue(kind);
            upsert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)description ?? DBNull.Value);
            upsert.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)source ?? DBNull.Value);
            upsert.Parameters.AddWithValue(isDemo);
            upsert.Parameters.AddWithValue(points.Count);
            upsert.Parameters.AddWithValue(points.Sum(p => p.Weight));
            id = (long)(await upsert.ExecuteScalarAsync(ct))!;
        }
        await using (var delete = new NpgsqlCommand("DELETE FROM planning_point WHERE layer_id = $1", conn, tx))
        {
            delete.Parameters.AddWithValue(id);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var copy = await conn.BeginBinaryImportAsync("COPY planning_point (layer_id, label, category, weight, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var p in points)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(id, ct);
                await copy.WriteAsync(p.Label, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.Category, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(p.Weight, ct);
                await copy.WriteAsync(new Point(p.Lon, p.Lat) { SRID = 4326 }, NpgsqlDbType.Geometry, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (await ListAsync(conn, name, ct)).Single();
    }

    /// <summary>Every layer, or the one named.</summary>
    public static async Task<IReadOnlyList<PlanningLayerView>> ListAsync(NpgsqlConnection conn, string? name = null, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM planning_layer WHERE $1::text IS NULL OR name = $1 ORDER BY kind, name", conn);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)name ?? DBNull.Value);
        var result = new List<PlanningLayerView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            result.Add(new PlanningLayerView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5), Math.Round(r.GetDouble(6), 3), r.GetBoolean(7), r.GetFieldValue<DateTimeOffset>(8)));
        return result;
    }

    /// <summary>
    /// A layer's points by id, all of them (planning_point_layer_idx) or those in <paramref name="bbox"/>
    /// (EPSG:4326; planning_point_geom_idx, the &amp;&amp; test).
    /// </summary>
    public static async Task<List<StoredPoint>> PointsAsync(NpgsqlConnection conn, long layerId, Geometry? bbox = null, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT id, ST_X(geom), ST_Y(geom), weight, label, category FROM planning_point
            WHERE layer_id = $1 AND ($2::geometry IS NULL OR geom && $2) ORDER BY id
            """, conn);
        cmd.Parameters.AddWithValue(layerId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Geometry, (object?)bbox ?? DBNull.Value);
        var rows = new List<StoredPoint>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new(r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        return rows;
    }

    /// <summary>The named layer of <paramref name="kind"/>, or null (none, or one of the other kind).</summary>
    public static async Task<PlanningLayerView?> FindAsync(NpgsqlConnection conn, string name, string kind, CancellationToken ct = default) =>
        (await ListAsync(conn, name, ct)).SingleOrDefault(l => l.Kind == kind);

    /// <summary>Names of the demand layers to warm caches for: demo layers first, then the most recently replaced.</summary>
    public static async Task<List<string>> DemandLayerNamesAsync(NpgsqlDataSource data, int maxLayers, CancellationToken ct = default)
    {
        await using var cmd = data.CreateCommand("SELECT name FROM planning_layer WHERE kind = 'demand' ORDER BY is_demo DESC, updated_at DESC LIMIT $1");
        cmd.Parameters.AddWithValue(maxLayers);
        var names = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>Deletes a layer and its points (ON DELETE CASCADE); false when there is none of that name.</summary>
    public static async Task<bool> DeleteAsync(NpgsqlConnection conn, string name, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM planning_layer WHERE name = $1", conn);
        cmd.Parameters.AddWithValue(name);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}
