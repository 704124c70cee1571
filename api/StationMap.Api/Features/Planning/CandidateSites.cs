using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Infrastructure;
using StationMap.Planning;
using StationMap.Routing;

namespace StationMap.Api.Features.Planning;

public sealed record GridSpec(int? SpacingM, long? District);

/// <summary>Where new stations may go: a candidate layer by name, or a grid over a district or the road network.</summary>
public sealed record CandidateSpec(string? Layer, GridSpec? Grid);

/// <summary>A possible new site, snapped to the road network (WGS-84 degrees).</summary>
public sealed record Candidate(long? Id, string? Label, double Lon, double Lat, SnapResult Snap);

/// <summary>A covering instance over the demand in scope: instance point k is demand point <c>Scope[k]</c>.</summary>
public sealed record PlanningInstance(IReadOnlyList<Candidate> Candidates, int[] Scope, CoverageInstance Instance, double TotalWeight,
    double AlreadyCoveredWeight, string Key);

/// <summary>
/// Candidate sites and what each covers. A candidate covers a demand point when the point reaches it
/// over the network within the cut-off: one bounded reverse search per candidate (in parallel), read
/// off at the points through a vertex → point index (a point joins the graph at both ends of its
/// edge, as in the engine's own point seeds). Points already covered by an open station are left out
/// of the cover lists and flagged as covered, so they count in the curve but never attract a site.
/// </summary>
public static class CandidateSites
{
    public const int MaxCandidates = 5000;
    public const int MaxGridPoints = 40_000;

    /// <summary>Checks the shape of a candidates object (before anything is loaded).</summary>
    public static void Validate(CandidateSpec? spec, Validation v)
    {
        if (spec is null || (spec.Layer is null) == (spec.Grid is null))
        {
            v.Add("candidates", "candidates must be {\"layer\": NAME} or {\"grid\": {\"spacing_m\": 300–5000, \"district\": ID?}}.");
            return;
        }
        if (spec.Layer is { } layer) CoverageRequest.ParseLayer(layer, v, "candidates.layer");
        if (spec.Grid is { } grid && (grid.SpacingM is not { } spacing || spacing < 300 || spacing > 5000))
            v.Add("candidates.grid.spacing_m", "candidates.grid.spacing_m must be whole metres between 300 and 5000.");
        if (spec.Grid?.District is <= 0) v.Add("candidates.grid.district", "candidates.grid.district must be a district id.");
    }

    /// <summary>Loads a validated candidates object: a 404 problem for an unknown layer or district.</summary>
    public static async Task<(List<Candidate>? Candidates, string? Key, ProblemHttpResult? Problem)> LoadAsync(CandidateSpec? spec, CoverageContext c,
        NpgsqlDataSource data, Validation v, CancellationToken ct)
    {
        var engine = c.Graph.Engine;
        var mode = c.Parameters.Mode;
        if (spec!.Layer is { } layer)
        {
            await using var conn = await data.OpenConnectionAsync(ct);
            var stored = await PointLayerStore.FindAsync(conn, layer, "candidate", ct);
            if (stored is null)
                return (null, null, Problems.LayerNotFound(layer, "candidate"));
            // The layer row is read before its points: a replace committing in between leaves newer points under
            // the older key, which no later request asks for (they read the new updated_at), never the reverse.
            var key = $"layer:{stored.Id}:{stored.UpdatedAt.UtcTicks}";
            var raw = (await PointLayerStore.PointsAsync(conn, stored.Id, null, ct)).Select(p => (p.Id, p.Label, p.Lon, p.Lat)).ToList();
            var list = new List<Candidate>();
            if (raw.Count > MaxCandidates) { v.Add("candidates.layer", $"A candidate layer may have at most {MaxCandidates} points here."); return (null, null, null); }
            foreach (var (id, label, lon, lat) in raw)
                if (engine.Snap(lon, lat, mode, CoverageEngine.OffNetworkM) is { } snap) list.Add(new Candidate(id, label, lon, lat, snap));
            return (list, key, null);
        }

        var grid = spec.Grid!;
        var spacing = grid.SpacingM!.Value;
        IPreparedGeometry? area = null;
        var bounds = engine.Graph.Bounds;
        var districtId = grid.District ?? c.Parameters.District;
        if (districtId is { } did)
        {
            if (await DistrictStore.GeometryAsync(data, did, ct) is not { } geometry) return (null, null, CoverageRequest.UnknownDistrict(did));
            area = PreparedGeometryFactory.Prepare(geometry);
            var env = geometry.EnvelopeInternal;
            bounds = (Math.Max(env.MinX, bounds.MinLon), Math.Max(env.MinY, bounds.MinLat), Math.Min(env.MaxX, bounds.MaxLon), Math.Min(env.MaxY, bounds.MaxLat));
        }
        // Grid in the graph's local metric projection; a point is kept when a usable road is within half the spacing.
        var proj = engine.Graph.Projection;
        double x0 = proj.X(bounds.MinLon), x1 = proj.X(bounds.MaxLon), y0 = proj.Y(bounds.MinLat), y1 = proj.Y(bounds.MaxLat);
        var columns = Math.Max(0, (long)Math.Floor((x1 - x0) / spacing) + 1);
        var rows = Math.Max(0, (long)Math.Floor((y1 - y0) / spacing) + 1);
        if (columns * rows > MaxGridPoints)
        {
            v.Add("candidates.grid.spacing_m", $"candidates.grid.spacing_m {spacing} gives {columns * rows} grid points (at most {MaxGridPoints}): use a larger spacing or a district.");
            return (null, null, null);
        }
        var factory = RoutingEngine.GeometryFactory;
        var result = new List<Candidate>();
        for (var row = 0; row < rows; row++)
            for (var col = 0; col < columns; col++)
            {
                var lon = proj.Lon(x0 + col * spacing);
                var lat = proj.Lat(y0 + row * spacing);
                if (area is not null && !area.Covers(factory.CreatePoint(new Coordinate(lon, lat)))) continue;
                if (engine.Snap(lon, lat, mode, spacing / 2.0) is { } snap)
                    result.Add(new Candidate(null, $"grid {row},{col}", snap.Lon, snap.Lat, snap));
            }
        if (result.Count > MaxCandidates)
        {
            v.Add("candidates.grid.spacing_m", $"candidates.grid.spacing_m {spacing} gives {result.Count} sites on roads (at most {MaxCandidates}).");
            return (null, null, null);
        }
        return (result, $"grid:{spacing}:{districtId}", null);
    }

