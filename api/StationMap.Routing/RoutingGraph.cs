namespace StationMap.Routing;

/// <summary>
/// One directed traversal of an edge in an adjacency list. In the forward lists of vertex <c>u</c> it means
/// "u → <see cref="Head"/>"; in the reverse lists of vertex <c>v</c> it means "<see cref="Head"/> → v".
/// 12 bytes, stored contiguously per vertex.
/// </summary>
public readonly struct Arc
{
    private readonly int _edgeAndDirection;

    internal Arc(int head, int edge, bool alongGeometry, float seconds)
    {
        Head = head;
        _edgeAndDirection = (edge << 1) | (alongGeometry ? 0 : 1);
        Seconds = seconds;
    }

    /// <summary>The vertex at the other end of the traversal.</summary>
    public int Head { get; }

    /// <summary>Travel seconds of the whole edge in this direction.</summary>
    public float Seconds { get; }

    public int Edge => _edgeAndDirection >> 1;

    /// <summary>True when the traversal runs source → target, i.e. along the stored edge geometry.</summary>
    public bool AlongGeometry => (_edgeAndDirection & 1) == 0;
}

/// <summary>
/// The in-memory road graph of one graph version: per travel mode a compressed sparse row (CSR) adjacency
/// for the forward direction (arcs leaving a vertex) and the reverse direction (arcs arriving at a vertex).
/// Forbidden directions (NaN or infinite seconds) are left out, so a search never tests them.
/// Immutable after construction and safe to share between threads. It keeps references to the arrays of
/// the <see cref="GraphData"/> it was built from (coordinates and geometry are not copied): the caller must
/// not modify them afterwards.
/// </summary>
public sealed class RoutingGraph
{
    private readonly int[][] _offsets; // [mode * 2 + direction][vertex]
    private readonly Arc[][] _arcs;

    public RoutingGraph(GraphData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data);
        Data = data;
        _offsets = new int[TravelModes.Count * 2][];
        _arcs = new Arc[TravelModes.Count * 2][];
        foreach (var mode in TravelModes.All)
        {
            Build(data, mode, SearchDirection.Forward);
            Build(data, mode, SearchDirection.Reverse);
        }

        double minLon = double.PositiveInfinity, maxLon = double.NegativeInfinity;
        double minLat = double.PositiveInfinity, maxLat = double.NegativeInfinity;
        for (var i = 0; i < data.GeometryLon.Length; i++)
        {
            minLon = Math.Min(minLon, data.GeometryLon[i]);
            maxLon = Math.Max(maxLon, data.GeometryLon[i]);
            minLat = Math.Min(minLat, data.GeometryLat[i]);
            maxLat = Math.Max(maxLat, data.GeometryLat[i]);
        }

        for (var v = 0; v < data.VertexCount; v++)
        {
            minLon = Math.Min(minLon, data.VertexLon[v]);
            maxLon = Math.Max(maxLon, data.VertexLon[v]);
            minLat = Math.Min(minLat, data.VertexLat[v]);
            maxLat = Math.Max(maxLat, data.VertexLat[v]);
        }

