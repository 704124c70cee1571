namespace StationMap.Routing.Isochrones;

/// <summary>
/// Travel seconds on a regular grid of nodes in a local metric projection centred on the origin.
/// Reached road pieces are sampled every half cell and each sample lowers its nearest node to its time;
/// then an off-road margin spreads times sideways (distance / off-road speed, at most the margin), so the
/// inside of a city block between reached roads is reached while a river wider than the margin is not.
/// Nodes never reached hold +∞. Reused between queries (arrays only grow).
/// </summary>
internal sealed class TravelTimeRaster
{
    private float[] _sx = new float[1024], _sy = new float[1024], _st = new float[1024];
    private int _samples;
    private double[] _gx = new double[64], _gy = new double[64], _gc = new double[64];
    private double _minX, _minY, _maxX, _maxY;

    public float[] Field { get; private set; } = [];
    public int Nx { get; private set; }
    public int Ny { get; private set; }
    public double OriginX { get; private set; }
    public double OriginY { get; private set; }
    public double Cell { get; private set; }
    public LocalProjection Projection { get; private set; }
    public int SampleCount => _samples;

    /// <summary>Samples every road piece the search reached within its bound.</summary>
    public void Sample(RoutingGraph graph, ShortestPathSearch search, SnapResult? origin, double originLon, double originLat, double stepM)
    {
        Projection = new LocalProjection(originLon, originLat);
        _samples = 0;
        _minX = _minY = double.PositiveInfinity;
        _maxX = _maxY = double.NegativeInfinity;
        AddSample(0, 0, 0);

        var bound = search.BoundSeconds;
        var forward = search.Direction == SearchDirection.Forward;
        var mode = search.Mode;
        foreach (var u in search.Settled)
        {
            var tu = search.Seconds(u);
            foreach (var arc in graph.Arcs(mode, search.Direction, u))
            {
                // Walk from u's end of the edge towards the arc's other vertex. In a reverse search the
                // traversal runs towards u, so the walk is against the traversal.
                var walkAlong = forward ? arc.AlongGeometry : !arc.AlongGeometry;
                SamplePiece(graph, arc.Edge, walkAlong ? 0 : 1, walkAlong ? 1 : -1, tu, arc.Seconds, bound, stepM);
            }
        }

        if (origin is { } o)
        {
            // The start edge from the snapped point: forward search leaves it along (forward seconds) and
            // against (backward seconds) the geometry; reverse search arrives the other way round.
            var fwd = graph.ForwardSeconds(mode, o.Edge);
            var bwd = graph.BackwardSeconds(mode, o.Edge);
            if (!double.IsNaN(fwd))
            {
                SamplePiece(graph, o.Edge, o.Fraction, forward ? 1 : -1, 0, fwd, bound, stepM);
            }

            if (!double.IsNaN(bwd))
            {
                SamplePiece(graph, o.Edge, o.Fraction, forward ? -1 : 1, 0, bwd, bound, stepM);
            }
        }
    }

    /// <summary>Lays the samples on a grid and spreads the off-road margin.</summary>
    public void Rasterize(double cellM, double marginM, double offRoadMetresPerSecond, int maxNodes)
    {
        var cell = cellM;
        int nx, ny;
        double pad;
        while (true)
        {
            // Two empty rings of nodes beyond the margin keep every contour closed inside the grid.
            pad = marginM + 2 * cell;
            nx = (int)Math.Ceiling((_maxX - _minX + 2 * pad) / cell) + 1;
            ny = (int)Math.Ceiling((_maxY - _minY + 2 * pad) / cell) + 1;
            if ((long)nx * ny <= maxNodes)
            {
                break;
            }

            cell *= Math.Sqrt((double)nx * ny / maxNodes) * 1.02;
        }

        Cell = cell;
        Nx = nx;
        Ny = ny;
        OriginX = _minX - pad;
        OriginY = _minY - pad;
        var n = nx * ny;
        if (Field.Length < n)
        {
            Field = new float[Math.Max(n, Field.Length * 2)];
        }

        var field = Field;
        field.AsSpan(0, n).Fill(float.PositiveInfinity);
        var inv = 1 / cell;
        for (var k = 0; k < _samples; k++)
        {
            var i = (int)((_sx[k] - OriginX) * inv + 0.5);
            var j = (int)((_sy[k] - OriginY) * inv + 0.5);
            ref var slot = ref field[j * nx + i];
            if (_st[k] < slot)
            {
                slot = _st[k];
            }
        }

        if (marginM > 0)
        {
            SpreadOffRoad(marginM, offRoadMetresPerSecond);
        }
    }