    /// <summary>The covering instance of a scenario and candidate set (weights and flags over the demand in scope).</summary>
    public static PlanningInstance Build(CoverageContext c, PointTimes baseline, IReadOnlyList<Candidate> candidates, string candidatesKey)
    {
        var d = c.Demand!;
        var cut = c.Parameters.CutoffSeconds;
        var scope = Enumerable.Range(0, d.Count).Where(c.InScope).ToArray();
        var weights = scope.Select(i => d.Weight[i]).ToArray();
        var already = scope.Select(i => d.OnNetwork[i] && baseline.Seconds[i] <= cut).ToArray();
        var eligible = scope.Select((i, k) => d.OnNetwork[i] && !already[k]).ToArray();
        var covers = Covers(c.Graph.Engine, c.Parameters.Mode, d, scope, eligible, candidates, cut);
        var key = $"{c.Field.Key}|{d.Key}|{candidatesKey}|{c.Parameters.Minutes}|{c.DistrictIndex}";
        return new PlanningInstance(candidates, scope, new CoverageInstance(weights, covers, already), weights.Sum(),
            weights.Where((_, k) => already[k]).Sum(), key);
    }

    static int[][] Covers(RoutingEngine engine, TravelMode mode, DemandSet d, int[] scope, bool[] eligible, IReadOnlyList<Candidate> candidates, double cut)
    {
        var graph = engine.Graph;
        // Vertex → (instance point, seconds from the point to the vertex), in CSR form.
        var start = new int[graph.VertexCount + 1];
        var pairs = new List<(int Vertex, int Point, double Seconds)>();
        var onEdge = new Dictionary<int, List<int>>();
        for (var k = 0; k < scope.Length; k++)
        {
            if (!eligible[k]) continue;
            var s = d.Snap[scope[k]];
            var fwd = graph.ForwardSeconds(mode, s.Edge);
            var bwd = graph.BackwardSeconds(mode, s.Edge);
            if (!double.IsNaN(bwd)) pairs.Add((graph.Data.EdgeSource[s.Edge], k, s.Fraction * bwd));
            if (!double.IsNaN(fwd)) pairs.Add((graph.Data.EdgeTarget[s.Edge], k, (1 - s.Fraction) * fwd));
            if (!onEdge.TryGetValue(s.Edge, out var list)) onEdge[s.Edge] = list = [];
            list.Add(k);
        }
        foreach (var p in pairs) start[p.Vertex + 1]++;
        for (var v = 0; v < graph.VertexCount; v++) start[v + 1] += start[v];
        var fill = (int[])start.Clone();
        var point = new int[pairs.Count];
        var seconds = new double[pairs.Count];
        foreach (var p in pairs) { var at = fill[p.Vertex]++; point[at] = p.Point; seconds[at] = p.Seconds; }

        var covers = new int[candidates.Count][];
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => (Stamp: new int[scope.Length], Hits: new List<int>(), Round: 0),
            (j, _, local) =>
            {
                var round = ++local.Round;
                local.Hits.Clear();
                var c = candidates[j].Snap;
                var reach = engine.Search(c, mode, SearchDirection.Reverse, cut);
                for (var n = 0; n < reach.Vertices.Count; n++)
                {
                    var v = reach.Vertices[n];
                    var tv = reach.Seconds[n];
                    for (var a = start[v]; a < start[v + 1]; a++)
                        if (tv + seconds[a] <= cut && local.Stamp[point[a]] != round) { local.Stamp[point[a]] = round; local.Hits.Add(point[a]); }
                }
                if (onEdge.TryGetValue(c.Edge, out var same))
                {
                    var fwd = graph.ForwardSeconds(mode, c.Edge);
                    var bwd = graph.BackwardSeconds(mode, c.Edge);
                    foreach (var k in same)
                    {
                        var delta = c.Fraction - d.Snap[scope[k]].Fraction;
                        var t = delta >= 0 ? delta * fwd : -delta * bwd;
                        if (t <= cut && local.Stamp[k] != round) { local.Stamp[k] = round; local.Hits.Add(k); }
                    }
                }
                local.Hits.Sort();
                covers[j] = [.. local.Hits];
                return local;
            }, _ => { });
        return covers;
    }
}
