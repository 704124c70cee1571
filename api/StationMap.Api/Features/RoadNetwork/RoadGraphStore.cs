using System.Buffers.Binary;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using StationMap.Routing;

namespace StationMap.Api.Features.RoadNetwork;

/// <summary>What a stored graph is: shown in results (version, attribution) and in the config.</summary>
public sealed record GraphInfo(long Version, string Region, string Source, string? Attribution, int VertexCount, int EdgeCount)
{
    /// <summary>Bounding box of the network (degrees, WGS-84): min lon, min lat, max lon, max lat; null for graphs stored without one.</summary>
    public double[]? Extent { get; init; }

    /// <summary>The area the region answers for (<see cref="RegionHull"/>, EPSG:4326); null for graphs stored without one.</summary>
    public Polygon? Hull { get; init; }

    public DateTimeOffset? ActivatedAt { get; init; }
}

/// <summary>
/// Writes a built graph as a new version of its region and swaps it in atomically, leaving other
/// regions' graphs active; loads an active version back into the routing engine's flat arrays.
/// Tables: road_graph, road_vertex, road_edge (0003; one active graph per region, extent and hull: 0017).
/// </summary>
public static class RoadGraphStore
{
    public const string Channel = "stationmap_graph";
    public const string OsmAttribution = "© OpenStreetMap contributors";
    static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>
    /// Stores <paramref name="built"/> under a new version of <paramref name="region"/> in state 'loading',
    /// then in one transaction retires that region's active graph (other regions are untouched), activates
    /// this one and notifies <see cref="Channel"/> with the region's name. On failure the loading version is
    /// removed and the region's previous graph stays active. Returns the new version.
    /// </summary>
    public static async Task<long> SaveAndActivateAsync(NpgsqlConnection conn, BuiltGraph built, string region, string source,
        string? sourceFile, string? attribution, string profileJson, Action<string>? progress = null, CancellationToken ct = default)
    {
        var g = built.Graph;
        region = region.Trim();
        var hull = RegionHull.Compute(g);
        var extent = Extent(g);
        long version;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO road_graph (region, source, source_file, attribution, vertex_count, edge_count, stats, profile,
                                    min_lon, min_lat, max_lon, max_lat, hull)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13) RETURNING version
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
            foreach (var bound in extent) insert.Parameters.Add(new NpgsqlParameter { Value = (object?)bound ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)hull ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Geometry });
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
                    new("UPDATE road_graph SET state = 'retired' WHERE state = 'active' AND region = $1") { Parameters = { new() { Value = region } } },
                    new("UPDATE road_graph SET state = 'active', activated_at = now() WHERE version = $1") { Parameters = { new() { Value = version } } },
                    new("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = Channel }, new() { Value = region } } },
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

    /// <summary>The extent of a graph's vertices and edge geometry: min lon, min lat, max lon, max lat (nulls without vertices).</summary>
    static double?[] Extent(GraphData g)
    {
        if (g.VertexCount == 0) return [null, null, null, null];
        double minLon = double.MaxValue, minLat = double.MaxValue, maxLon = double.MinValue, maxLat = double.MinValue;
        void Add(double lon, double lat)
        {
            minLon = Math.Min(minLon, lon); maxLon = Math.Max(maxLon, lon);
            minLat = Math.Min(minLat, lat); maxLat = Math.Max(maxLat, lat);
        }
        for (var v = 0; v < g.VertexCount; v++) Add(g.VertexLon[v], g.VertexLat[v]);
        for (var i = 0; i < g.GeometryLon.Length; i++) Add(g.GeometryLon[i], g.GeometryLat[i]);
        return [minLon, minLat, maxLon, maxLat];
    }

    const string Columns = "version, region, source, attribution, vertex_count, edge_count, min_lon, min_lat, max_lon, max_lat, ST_AsBinary(hull), activated_at";

    /// <summary>Every active graph (one per region), by region name.</summary>
    public static async Task<List<GraphInfo>> ActiveInfosAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM road_graph WHERE state = 'active' ORDER BY region", conn);
        return await ReadInfosAsync(cmd, ct);
    }

    /// <summary>The active graph of <paramref name="region"/>, or null.</summary>
    public static async Task<GraphInfo?> ActiveInfoAsync(NpgsqlConnection conn, string region, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM road_graph WHERE state = 'active' AND region = $1", conn);
        cmd.Parameters.AddWithValue(region);
        return (await ReadInfosAsync(cmd, ct)).FirstOrDefault();
    }

    static async Task<List<GraphInfo>> ReadInfosAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<GraphInfo>();
        var wkb = new NetTopologySuite.IO.WKBReader();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new GraphInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetInt32(5))
            {
                Extent = r.IsDBNull(6) ? null : [r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9)],
                Hull = r.IsDBNull(10) ? null : wkb.Read(r.GetFieldValue<byte[]>(10)) as Polygon,
                ActivatedAt = r.IsDBNull(11) ? null : new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(11), DateTimeKind.Utc)),
            });
        }
        return result;
    }

    /// <summary>Reads the active graph of <paramref name="region"/> into the engine's arrays; null when the region has none.</summary>
    public static async Task<(GraphInfo Info, GraphData Data)?> LoadActiveAsync(NpgsqlConnection conn, string region, CancellationToken ct = default) =>
        await ActiveInfoAsync(conn, region, ct) is { } info ? (info, await LoadAsync(conn, info, ct)) : null;

    /// <summary>Reads graph version <paramref name="info"/> into the engine's arrays with two binary COPYs.</summary>
    /// <remarks>
    /// The rows are read with the exporter's synchronous calls: an awaited call per field (11 per edge)
    /// more than doubled the read of a region in the region benchmark (2.8 s against 1.2 s for 393,000 edges);
    /// the loader runs on a background thread, so blocking it while rows stream in costs nobody.
    /// </remarks>
    public static async Task<GraphData> LoadAsync(NpgsqlConnection conn, GraphInfo info, CancellationToken ct = default)
    {
        var v = info.Version;
        int nv = info.VertexCount, ne = info.EdgeCount;
        double[] vLon = new double[nv], vLat = new double[nv];
        // One snapshot for both COPYs: another instance's import may prune a retired version between them.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var verticesRead = 0;
        await using (var reader = await conn.BeginBinaryExportAsync(
            $"COPY (SELECT id, ST_X(geom), ST_Y(geom) FROM road_vertex WHERE graph_version = {v}) TO STDOUT (FORMAT BINARY)", ct))
        {
            while (reader.StartRow() >= 0)
            {
                var id = reader.Read<int>();
                vLon[id] = reader.Read<double>();
                vLat[id] = reader.Read<double>();
                verticesRead++;
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
            while (reader.StartRow() >= 0)
            {
                var id = reader.Read<int>();
                src[id] = reader.Read<int>();
                dst[id] = reader.Read<int>();
                len[id] = (float)reader.Read<double>();
                for (var m = 0; m < TravelModes.Count; m++)
                {
                    fwd[m][id] = reader.IsNull ? Skip(reader) : reader.Read<float>();
                    bwd[m][id] = reader.IsNull ? Skip(reader) : reader.Read<float>();
                }
                geoms[id] = reader.Read<byte[]>();
            }
        }
        await tx.CommitAsync(ct);
        // Gone before the snapshot (pruned after the version was looked up): the caller looks again.
        if (verticesRead != nv || geoms.Any(g => g is null))
            throw new InvalidOperationException($"Road graph {v} changed while it was being read; it is looked up again.");
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
        return new GraphData
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
        };
    }

    static float Skip(NpgsqlBinaryExporter reader)
    {
        reader.Skip();
        return float.NaN;
    }
}
