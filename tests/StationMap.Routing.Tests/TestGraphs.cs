namespace StationMap.Routing.Tests;

/// <summary>Builds <see cref="GraphData"/> in code, with coordinates given in metres around a point in Chengdu.</summary>
internal sealed class TestGraphBuilder
{
    public static readonly LocalProjection Frame = new(104.06, 30.66);

    private readonly List<(double X, double Y)> _vertices = [];
    private readonly List<(int Source, int Target, float[] Forward, float[] Backward, (double X, double Y)[] Via)> _edges = [];

    public int AddVertex(double x, double y)
    {
        _vertices.Add((x, y));
        return _vertices.Count - 1;
    }

    public (double X, double Y) Vertex(int v) => _vertices[v];

    /// <summary>Adds an edge; seconds per mode (walk, e-bike, car), NaN = forbidden.</summary>
    public int AddEdge(int source, int target, float[] forward, float[] backward, params (double X, double Y)[] via)
    {
        _edges.Add((source, target, forward, backward, via));
        return _edges.Count - 1;
    }

    /// <summary>An edge whose seconds follow from its length and per-mode speeds in m/s (0 = forbidden).</summary>
    public int AddRoad(int source, int target, double[] speeds, bool oneWayForVehicles = false, params (double X, double Y)[] via)
    {
        var length = Length(source, target, via);
        var fwd = new float[TravelModes.Count];
        var bwd = new float[TravelModes.Count];
        for (var m = 0; m < TravelModes.Count; m++)
        {
            fwd[m] = speeds[m] > 0 ? (float)(length / speeds[m]) : float.NaN;
            bwd[m] = speeds[m] > 0 && !(oneWayForVehicles && m != (int)TravelMode.Walk) ? (float)(length / speeds[m]) : float.NaN;
        }

        return AddEdge(source, target, fwd, bwd, via);
    }

    public double Length(int source, int target, (double X, double Y)[] via)
    {
        var points = new List<(double X, double Y)> { _vertices[source] };
        points.AddRange(via);
        points.Add(_vertices[target]);
        var length = 0.0;
        for (var i = 1; i < points.Count; i++)
        {
            length += Math.Sqrt(Math.Pow(points[i].X - points[i - 1].X, 2) + Math.Pow(points[i].Y - points[i - 1].Y, 2));
        }

        return length;
    }

    public GraphData Build(long version = 1)
    {
        var offsets = new int[_edges.Count + 1];
        var lon = new List<double>();
        var lat = new List<double>();
        var fwd = new float[TravelModes.Count][];
        var bwd = new float[TravelModes.Count][];
        for (var m = 0; m < TravelModes.Count; m++)
        {
            fwd[m] = _edges.Select(e => e.Forward[m]).ToArray();
            bwd[m] = _edges.Select(e => e.Backward[m]).ToArray();
        }

        for (var e = 0; e < _edges.Count; e++)
        {
            var (s, t, _, _, via) = _edges[e];
            offsets[e] = lon.Count;
            foreach (var (x, y) in new[] { _vertices[s] }.Concat(via).Append(_vertices[t]))
            {
                lon.Add(Frame.Lon(x));
                lat.Add(Frame.Lat(y));
            }
        }

        offsets[_edges.Count] = lon.Count;
        return new GraphData
        {
            Version = version,
            VertexLon = _vertices.Select(v => Frame.Lon(v.X)).ToArray(),
            VertexLat = _vertices.Select(v => Frame.Lat(v.Y)).ToArray(),
            EdgeSource = _edges.Select(e => e.Source).ToArray(),
            EdgeTarget = _edges.Select(e => e.Target).ToArray(),
            EdgeLengthM = _edges.Select(e => (float)Length(e.Source, e.Target, e.Via)).ToArray(),
            ForwardSeconds = fwd,
            BackwardSeconds = bwd,
            GeometryOffsets = offsets,
            GeometryLon = lon.ToArray(),
            GeometryLat = lat.ToArray(),
        };
    }
}

internal static class TestGraphs
{
    /// <summary>Walk 5 km/h, e-bike 18 km/h, car 36 km/h, in m/s.</summary>
    public static readonly double[] CitySpeeds = [5 / 3.6, 18 / 3.6, 36 / 3.6];

    /// <summary>
    /// A square street grid of <paramref name="n"/> × <paramref name="n"/> vertices <paramref name="spacingM"/>
    /// apart, vertex (i, j) = i + j·n at (i·spacing, j·spacing). When <paramref name="riverFromColumn"/> is set,
    /// the streets between that column and the next are missing except at row <paramref name="bridgeRow"/>,
    /// and the columns beyond are shifted east by <paramref name="riverWidthM"/>.
    /// </summary>
    public static GraphData Grid(int n, double spacingM, int? riverFromColumn = null, double riverWidthM = 0, int bridgeRow = 0)
    {
        var b = new TestGraphBuilder();
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                var shift = riverFromColumn is { } c && i > c ? riverWidthM - spacingM : 0;
                b.AddVertex(i * spacingM + shift, j * spacingM);
            }
        }

        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                var v = i + j * n;
                if (i + 1 < n && !(riverFromColumn == i && j != bridgeRow))
                {
                    b.AddRoad(v, v + 1, CitySpeeds);
                }

                if (j + 1 < n)
                {
                    b.AddRoad(v, v + n, CitySpeeds);
                }
            }
        }

        return b.Build();
    }

    /// <summary>
    /// A small random directed multigraph: random positions in a 2 km square, parallel edges, self-loops,
    /// and per mode and direction a chance of being forbidden. Seconds are random, not tied to length.
    /// </summary>
    public static GraphData Random(int seed, int vertices, int edges)
    {
        var rng = new Random(seed);
        var b = new TestGraphBuilder();
        for (var v = 0; v < vertices; v++)
        {
            b.AddVertex(rng.NextDouble() * 2000, rng.NextDouble() * 2000);
        }

        for (var e = 0; e < edges; e++)
        {
            var s = rng.Next(vertices);
            var t = rng.Next(10) == 0 ? s : rng.Next(vertices);
            var fwd = new float[TravelModes.Count];
            var bwd = new float[TravelModes.Count];
            for (var m = 0; m < TravelModes.Count; m++)
            {
                fwd[m] = rng.Next(4) == 0 ? float.NaN : (float)(rng.NextDouble() * 120);
                bwd[m] = rng.Next(3) == 0 ? float.NaN : (float)(rng.NextDouble() * 120);
            }

            // Some edges bend, so that fractions by length differ from straight-line interpolation.
            var via = rng.Next(3) == 0
                ? new[] { (rng.NextDouble() * 2000, rng.NextDouble() * 2000) }
                : [];
            b.AddEdge(s, t, fwd, bwd, via);
        }

        return b.Build();
    }
}
