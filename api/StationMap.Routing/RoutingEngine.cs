using System.Collections.Concurrent;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using StationMap.Routing.Isochrones;

namespace StationMap.Routing;

/// <summary>
/// Travel-time queries on one graph version: snapping, bounded searches, isochrone polygons and
/// multi-source nearest-by-time. Built once per graph version and shared; every method is safe to call
/// from many threads at once. Scratch arrays (search state, raster, contour buffers) are pooled, so a
/// query allocates little beyond its result.
/// </summary>
public sealed class RoutingEngine
{
    private readonly ConcurrentBag<Workspace> _pool = [];

    public RoutingEngine(GraphData data, double? snapCellSizeM = null)
        : this(new RoutingGraph(data), snapCellSizeM)
    {
    }

    public RoutingEngine(RoutingGraph graph, double? snapCellSizeM = null)
    {
        Graph = graph ?? throw new ArgumentNullException(nameof(graph));
        Snapper = new EdgeSnapper(graph, snapCellSizeM);
    }

    /// <summary>SRID 4326, floating precision: the factory of every geometry returned.</summary>
    public static GeometryFactory GeometryFactory { get; } = NtsGeometryServices.Instance.CreateGeometryFactory(4326);

    public RoutingGraph Graph { get; }

    public EdgeSnapper Snapper { get; }

    public long GraphVersion => Graph.Version;

    /// <summary>The nearest point on an edge usable by the mode within <paramref name="maxSnapM"/>, or null.</summary>
    public SnapResult? Snap(double lon, double lat, TravelMode mode, double maxSnapM) => Snapper.Snap(lon, lat, mode, maxSnapM);

    /// <summary>Vertices reachable from (forward) or reaching (reverse) a snapped point within the bound.</summary>
    public ReachResult Search(in SnapResult origin, TravelMode mode, SearchDirection direction, double maxSeconds, bool includeSpans = false)
    {
        CheckPoint(origin);
        var ws = Rent();
        try
        {
            ws.Search.Begin(Graph, mode, direction, maxSeconds);
            ws.Search.Seed(origin, 0);
            ws.Search.Run();
            return ToReach(ws.Search, includeSpans ? origin : null, includeSpans);
        }
        finally
        {
            Return(ws);
        }
    }

    /// <summary>As <see cref="Search(in SnapResult, TravelMode, SearchDirection, double, bool)"/> from a vertex.</summary>
    public ReachResult SearchFromVertex(int vertex, TravelMode mode, SearchDirection direction, double maxSeconds, bool includeSpans = false)
    {
        CheckVertex(vertex);
        var ws = Rent();
        try
        {
            ws.Search.Begin(Graph, mode, direction, maxSeconds);
            ws.Search.Seed(vertex, 0, 0);
            ws.Search.Run();
            return ToReach(ws.Search, null, includeSpans);
        }
        finally
        {
            Return(ws);
        }
    }

    /// <summary>
    /// Isochrone bands for a WGS-84 point: snaps it (null when no usable road is within
    /// <paramref name="maxSnapM"/>, i.e. outside the road network), then one search to the largest cut-off.
    /// </summary>
    public IsochroneResult? Isochrone(double lon, double lat, TravelMode mode, SearchDirection direction,
        IReadOnlyList<double> minutes, double maxSnapM, IsochroneOptions? options = null)
    {
        var snap = Snap(lon, lat, mode, maxSnapM);
        return snap is { } s ? Isochrone(s, mode, direction, minutes, options) : null;
    }

    /// <summary>
    /// Nested isochrone bands (5 ⊆ 10 ⊆ 15 …) around a snapped point from one bounded search. Bands come back
    /// sorted by minutes; each is a valid Polygon or MultiPolygon in WGS-84 with its area in km².
    /// </summary>
    public IsochroneResult Isochrone(in SnapResult origin, TravelMode mode, SearchDirection direction,
        IReadOnlyList<double> minutes, IsochroneOptions? options = null)
    {
        CheckPoint(origin);
        return BuildIsochrone(origin, -1, mode, direction, minutes, options);
    }

    /// <summary>Isochrone bands from a graph vertex (as pgRouting's driving distance starts).</summary>
    public IsochroneResult IsochroneFromVertex(int vertex, TravelMode mode, SearchDirection direction,
        IReadOnlyList<double> minutes, IsochroneOptions? options = null)
    {
        CheckVertex(vertex);
        return BuildIsochrone(null, vertex, mode, direction, minutes, options);
    }