    /// <summary>
    /// Two-pass chamfer propagation (Borgefors): each node takes min(own, neighbour + step / speed) while
    /// the off-road distance carried along stays within the margin. Off-road distances live in a scratch
    /// array; road nodes start at 0.
    /// </summary>
    private void SpreadOffRoad(double marginM, double speed)
    {
        int nx = Nx, ny = Ny, n = nx * ny;
        if (_off.Length < n)
        {
            _off = new float[Math.Max(n, _off.Length * 2)];
        }

        var f = Field;
        var d = _off;
        for (var k = 0; k < n; k++)
        {
            d[k] = float.IsPositiveInfinity(f[k]) ? float.PositiveInfinity : 0;
        }

        var straight = (float)Cell;
        var diagonal = (float)(Cell * Math.Sqrt(2));
        var straightT = (float)(Cell / speed);
        var diagonalT = (float)(Cell * Math.Sqrt(2) / speed);
        var margin = (float)marginM;

        for (var j = 1; j < ny - 1; j++)
        {
            var row = j * nx;
            for (var i = 1; i < nx - 1; i++)
            {
                var k = row + i;
                Relax(f, d, k, k - 1, straight, straightT, margin);
                Relax(f, d, k, k - nx - 1, diagonal, diagonalT, margin);
                Relax(f, d, k, k - nx, straight, straightT, margin);
                Relax(f, d, k, k - nx + 1, diagonal, diagonalT, margin);
            }
        }

        for (var j = ny - 2; j >= 1; j--)
        {
            var row = j * nx;
            for (var i = nx - 2; i >= 1; i--)
            {
                var k = row + i;
                Relax(f, d, k, k + 1, straight, straightT, margin);
                Relax(f, d, k, k + nx + 1, diagonal, diagonalT, margin);
                Relax(f, d, k, k + nx, straight, straightT, margin);
                Relax(f, d, k, k + nx - 1, diagonal, diagonalT, margin);
            }
        }
    }

    private float[] _off = [];

    private static void Relax(float[] f, float[] d, int k, int from, float step, float stepT, float margin)
    {
        var nd = d[from] + step;
        if (nd <= margin)
        {
            var nt = f[from] + stepT;
            if (nt < f[k] || (nt == f[k] && nd < d[k]))
            {
                f[k] = nt;
                d[k] = nd;
            }
        }
    }

    /// <summary>
    /// Samples edge fractions from <paramref name="s0"/> in direction <paramref name="dir"/> (+1 towards the
    /// target) at time t0 + seconds × |s − s0|, as far as the bound allows and no farther than the edge end.
    /// </summary>
    private void SamplePiece(RoutingGraph graph, int edge, double s0, int dir, double t0, double seconds, double bound, double stepM)
    {
        var room = dir > 0 ? 1 - s0 : s0;
        var reach = seconds > 0 ? Math.Min(room, (bound - t0) / seconds) : room;
        if (!(reach >= 0))
        {
            return;
        }

        var d = graph.Data;
        var first = d.GeometryOffsets[edge];
        var count = d.GeometryOffsets[edge + 1] - first;
        if (_gx.Length < count)
        {
            _gx = new double[count * 2];
            _gy = new double[count * 2];
            _gc = new double[count * 2];
        }

        var p = Projection;
        var length = 0.0;
        for (var k = 0; k < count; k++)
        {
            _gx[k] = p.X(d.GeometryLon[first + k]);
            _gy[k] = p.Y(d.GeometryLat[first + k]);
            if (k > 0)
            {
                var dx = _gx[k] - _gx[k - 1];
                var dy = _gy[k] - _gy[k - 1];
                length += Math.Sqrt(dx * dx + dy * dy);
            }

            _gc[k] = length;
        }

        if (length <= 0)
        {
            AddSample(_gx[0], _gy[0], (float)t0);
            return;
        }

        // Work in distance along the edge (metres); the piece covers [lo, hi].
        var a0 = s0 * length;
        var a1 = a0 + dir * reach * length;
        var lo = Math.Min(a0, a1);
        var hi = Math.Max(a0, a1);
        var perMetre = seconds / length;
        for (var k = 0; k < count - 1; k++)
        {
            var c0 = _gc[k];
            var c1 = _gc[k + 1];
            if (c1 < lo || c0 > hi)
            {
                continue;
            }

            var from = Math.Max(lo, c0);
            var to = Math.Min(hi, c1);
            var segLength = c1 - c0;
            var steps = Math.Max(1, (int)Math.Ceiling((to - from) / stepM));
            for (var i = 0; i <= steps; i++)
            {
                var a = from + (to - from) * i / steps;
                var u = segLength > 0 ? (a - c0) / segLength : 0;
                var x = _gx[k] + u * (_gx[k + 1] - _gx[k]);
                var y = _gy[k] + u * (_gy[k + 1] - _gy[k]);
                AddSample(x, y, (float)(t0 + perMetre * Math.Abs(a - a0)));
            }
        }
    }

    private void AddSample(double x, double y, float t)
    {
        if (_samples == _sx.Length)
        {
            Array.Resize(ref _sx, _samples * 2);
            Array.Resize(ref _sy, _samples * 2);
            Array.Resize(ref _st, _samples * 2);
        }

        _sx[_samples] = (float)x;
        _sy[_samples] = (float)y;
        _st[_samples] = t;
        _samples++;
        if (x < _minX) _minX = x;
        if (x > _maxX) _maxX = x;
        if (y < _minY) _minY = y;
        if (y > _maxY) _maxY = y;
    }

    /// <summary>Local coordinates of samples with time ≤ <paramref name="seconds"/> (for the hull fallback).</summary>
    public IEnumerable<(double X, double Y)> SamplesWithin(double seconds)
    {
        for (var k = 0; k < _samples; k++)
        {
            if (_st[k] <= seconds)
            {
                yield return (_sx[k], _sy[k]);
            }
        }
    }
}
