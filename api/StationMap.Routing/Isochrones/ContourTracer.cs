namespace StationMap.Routing.Isochrones;

/// <summary>
/// Marching squares over a <see cref="TravelTimeRaster"/>: traces the boundary of {node time ≤ level} as
/// closed rings with the region on the left (shells counter-clockwise, holes clockwise). Crossings are
/// interpolated linearly on grid edges and kept strictly inside each edge, so rings never touch; saddles
/// are resolved by the cell-centre mean. For levels a ≤ b the traced regions are nested, because every
/// crossing moves monotonically towards the outside node as the level rises.
/// </summary>
internal sealed class ContourTracer
{
    // Keeps crossings off grid nodes so that distinct rings never share a point.
    private const double EdgeInset = 0.01;

    private int[] _next = [];
    private int[] _starts = new int[1024];
    private int _startCount;

    /// <summary>Ring points in local metres, rings stored back to back (not closed).</summary>
    public double[] X = new double[1024];
    public double[] Y = new double[1024];

    /// <summary>Start index and point count of each ring.</summary>
    public readonly List<(int Start, int Count)> Rings = [];

    public void Trace(TravelTimeRaster raster, double level)
    {
        int nx = raster.Nx, ny = raster.Ny;
        var f = raster.Field;
        var needed = 2 * nx * ny;
        if (_next.Length < needed)
        {
            _next = new int[Math.Max(needed, _next.Length * 2)];
            Array.Fill(_next, -1);
        }

        // Normally every link was consumed by the previous trace; this only matters after an exception.
        for (var s = 0; s < _startCount; s++)
        {
            _next[_starts[s]] = -1;
        }

        Rings.Clear();
        _startCount = 0;
        var lv = (float)level;
        for (var j = 0; j < ny - 1; j++)
        {
            var row = j * nx;
            for (var i = 0; i < nx - 1; i++)
            {
                var a = row + i;
                float fa = f[a], fb = f[a + 1], fc = f[a + nx + 1], fd = f[a + nx];
                var code = (fa <= lv ? 1 : 0) | (fb <= lv ? 2 : 0) | (fc <= lv ? 4 : 0) | (fd <= lv ? 8 : 0);
                if (code == 0 || code == 15)
                {
                    continue;
                }

                // Square edges counter-clockwise from corner k to corner k+1: bottom, right, top, left.
                var e0 = 2 * a;
                var e1 = 2 * (a + 1) + 1;
                var e2 = 2 * (a + nx);
                var e3 = 2 * a + 1;
                if (code == 5 || code == 10)
                {
                    // Saddle: with the centre inside, the two inside corners join and each exit turns to the
                    // next entry counter-clockwise; otherwise each inside corner is cut off on its own.
                    var joined = (fa + fb + fc + fd) * 0.25f <= lv;
                    if (code == 5)
                    {
                        // a and c inside: exits on edges 0 and 2, entries on 1 and 3.
                        Link(e0, joined ? e1 : e3);
                        Link(e2, joined ? e3 : e1);
                    }
                    else
                    {
                        // b and d inside: exits on edges 1 and 3, entries on 2 and 0.
                        Link(e1, joined ? e2 : e0);
                        Link(e3, joined ? e0 : e2);
                    }

                    continue;
                }

                // One run of inside corners: leave it at the exit edge (inside → outside going
                // counter-clockwise) and close it at the entry edge (outside → inside).
                int exit = -1, entry = -1;
                bool ia = (code & 1) != 0, ib = (code & 2) != 0, ic = (code & 4) != 0, id = (code & 8) != 0;
                if (ia && !ib) exit = e0; else if (!ia && ib) entry = e0;
                if (ib && !ic) exit = e1; else if (!ib && ic) entry = e1;
                if (ic && !id) exit = e2; else if (!ic && id) entry = e2;
                if (id && !ia) exit = e3; else if (!id && ia) entry = e3;
                Link(exit, entry);
            }
        }

        // Follow the links; each consumed link is reset so the array is clean for the next level.
        var total = 0;
        for (var s = 0; s < _startCount; s++)
        {
            var start = _starts[s];
            if (_next[start] < 0)
            {
                continue;
            }

            var ringStart = total;
            var cur = start;
            do
            {
                if (total == X.Length)
                {
                    Array.Resize(ref X, total * 2);
                    Array.Resize(ref Y, total * 2);
                }

                (X[total], Y[total]) = Crossing(raster, cur, lv);
                total++;
                var nxt = _next[cur];
                _next[cur] = -1;
                cur = nxt;
            }
            while (cur != start && cur >= 0);

            Rings.Add((ringStart, total - ringStart));
        }
    }

    private void Link(int from, int to)
    {
        _next[from] = to;
        if (_startCount == _starts.Length)
        {
            Array.Resize(ref _starts, _startCount * 2);
        }

        _starts[_startCount++] = from;
    }

    /// <summary>The interpolated crossing on grid edge <paramref name="id"/> (node index × 2, +1 = vertical).</summary>
    private static (double X, double Y) Crossing(TravelTimeRaster raster, int id, float level)
    {
        var node = id >> 1;
        var vertical = (id & 1) != 0;
        var other = vertical ? node + raster.Nx : node + 1;
        var f1 = raster.Field[node];
        var f2 = raster.Field[other];
        double t;
        if (float.IsPositiveInfinity(f1))
        {
            t = 1 - EdgeInset;
        }
        else if (float.IsPositiveInfinity(f2))
        {
            t = EdgeInset;
        }
        else
        {
            t = Math.Clamp((level - (double)f1) / ((double)f2 - f1), EdgeInset, 1 - EdgeInset);
        }

        var i = node % raster.Nx;
        var j = node / raster.Nx;
        var x = raster.OriginX + (vertical ? i : i + t) * raster.Cell;
        var y = raster.OriginY + (vertical ? j + t : j) * raster.Cell;
        return (x, y);
    }
}