    /// <summary>
    /// Seconds from <paramref name="origin"/> to each target (forward) or from each target to the origin
    /// (reverse) by the network, +∞ beyond <paramref name="maxSeconds"/>. One search answers any number of
    /// targets: "stations reachable within N minutes" and "nearest stations by time" from a point.
    /// </summary>
    public double[] TravelSeconds(in SnapResult origin, TravelMode mode, SearchDirection direction,
        ReadOnlySpan<SnapResult> targets, double maxSeconds)
    {
        CheckPoint(origin);
        var result = new double[targets.Length];
        var ws = Rent();
        try
        {
            var search = ws.Search;
            search.Begin(Graph, mode, direction, maxSeconds);
            search.Seed(origin, 0);
            search.Run();
            for (var i = 0; i < targets.Length; i++)
            {
                CheckPoint(targets[i]);
                var (seconds, _) = search.AtPoint(targets[i]);
                var direct = direction == SearchDirection.Forward
                    ? ShortestPathSearch.SameEdgeSeconds(Graph, mode, origin, targets[i])
                    : ShortestPathSearch.SameEdgeSeconds(Graph, mode, targets[i], origin);
                seconds = Math.Min(seconds, direct);
                result[i] = seconds <= maxSeconds ? seconds : double.PositiveInfinity;
            }
        }
        finally
        {
            Return(ws);
        }

        return result;
    }

    /// <summary>
    /// One multi-source search: for every vertex, the nearest source by time and its seconds (reverse: from
    /// the vertex to the source, i.e. a worker heading for a station). Sources are identified by index.
    /// </summary>
    public NearestSourceResult NearestSources(ReadOnlySpan<SnapResult> sources, TravelMode mode, SearchDirection direction,
        double maxSeconds = double.PositiveInfinity)
    {
        var ws = Rent();
        try
        {
            var search = ws.Search;
            search.Begin(Graph, mode, direction, maxSeconds);
            for (var i = 0; i < sources.Length; i++)
            {
                CheckPoint(sources[i]);
                search.Seed(sources[i], i);
            }

            search.Run();
            var n = Graph.VertexCount;
            var label = new int[n];
            var seconds = new double[n];
            for (var v = 0; v < n; v++)
            {
                label[v] = search.Label(v);
                seconds[v] = search.Seconds(v);
            }

            return new NearestSourceResult(mode, direction, maxSeconds, sources.ToArray(), label, seconds);
        }
        finally
        {
            Return(ws);
        }
    }

    /// <summary>
    /// The nearest source for an arbitrary point on the network, from a <see cref="NearestSources"/> result:
    /// via either end of the point's edge, or directly along the edge when a source shares it.
    /// </summary>
    public (int Source, double Seconds) NearestSourceAt(NearestSourceResult result, in SnapResult point)
    {
        ArgumentNullException.ThrowIfNull(result);
        CheckPoint(point);
        var best = double.PositiveInfinity;
        var bestSource = -1;
        var opposite = result.Direction == SearchDirection.Forward ? SearchDirection.Reverse : SearchDirection.Forward;
        foreach (var (vertex, seconds) in ShortestPathSearch.PointSeeds(Graph, result.Mode, opposite, point))
        {
            var t = result.SecondsArray[vertex] + seconds;
            if (t < best)
            {
                best = t;
                bestSource = result.SourceArray[vertex];
            }
        }

        if (!result.SourcesByEdge.TryGetValue(point.Edge, out var sameEdge))
        {
            sameEdge = [];
        }

        foreach (var i in sameEdge)
        {
            var source = result.Sources[i];
            var direct = result.Direction == SearchDirection.Forward
                ? ShortestPathSearch.SameEdgeSeconds(Graph, result.Mode, source, point)
                : ShortestPathSearch.SameEdgeSeconds(Graph, result.Mode, point, source);
            if (direct < best)
            {
                best = direct;
                bestSource = i;
            }
        }

        return best <= result.BoundSeconds ? (bestSource, best) : (-1, double.PositiveInfinity);
    }

    private IsochroneResult BuildIsochrone(SnapResult? origin, int vertex, TravelMode mode, SearchDirection direction,
        IReadOnlyList<double> minutes, IsochroneOptions? options)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        if (minutes.Count == 0 || minutes.Any(m => !(m > 0) || !double.IsFinite(m)))
        {
            throw new ArgumentOutOfRangeException(nameof(minutes), "Give at least one positive number of minutes.");
        }