        Bounds = data.VertexCount == 0 ? (0, 0, 0, 0) : (minLon, minLat, maxLon, maxLat);
        Projection = new LocalProjection((Bounds.MinLon + Bounds.MaxLon) / 2, (Bounds.MinLat + Bounds.MaxLat) / 2);
    }

    public GraphData Data { get; }

    public long Version => Data.Version;

    public int VertexCount => Data.VertexCount;

    public int EdgeCount => Data.EdgeCount;

    /// <summary>WGS-84 bounding box of all vertices and edge geometry.</summary>
    public (double MinLon, double MinLat, double MaxLon, double MaxLat) Bounds { get; }

    /// <summary>A metric projection centred on <see cref="Bounds"/>, used by the edge index.</summary>
    public LocalProjection Projection { get; }

    /// <summary>
    /// Arcs of <paramref name="vertex"/> for a search in <paramref name="direction"/>: leaving it (forward)
    /// or arriving at it (reverse, <see cref="Arc.Head"/> is then the tail).
    /// </summary>
    public ReadOnlySpan<Arc> Arcs(TravelMode mode, SearchDirection direction, int vertex)
    {
        var k = Slot(mode, direction);
        var offsets = _offsets[k];
        return new ReadOnlySpan<Arc>(_arcs[k], offsets[vertex], offsets[vertex + 1] - offsets[vertex]);
    }

    internal (int[] Offsets, Arc[] Arcs) Adjacency(TravelMode mode, SearchDirection direction)
    {
        var k = Slot(mode, direction);
        return (_offsets[k], _arcs[k]);
    }

    /// <summary>Seconds to traverse <paramref name="edge"/> source → target, or NaN when forbidden.</summary>
    public double ForwardSeconds(TravelMode mode, int edge) => Clean(Data.ForwardSeconds[(int)mode][edge]);

    /// <summary>Seconds to traverse <paramref name="edge"/> target → source, or NaN when forbidden.</summary>
    public double BackwardSeconds(TravelMode mode, int edge) => Clean(Data.BackwardSeconds[(int)mode][edge]);

    /// <summary>True when the mode may use the edge in at least one direction.</summary>
    public bool IsUsable(TravelMode mode, int edge) =>
        Allowed(Data.ForwardSeconds[(int)mode][edge]) || Allowed(Data.BackwardSeconds[(int)mode][edge]);

    /// <summary>Approximate managed memory held by the adjacency arrays, in bytes.</summary>
    public long AdjacencyBytes
    {
        get
        {
            long total = 0;
            for (var k = 0; k < _arcs.Length; k++)
            {
                total += (long)_offsets[k].Length * sizeof(int) + (long)_arcs[k].Length * 12;
            }

            return total;
        }
    }

    private static bool Allowed(float seconds) => float.IsFinite(seconds);

    private static double Clean(float seconds) => float.IsFinite(seconds) ? seconds : double.NaN;

    private static int Slot(TravelMode mode, SearchDirection direction)
    {
        if ((uint)mode >= TravelModes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(mode));
        }

        return (int)mode * 2 + (int)direction;
    }

    private void Build(GraphData data, TravelMode mode, SearchDirection direction)
    {
        var fwd = data.ForwardSeconds[(int)mode];
        var bwd = data.BackwardSeconds[(int)mode];
        var src = data.EdgeSource;
        var tgt = data.EdgeTarget;
        var n = data.VertexCount;
        var reverse = direction == SearchDirection.Reverse;

        // Counting pass, then a fill pass: two linear sweeps, no per-vertex lists.
        var offsets = new int[n + 1];
        for (var e = 0; e < src.Length; e++)
        {
            // Forward lists are keyed by the tail of the traversal, reverse lists by its head.
            if (Allowed(fwd[e]))
            {
                offsets[(reverse ? tgt[e] : src[e]) + 1]++;
            }

            if (Allowed(bwd[e]))
            {
                offsets[(reverse ? src[e] : tgt[e]) + 1]++;
            }
        }

        for (var v = 0; v < n; v++)
        {
            offsets[v + 1] += offsets[v];
        }

        var arcs = new Arc[offsets[n]];
        var fill = new int[n];
        Array.Copy(offsets, fill, n);
        for (var e = 0; e < src.Length; e++)
        {
            if (Allowed(fwd[e]))
            {
                if (reverse)
                {
                    arcs[fill[tgt[e]]++] = new Arc(src[e], e, alongGeometry: true, fwd[e]);
                }
                else
                {
                    arcs[fill[src[e]]++] = new Arc(tgt[e], e, alongGeometry: true, fwd[e]);
                }
            }

            if (Allowed(bwd[e]))
            {
                if (reverse)
                {
                    arcs[fill[src[e]]++] = new Arc(tgt[e], e, alongGeometry: false, bwd[e]);
                }
                else
                {
                    arcs[fill[tgt[e]]++] = new Arc(src[e], e, alongGeometry: false, bwd[e]);
                }
            }
        }

        var k = Slot(mode, direction);
        _offsets[k] = offsets;
        _arcs[k] = arcs;
    }

    private static void Validate(GraphData d)
    {
        int v = d.VertexCount, e = d.EdgeCount;
        Require(d.VertexLat.Length == v, "VertexLat must have one entry per vertex.");
        Require(d.EdgeTarget.Length == e && d.EdgeLengthM.Length == e, "Edge arrays must have one entry per edge.");
        Require(e < (1 << 30), "Too many edges.");
        Require(d.ForwardSeconds.Length == TravelModes.Count && d.BackwardSeconds.Length == TravelModes.Count,
            "Seconds arrays must have one row per travel mode.");
        foreach (var row in d.ForwardSeconds.Concat(d.BackwardSeconds))
        {
            Require(row.Length == e, "Seconds rows must have one entry per edge.");
            foreach (var s in row)
            {
                Require(!(s < 0), "Travel seconds must not be negative.");
            }
        }

        Require(d.GeometryOffsets.Length == e + 1 && (e == 0 || d.GeometryOffsets[0] == 0), "GeometryOffsets must have edge count + 1 entries starting at 0.");
        Require(d.GeometryLon.Length == d.GeometryLat.Length, "Geometry coordinate arrays must have equal length.");
        Require(d.GeometryOffsets[e] == d.GeometryLon.Length, "The last geometry offset must equal the point count.");
        for (var i = 0; i < e; i++)
        {
            Require((uint)d.EdgeSource[i] < (uint)v && (uint)d.EdgeTarget[i] < (uint)v, $"Edge {i} refers to a missing vertex.");
            Require(d.GeometryOffsets[i + 1] - d.GeometryOffsets[i] >= 2, $"Edge {i} needs at least two geometry points.");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, "data");
        }
    }
}
