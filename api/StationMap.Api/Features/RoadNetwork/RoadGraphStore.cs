using System.Buffers.Binary;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using StationMap.Routing;

namespace StationMap.Api.Features.RoadNetwork;

/// <summary>What a stored graph is: shown in results (version, attribution) and in the config.</summary>
public sealed record GraphInfo(long Version, string Region, string Source, string? Attribution, int VertexCount, int EdgeCount);

/// <summary>
/// Writes a built graph as a new version and swaps it in atomically; loads the active version back
/// into the routing engine's flat arrays. Tables: road_graph, road_vertex, road_edge (0003).
/// </summary>
public static class RoadGraphStore
{
    public const string Channel = "stationmap_graph";
    public const string OsmAttribution = "© OpenStreetMap contributors";
    static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>
    /// Stores <paramref name="built"/> under a new version in state 'loading', then in one transaction
    /// retires the active graph, activates this one and notifies <see cref="Channel"/>. On failure the
    /// loading version is removed and the previous graph stays active. Returns the new version.
    /// </summary>
    public static async Task<long> SaveAndActivateAsync(NpgsqlConnection conn, BuiltGraph built, string region, string source,
        string? sourceFile, string? attribution, string profileJson, Action<string>? progress = null, CancellationToken ct = default)
    {
        var g = built.Graph;
        long version;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO road_graph (region, source, source_file, attribution, vertex_count, edge_count, stats, profile)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) RETURNING version
            """, conn))
        {
            insert.Parameters.AddWithValue(region);
            insert.Parameters.AddWithValue(source);
            insert.Parameters.AddWithValue((object?)sourceFile ?? DBNull.Value);
            insert.Parameters.AddWithValue((object?)attribution ?? DBNull.Value);
            insert.Parameters.AddWithValue(g.VertexCount);
            insert.Parameters.AddWithValue(g.EdgeCount);
            insert.Parameters.AddWithValue(JsonSerializer.Serialize(built.Stats));
            insert.Parameters.AddWithValue(profileJson);
            version = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        try
        {
            await WriteVerticesAsync(conn, version, built, ct);
            progress?.Invoke($"stored {g.VertexCount:N0} vertices");
            await WriteEdgesAsync(conn, version, built, ct);
            progress?.Invoke($"stored {g.EdgeCount:N0} edges");
            await using (var analyze = new NpgsqlCommand("ANALYZE road_vertex; ANALYZE road_edge", conn)) await analyze.ExecuteNonQueryAsync(ct);

            await using var tx = await conn.BeginTransactionAsync(ct);
            await using (var swap = new NpgsqlBatch(conn, tx)
            {
                BatchCommands =
                {
                    new("UPDATE road_graph SET state = 'retired' WHERE state = 'active'"),
                    new("UPDATE road_graph SET state = 'active', activated_at = now() WHERE version = $1") { Parameters = { new() { Value = version } } },
                    new("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = Channel }, new() { Value = version.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
                },
            }) await swap.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            await using var cleanup = new NpgsqlCommand("DELETE FROM road_graph WHERE version = $1 AND state = 'loading'", conn);
            cleanup.Parameters.AddWithValue(version);
            await cleanup.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
        await using (var prune = new NpgsqlCommand("DELETE FROM road_graph WHERE state = 'retired'", conn)) await prune.ExecuteNonQueryAsync(ct);
        return version;
    }

    static async Task WriteVerticesAsync(NpgsqlConnection conn, long version, BuiltGraph built, CancellationToken ct)
    {
        var g = built.Graph;
        await using var copy = await conn.BeginBinaryImportAsync("COPY road_vertex (graph_version, id, osm_node_id, geom) FROM STDIN (FORMAT BINARY)", ct);
        for (var v = 0; v < g.VertexCount; v++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(version, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(v, NpgsqlDbType.Integer, ct);
            if (built.VertexOsmIds[v] is { } osm) await copy.WriteAsync(osm, NpgsqlDbType.Bigint, ct); else await copy.WriteNullAsync(ct);
            await copy.WriteAsync(Factory.CreatePoint(new Coordinate(g.VertexLon[v], g.VertexLat[v])), NpgsqlDbType.Geometry, ct);
        }
        await copy.CompleteAsync(ct);
    }

    static async Task WriteEdgesAsync(NpgsqlConnection conn, long version, BuiltGraph built, CancellationToken ct)
    {
        var g = built.Graph;
        await using var copy = await conn.BeginBinaryImportAsync("""
            COPY road_edge (graph_version, id, source, target, osm_way_id, highway, name, length_m,
                            walk_forward_s, walk_backward_s, ebike_forward_s, ebike_backward_s, car_forward_s, car_backward_s, geom)
            FROM STDIN (FORMAT BINARY)
            """, ct);
        for (var e = 0; e < g.EdgeCount; e++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(version, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(e, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(g.EdgeSource[e], NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(g.EdgeTarget[e], NpgsqlDbType.Integer, ct);
            if (built.EdgeWayIds[e] is { } way) await copy.WriteAsync(way, NpgsqlDbType.Bigint, ct); else await copy.WriteNullAsync(ct);
            await copy.WriteAsync(built.EdgeHighway[e], NpgsqlDbType.Text, ct);
            if (built.EdgeName[e] is { } name) await copy.WriteAsync(name, NpgsqlDbType.Text, ct); else await copy.WriteNullAsync(ct);
            await copy.WriteAsync((double)g.EdgeLengthM[e], NpgsqlDbType.Double, ct);
            foreach (var mode in TravelModes.All)
            {
                await WriteSecondsAsync(copy, g.ForwardSeconds[(int)mode][e], ct);
                await WriteSecondsAsync(copy, g.BackwardSeconds[(int)mode][e], ct);
            }
            var coords = new Coordinate[g.GeometryOffsets[e + 1] - g.GeometryOffsets[e]];
            for (var i = 0; i < coords.Length; i++)
                coords[i] = new Coordinate(g.GeometryLon[g.GeometryOffsets[e] + i], g.GeometryLat[g.GeometryOffsets[e] + i]);
            await copy.WriteAsync(Factory.CreateLineString(coords), NpgsqlDbType.Geometry, ct);
        }
        await copy.CompleteAsync(ct);
    }

    static async Task WriteSecondsAsync(NpgsqlBinaryImporter copy, float seconds, CancellationToken ct)
    {
        if (float.IsNaN(seconds)) await copy.WriteNullAsync(ct); else await copy.WriteAsync(seconds, NpgsqlDbType.Real, ct);
    }

    public static async Task<GraphInfo?> ActiveInfoAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT version, region, source, attribution, vertex_count, edge_count FROM road_graph WHERE state = 'active'", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new GraphInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetInt32(5));
    }

    /// <summary>Reads the active graph into the engine's arrays with two binary COPYs; null when no graph is active.</summary>
    public static async Task<(GraphInfo Info, GraphData Data)?> LoadActiveAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        var info = await ActiveInfoAsync(conn, ct);
        if (info is null) return null;
        var v = info.Version;
        int nv = info.VertexCount, ne = info.EdgeCount;
        double[] vLon = new double[nv], vLat = new double[nv];
        await using (var reader = await conn.BeginBinaryExportAsync(
            $"COPY (SELECT id, ST_X(geom), ST_Y(geom) FROM road_vertex WHERE graph_version = {v}) TO STDOUT (FORMAT BINARY)", ct))
        {
            while (await reader.StartRowAsync(ct) >= 0)
            {
                var id = await reader.ReadAsync<int>(ct);
                vLon[id] = await reader.ReadAsync<double>(ct);
                vLat[id] = await reader.ReadAsync<double>(ct);
            }
        }
        int[] src = new int[ne], dst = new int[ne];
        var len = new float[ne];
        float[][] fwd = [new float[ne], new float[ne], new float[ne]], bwd = [new float[ne], new float[ne], new float[ne]];
        var geoms = new byte[ne][];
        await using (var reader = await conn.BeginBinaryExportAsync($"""
            COPY (SELECT id, source, target, length_m, walk_forward_s, walk_backward_s, ebike_forward_s, ebike_backward_s,
                         car_forward_s, car_backward_s, ST_AsBinary(geom, 'NDR') FROM road_edge WHERE graph_version = {v}) TO STDOUT (FORMAT BINARY)
            """, ct))
        {
            while (await reader.StartRowAsync(ct) >= 0)
            {
                var id = await reader.ReadAsync<int>(ct);
                src[id] = await reader.ReadAsync<int>(ct);
                dst[id] = await reader.ReadAsync<int>(ct);
                len[id] = (float)await reader.ReadAsync<double>(ct);
                for (var m = 0; m < TravelModes.Count; m++)
                {
                    fwd[m][id] = reader.IsNull ? Skip(reader) : await reader.ReadAsync<float>(ct);
                    bwd[m][id] = reader.IsNull ? Skip(reader) : await reader.ReadAsync<float>(ct);
                }
                geoms[id] = await reader.ReadAsync<byte[]>(ct);
            }
        }
        var offsets = new int[ne + 1];
        for (var e = 0; e < ne; e++) offsets[e + 1] = offsets[e] + BinaryPrimitives.ReadInt32LittleEndian(geoms[e].AsSpan(5));
        double[] gLon = new double[offsets[ne]], gLat = new double[offsets[ne]];
        for (var e = 0; e < ne; e++)
        {
            var wkb = geoms[e].AsSpan(9);
            for (int i = 0, k = offsets[e]; k < offsets[e + 1]; i++, k++)
            {
                gLon[k] = BinaryPrimitives.ReadDoubleLittleEndian(wkb[(i * 16)..]);
                gLat[k] = BinaryPrimitives.ReadDoubleLittleEndian(wkb[(i * 16 + 8)..]);
            }
        }
        return (info, new GraphData
        {
            Version = v,
            VertexLon = vLon,
            VertexLat = vLat,
            EdgeSource = src,
            EdgeTarget = dst,
            EdgeLengthM = len,
            ForwardSeconds = fwd,
            BackwardSeconds = bwd,
            GeometryOffsets = offsets,
            GeometryLon = gLon,
            GeometryLat = gLat,
        });
    }

    static float Skip(NpgsqlBinaryExporter reader)
    {
        reader.Skip();
        return float.NaN;
    }
}
