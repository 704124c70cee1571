namespace StationMap.Routing;

/// <summary>
/// A bounded Dijkstra over one mode and direction of a <see cref="RoutingGraph"/>, run in reusable arrays.
/// Per-vertex state is version-stamped, so starting a new search costs O(1) instead of clearing O(V)
/// arrays; the priority queue is a binary heap in two parallel arrays with lazy deletion (a vertex is
/// pushed again when improved, stale entries are skipped on pop). Times accumulate in double.
/// One instance serves one search at a time; <see cref="RoutingEngine"/> pools them across threads.
/// </summary>
internal sealed class ShortestPathSearch
{
    private double[] _dist = [];
    private int[] _label = [];
    private int[] _seen = [];
    private int[] _done = [];
    private int _stamp;
    private int[] _settled = [];
    private double[] _heapKey = new double[256];
    private int[] _heapVertex = new int[256];
    private int _heapCount;
    private double _bound;

    public RoutingGraph? Graph { get; private set; }
    public TravelMode Mode { get; private set; }
    public SearchDirection Direction { get; private set; }
    public double BoundSeconds => _bound;

    /// <summary>Vertices settled by the last search, in non-decreasing time order.</summary>
    public ReadOnlySpan<int> Settled => new(_settled, 0, SettledCount);

    public int SettledCount { get; private set; }

    public void Begin(RoutingGraph graph, TravelMode mode, SearchDirection direction, double boundSeconds)
    {
        if (double.IsNaN(boundSeconds) || boundSeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(boundSeconds), "The time bound must be zero or more seconds.");
        }

        var n = graph.VertexCount;
        if (_dist.Length < n)
        {
            _dist = new double[n];
            _label = new int[n];
            _seen = new int[n];
            _done = new int[n];
            _settled = new int[n];
            _stamp = 0;
        }

        if (_stamp == int.MaxValue)
        {
            Array.Clear(_seen);
            Array.Clear(_done);
            _stamp = 0;
        }