        var levels = minutes.Distinct().Order().ToArray();
        var opts = (options ?? new IsochroneOptions()).ForMode(mode);
        var cell = opts.CellSizeM!.Value;
        var ws = Rent();
        try
        {
            var search = ws.Search;
            search.Begin(Graph, mode, direction, levels[^1] * 60);
            double lon, lat;
            if (origin is { } o)
            {
                search.Seed(o, 0);
                (lon, lat) = (o.Lon, o.Lat);
            }
            else
            {
                search.Seed(vertex, 0, 0);
                (lon, lat) = (Graph.Data.VertexLon[vertex], Graph.Data.VertexLat[vertex]);
            }

            search.Run();
            var raster = ws.Raster;
            raster.Sample(Graph, search, origin, lon, lat, cell / 2);
            raster.Rasterize(cell, opts.OffRoadMarginM!.Value, opts.OffRoadSpeedKmh / 3.6, opts.MaxGridNodes);
            var projection = raster.Projection;
            var tolerance = opts.SimplifyToleranceM ?? raster.Cell / 2;
            var squareMetresPerSquareDegree = projection.MetresPerDegreeLon * projection.MetresPerDegreeLat;

            // Thresholding one raster makes the traced contours nested exactly; simplifying each band on
            // its own can make an outer band cut a corner of an inner one. When that happens the bands are
            // traced again unsimplified, which keeps them nested by construction (an overlay union would
            // introduce rounded intersection points and could still fail an exact ST_Covers).
            var geometries = TraceBands(ws, raster, levels, tolerance, opts.MinHoleAreaM2!.Value);
            if (!Nested(geometries))
            {
                geometries = TraceBands(ws, raster, levels, 0, opts.MinHoleAreaM2!.Value);
            }

            var bands = new IsochroneBand[levels.Length];
            for (var b = 0; b < levels.Length; b++)
            {
                var geometry = geometries[b];
                if (b > 0 && !geometry.Covers(geometries[b - 1]))
                {
                    geometry = geometries[b] = PolygonAssembler.UnionWith(geometry, geometries[b - 1], GeometryFactory);
                }

                bands[b] = new IsochroneBand(levels[b], geometry, geometry.Area * squareMetresPerSquareDegree / 1e6);
            }

            return new IsochroneResult(Graph.Version, mode, direction, origin, bands, raster.Cell, search.SettledCount);
        }
        finally
        {
            Return(ws);
        }
    }

    private static Geometry[] TraceBands(Workspace ws, TravelTimeRaster raster, double[] levels, double tolerance, double minHoleAreaM2)
    {
        var geometries = new Geometry[levels.Length];
        for (var b = 0; b < levels.Length; b++)
        {
            var seconds = levels[b] * 60;
            ws.Tracer.Trace(raster, seconds);
            var geometry = ws.Assembler.Assemble(ws.Tracer, raster.Projection, tolerance, minHoleAreaM2, GeometryFactory);
            geometries[b] = geometry.IsEmpty
                ? PolygonAssembler.Hull(raster.SamplesWithin(seconds), raster.Projection, raster.Cell, GeometryFactory)
                : geometry;
        }

        return geometries;
    }

    private static bool Nested(Geometry[] geometries)
    {
        for (var b = 1; b < geometries.Length; b++)
        {
            if (!geometries[b].Covers(geometries[b - 1]))
            {
                return false;
            }
        }

        return true;
    }

    private ReachResult ToReach(ShortestPathSearch search, SnapResult? origin, bool includeSpans)
    {
        var settled = search.Settled;
        var vertices = settled.ToArray();
        var seconds = new double[vertices.Length];
        for (var i = 0; i < vertices.Length; i++)
        {
            seconds[i] = search.Seconds(vertices[i]);
        }

        var spans = new List<ReachedSpan>();
        if (includeSpans)
        {
            var bound = search.BoundSeconds;
            var forward = search.Direction == SearchDirection.Forward;
            foreach (var u in vertices)
            {
                var tu = search.Seconds(u);
                foreach (var arc in Graph.Arcs(search.Mode, search.Direction, u))
                {
                    var walkAlong = forward ? arc.AlongGeometry : !arc.AlongGeometry;
                    AddSpan(spans, arc.Edge, walkAlong ? 0 : 1, walkAlong ? 1 : -1, tu, arc.Seconds, bound);
                }
            }

            if (origin is { } o)
            {
                var fwd = Graph.ForwardSeconds(search.Mode, o.Edge);
                var bwd = Graph.BackwardSeconds(search.Mode, o.Edge);
                if (!double.IsNaN(fwd))
                {
                    AddSpan(spans, o.Edge, o.Fraction, forward ? 1 : -1, 0, fwd, bound);
                }

                if (!double.IsNaN(bwd))
                {
                    AddSpan(spans, o.Edge, o.Fraction, forward ? -1 : 1, 0, bwd, bound);
                }
            }
        }

        return new ReachResult(search.Mode, search.Direction, search.BoundSeconds, vertices, seconds, spans.ToArray());
    }

    private static void AddSpan(List<ReachedSpan> spans, int edge, double s0, int dir, double t0, double seconds, double bound)
    {
        var room = dir > 0 ? 1 - s0 : s0;
        var reach = seconds > 0 ? Math.Min(room, (bound - t0) / seconds) : room;
        if (reach > 0)
        {
            spans.Add(new ReachedSpan(edge, s0, s0 + dir * reach, t0, t0 + reach * seconds));
        }
    }

    private void CheckPoint(in SnapResult point)
    {
        if ((uint)point.Edge >= (uint)Graph.EdgeCount || !(point.Fraction >= 0 && point.Fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(point), "The point is not on an edge of this graph.");
        }
    }

    private void CheckVertex(int vertex)
    {
        if ((uint)vertex >= (uint)Graph.VertexCount)
        {
            throw new ArgumentOutOfRangeException(nameof(vertex), "No such vertex in this graph.");
        }
    }

    private Workspace Rent() => _pool.TryTake(out var ws) ? ws : new Workspace();

    private void Return(Workspace ws) => _pool.Add(ws);

    private sealed class Workspace
    {
        public ShortestPathSearch Search { get; } = new();
        public TravelTimeRaster Raster { get; } = new();
        public ContourTracer Tracer { get; } = new();
        public PolygonAssembler Assembler { get; } = new();
    }
}
