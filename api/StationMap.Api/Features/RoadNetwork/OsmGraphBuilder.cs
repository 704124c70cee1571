using System.Diagnostics;
using OsmSharp;
using OsmSharp.Streams;
using StationMap.Routing;

namespace StationMap.Api.Features.RoadNetwork;

/// <summary>A routable graph with the OSM facts kept for storage (ids, classes, names) and import statistics.</summary>
public sealed record BuiltGraph(GraphData Graph, long?[] VertexOsmIds, long?[] EdgeWayIds, string[] EdgeHighway, string?[] EdgeName,
    Dictionary<string, object> Stats);

/// <summary>
/// Reads OpenStreetMap XML (<c>.osm</c>) or PBF (<c>.osm.pbf</c>) with OsmSharp in two passes (routable
/// ways, then only the nodes they use), splits ways at intersections, keeps every node as edge
/// geometry, and prices each edge per mode with the <see cref="RoadProfile"/>.
/// </summary>
public static class OsmGraphBuilder
{
    public static BuiltGraph Build(string path, RoadProfile profile, Action<string>? progress = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.");
        var clock = Stopwatch.StartNew();
        var ways = new List<(WayFacts Facts, long[] Nodes)>();
        var uses = new Dictionary<long, int>();
        long waysRead = 0, nodesRead = 0;
        Read(path, geo =>
        {
            if (geo is not Way way) return;
            if (++waysRead % 50_000 == 0) progress?.Invoke($"read {waysRead:N0} ways");
            if (way.Nodes is not { Length: >= 2 } || way.Tags is null) return;
            var tags = way.Tags.ToDictionary(t => t.Key, t => t.Value);
            if (!profile.IsRoutable(tags)) return;
            var speeds = profile.Evaluate(tags);
            if (speeds.All(s => s.Forward is null && s.Backward is null)) return;
            ways.Add((new WayFacts(way.Id, tags["highway"], tags.GetValueOrDefault("name"), speeds), way.Nodes));
            for (var i = 0; i < way.Nodes.Length; i++)
                uses[way.Nodes[i]] = uses.GetValueOrDefault(way.Nodes[i]) + (i == 0 || i == way.Nodes.Length - 1 ? 2 : 1);
        });
        if (ways.Count == 0) throw new FormatException($"{path}: no routable roads (no ways with a usable highway tag).");
        progress?.Invoke($"{ways.Count:N0} routable ways of {waysRead:N0}; reading their {uses.Count:N0} nodes");

        var coords = new Dictionary<long, (double Lon, double Lat)>(uses.Count);
        Read(path, geo =>
        {
            if (geo is Node { Id: { } id, Longitude: { } lon, Latitude: { } lat } && uses.ContainsKey(id)) coords[id] = (lon, lat);
            if (geo is Node) nodesRead++;
        });
        if (coords.Count == 0) throw new FormatException($"{path}: the roads' nodes are missing (truncated or incomplete extract).");

        var b = new GraphAccumulator();
        var missing = 0L;
        foreach (var (way, nodes) in ways)
        {
            var points = new List<(long Id, double Lon, double Lat)>();
            foreach (var nodeId in nodes)
            {
                if (!coords.TryGetValue(nodeId, out var c)) { missing++; b.Flush(way, points); points.Clear(); continue; }
                if (points.Count > 0 && points[^1].Id == nodeId) continue;
                points.Add((nodeId, c.Lon, c.Lat));
                if (points.Count > 1 && uses[nodeId] >= 2) { b.Flush(way, points); points.RemoveRange(0, points.Count - 1); }
            }
            b.Flush(way, points);
            if (b.EdgeCount > 0 && b.EdgeCount % 100_000 == 0) progress?.Invoke($"built {b.EdgeCount:N0} edges");
        }
        if (b.EdgeCount == 0) throw new FormatException($"{path}: no road edges could be built (nodes missing?).");

        var stats = new Dictionary<string, object>
        {
            ["ways_read"] = waysRead,
            ["routable_ways"] = ways.Count,
            ["nodes_read"] = nodesRead,
            ["missing_node_refs"] = missing,
            ["vertices"] = b.VertexCount,
            ["edges"] = b.EdgeCount,
            ["km_by_class"] = b.KmByClass(),
            ["build_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        };
        return b.ToBuilt(stats);
    }

    /// <summary>Streams every OSM object; any reader failure becomes one clear FormatException.</summary>
    static void Read(string path, Action<OsmGeo> visit)
    {
        try
        {
            using var file = File.OpenRead(path);
            var pbf = path.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase);
            if (!pbf && !LooksLikeXml(file)) throw new FormatException("it does not start like OSM XML");
            file.Position = 0;
            OsmStreamSource source = pbf ? new PBFOsmStreamSource(file) : new XmlOsmStreamSource(file);
            foreach (var geo in source) visit(geo);
        }
        catch (Exception e) when (e is not FileNotFoundException and not OutOfMemoryException)
        {
            throw new FormatException($"{path} is not a readable OpenStreetMap file ({e.GetType().Name}: {FirstLine(e.Message)}).", e);
        }
    }

    static bool LooksLikeXml(Stream s)
    {
        var head = new byte[512];
        var n = s.Read(head, 0, head.Length);
        var text = System.Text.Encoding.UTF8.GetString(head, 0, n).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        return text.StartsWith("<?xml", StringComparison.Ordinal) || text.StartsWith("<osm", StringComparison.Ordinal);
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