        _stamp++;
        Graph = graph;
        Mode = mode;
        Direction = direction;
        _bound = boundSeconds;
        _heapCount = 0;
        SettledCount = 0;
    }

    /// <summary>Adds a start vertex reached at <paramref name="seconds"/>, labelled with a source index.</summary>
    public void Seed(int vertex, double seconds, int label)
    {
        if (seconds <= _bound)
        {
            Improve(vertex, seconds, label);
        }
    }

    /// <summary>Seeds from a point on an edge: the partial edge to each end the direction allows.</summary>
    public void Seed(in SnapResult point, int label)
    {
        foreach (var (vertex, seconds) in PointSeeds(Graph!, Mode, Direction, point))
        {
            Seed(vertex, seconds, label);
        }
    }

    public void Run()
    {
        var (offsets, arcs) = Graph!.Adjacency(Mode, Direction);
        var stamp = _stamp;
        var dist = _dist;
        var done = _done;
        while (_heapCount > 0)
        {
            var t = _heapKey[0];
            var v = _heapVertex[0];
            Pop();
            if (done[v] == stamp || t > dist[v])
            {
                continue;
            }

            done[v] = stamp;
            _settled[SettledCount++] = v;
            var label = _label[v];
            for (var k = offsets[v]; k < offsets[v + 1]; k++)
            {
                var nt = t + arcs[k].Seconds;
                if (nt <= _bound)
                {
                    var w = arcs[k].Head;
                    if (done[w] != stamp)
                    {
                        Improve(w, nt, label);
                    }
                }
            }
        }
    }

    public bool IsReached(int vertex) => _done[vertex] == _stamp;

    /// <summary>Seconds of a settled vertex; +∞ when the last search did not reach it.</summary>
    public double Seconds(int vertex) => _done[vertex] == _stamp ? _dist[vertex] : double.PositiveInfinity;

    /// <summary>Source label of a settled vertex; -1 when unreached.</summary>
    public int Label(int vertex) => _done[vertex] == _stamp ? _label[vertex] : -1;

    /// <summary>
    /// Seconds between the search origin(s) and a point on an edge, via either end of its edge (the
    /// same-edge case is the caller's: it knows the origin). +∞ when neither end was reached in time.
    /// </summary>
    public (double Seconds, int Label) AtPoint(in SnapResult point)
    {
        // Forward search: continue from a reached end onto the point (as a reverse seed would); reverse
        // search: leave the point towards an end (as a forward seed would).
        var opposite = Direction == SearchDirection.Forward ? SearchDirection.Reverse : SearchDirection.Forward;
        var best = double.PositiveInfinity;
        var label = -1;
        foreach (var (vertex, seconds) in PointSeeds(Graph!, Mode, opposite, point))
        {
            if (IsReached(vertex) && _dist[vertex] + seconds < best)
            {
                best = _dist[vertex] + seconds;
                label = _label[vertex];
            }
        }

        return (best, label);
    }

    /// <summary>
    /// The (vertex, seconds) pairs joining a point on an edge to the graph. Forward: seconds from the point
    /// to each end it may travel to. Reverse: seconds from each end that may travel to the point.
    /// </summary>
    internal static SeedPair PointSeeds(RoutingGraph graph, TravelMode mode, SearchDirection direction, in SnapResult p)
    {
        var e = p.Edge;
        var f = p.Fraction;
        var fwd = graph.ForwardSeconds(mode, e);
        var bwd = graph.BackwardSeconds(mode, e);
        var src = graph.Data.EdgeSource[e];
        var tgt = graph.Data.EdgeTarget[e];
        return direction == SearchDirection.Forward
            ? new SeedPair(src, f * bwd, tgt, (1 - f) * fwd)
            : new SeedPair(src, f * fwd, tgt, (1 - f) * bwd);
    }

    /// <summary>
    /// Seconds from point <paramref name="from"/> to point <paramref name="to"/> along their shared edge
    /// without leaving it; +∞ when they are on different edges or the direction is forbidden.
    /// </summary>
    internal static double SameEdgeSeconds(RoutingGraph graph, TravelMode mode, in SnapResult from, in SnapResult to)
    {
        if (from.Edge != to.Edge)
        {
            return double.PositiveInfinity;
        }

        var delta = to.Fraction - from.Fraction;
        var seconds = delta >= 0 ? delta * graph.ForwardSeconds(mode, from.Edge) : -delta * graph.BackwardSeconds(mode, from.Edge);
        return double.IsNaN(seconds) ? double.PositiveInfinity : seconds;
    }

    private void Improve(int v, double t, int label)
    {
        if (_seen[v] != _stamp)
        {
            _seen[v] = _stamp;
        }
        else if (t >= _dist[v])
        {
            return;
        }

        _dist[v] = t;
        _label[v] = label;
        Push(t, v);
    }

    private void Push(double key, int v)
    {
        if (_heapCount == _heapKey.Length)
        {
            Array.Resize(ref _heapKey, _heapKey.Length * 2);
            Array.Resize(ref _heapVertex, _heapVertex.Length * 2);
        }

        var i = _heapCount++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (_heapKey[parent] <= key)
            {
                break;
            }

            _heapKey[i] = _heapKey[parent];
            _heapVertex[i] = _heapVertex[parent];
            i = parent;
        }

        _heapKey[i] = key;
        _heapVertex[i] = v;
    }

    private void Pop()
    {
        var n = --_heapCount;
        if (n == 0)
        {
            return;
        }

        var key = _heapKey[n];
        var v = _heapVertex[n];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && _heapKey[child + 1] < _heapKey[child])
            {
                child++;
            }

            if (_heapKey[child] >= key)
            {
                break;
            }

            _heapKey[i] = _heapKey[child];
            _heapVertex[i] = _heapVertex[child];
            i = child;
        }

        _heapKey[i] = key;
        _heapVertex[i] = v;
    }
}

/// <summary>Up to two (vertex, seconds) pairs; NaN seconds (a forbidden direction) are skipped.</summary>
internal readonly struct SeedPair(int v1, double s1, int v2, double s2)
{
    public Enumerator GetEnumerator() => new(this);

    internal struct Enumerator(SeedPair pair)
    {
        private int _i = -1;

        public readonly (int Vertex, double Seconds) Current => _i == 0 ? (pair.V1, pair.S1) : (pair.V2, pair.S2);

        public bool MoveNext()
        {
            while (++_i < 2)
            {
                if (!double.IsNaN(_i == 0 ? pair.S1 : pair.S2))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private int V1 => v1;
    private double S1 => s1;
    private int V2 => v2;
    private double S2 => s2;
}
