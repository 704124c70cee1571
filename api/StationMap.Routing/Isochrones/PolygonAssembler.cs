using NetTopologySuite.Algorithm.Hull;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace StationMap.Routing.Isochrones;

/// <summary>
/// Turns traced rings into a WGS-84 (Multi)Polygon: Douglas–Peucker per ring in local metres, holes below
/// the minimum area dropped, each remaining hole given to the smallest shell that contains it. The result
/// is checked with <see cref="Geometry.IsValid"/> and repaired with <see cref="GeometryFixer"/> only when
/// simplification made it invalid.
/// </summary>
internal sealed class PolygonAssembler
{
    private bool[] _keep = new bool[1024];
    private int[] _stack = new int[256];
    private readonly List<(Coordinate[] Ring, double Area, double Px, double Py, int Start, int Count)> _shells = [];
    private readonly List<(Coordinate[] Ring, double Px, double Py)> _holes = [];
    private double[] _sx = new double[1024], _sy = new double[1024];

    public Geometry Assemble(ContourTracer rings, LocalProjection projection, double toleranceM, double minHoleAreaM2, GeometryFactory factory)
    {
        _shells.Clear();
        _holes.Clear();
        var simplifiedTotal = 0;
        foreach (var (start, count) in rings.Rings)
        {
            if (count < 3)
            {
                continue;
            }

            var area = SignedArea(rings.X, rings.Y, start, count);
            if (area < 0 && -area < minHoleAreaM2)
            {
                continue;
            }

            // Simplified copies go to a scratch buffer; a ring that collapses keeps its traced points
            // (a shell must not vanish: it holds reached places).
            var kept = Simplify(rings.X, rings.Y, start, count, toleranceM);
            int s0;
            int n;
            if (kept >= 3)
            {
                s0 = simplifiedTotal;
                n = kept;
                EnsureScratch(simplifiedTotal + kept);
                var w = simplifiedTotal;
                for (var k = 0; k < count; k++)
                {
                    if (_keep[k])
                    {
                        _sx[w] = rings.X[start + k];
                        _sy[w] = rings.Y[start + k];
                        w++;
                    }
                }
            }
            else
            {
                if (area < 0)
                {
                    continue;
                }

                s0 = simplifiedTotal;
                n = count;
                EnsureScratch(simplifiedTotal + count);
                Array.Copy(rings.X, start, _sx, s0, count);
                Array.Copy(rings.Y, start, _sy, s0, count);
            }

            simplifiedTotal += n;
            var coords = new Coordinate[n + 1];
            for (var k = 0; k < n; k++)
            {
                coords[k] = new Coordinate(projection.Lon(_sx[s0 + k]), projection.Lat(_sy[s0 + k]));
            }

            coords[n] = coords[0].Copy();
            if (area > 0)
            {
                _shells.Add((coords, SignedArea(_sx, _sy, s0, n), _sx[s0], _sy[s0], s0, n));
            }
            else
            {
                _holes.Add((coords, _sx[s0], _sy[s0]));
            }
        }

        if (_shells.Count == 0)
        {
            return factory.CreatePolygon();
        }

        var holesOf = new List<LinearRing>[_shells.Count];
        foreach (var (ring, px, py) in _holes)
        {
            var owner = -1;
            for (var s = 0; s < _shells.Count; s++)
            {
                if ((owner < 0 || _shells[s].Area < _shells[owner].Area) && (_shells.Count == 1 || Contains(_shells[s].Start, _shells[s].Count, px, py)))
                {
                    owner = s;
                }
            }

            if (owner >= 0)
            {
                (holesOf[owner] ??= []).Add(factory.CreateLinearRing(ring));
            }
        }

        var polygons = new Polygon[_shells.Count];
        for (var s = 0; s < _shells.Count; s++)
        {
            polygons[s] = factory.CreatePolygon(factory.CreateLinearRing(_shells[s].Ring), holesOf[s]?.ToArray());
        }

        Geometry result = polygons.Length == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons);
        return result.IsValid ? result : Polygonal(GeometryFixer.Fix(result), factory);
    }

    /// <summary>Makes <paramref name="outer"/> cover <paramref name="inner"/> (band nesting).</summary>
    public static Geometry UnionWith(Geometry outer, Geometry inner, GeometryFactory factory)
    {
        if (inner.IsEmpty)
        {
            return outer;
        }

        var union = OverlayNGRobust.Overlay(outer, inner, SpatialFunction.Union);
        return Polygonal(union.IsValid ? union : GeometryFixer.Fix(union), factory);
    }

    /// <summary>
    /// The fallback when no contour could be traced: a concave hull of the reached samples, widened by half
    /// a cell so that it is an area even for collinear points.
    /// </summary>
    public static Geometry Hull(IEnumerable<(double X, double Y)> samples, LocalProjection projection, double cellM, GeometryFactory factory)
    {
        var points = samples.Select(s => factory.CreatePoint(new Coordinate(s.X, s.Y))).ToArray();
        if (points.Length == 0)
        {
            return factory.CreatePolygon();
        }

        var hull = ConcaveHull.ConcaveHullByLengthRatio(factory.CreateMultiPoint(points), 0.2).Buffer(cellM / 2);
        var toLonLat = new AffineTransformation()
            .Scale(1 / projection.MetresPerDegreeLon, 1 / projection.MetresPerDegreeLat)
            .Translate(projection.Lon0, projection.Lat0);
        return Polygonal(toLonLat.Transform(hull), factory);
    }

    /// <summary>Keeps only the polygonal parts, as a Polygon or MultiPolygon.</summary>
    public static Geometry Polygonal(Geometry g, GeometryFactory factory)
    {
        if (g is Polygon or MultiPolygon)
        {
            return g;
        }

        var parts = new List<Polygon>();
        for (var i = 0; i < g.NumGeometries; i++)
        {
            switch (g.GetGeometryN(i))
            {
                case Polygon p when !p.IsEmpty:
                    parts.Add(p);
                    break;
                case MultiPolygon mp:
                    parts.AddRange(mp.Geometries.Cast<Polygon>());
                    break;
            }
        }

        return parts.Count switch
        {
            0 => factory.CreatePolygon(),
            1 => parts[0],
            _ => factory.CreateMultiPolygon(parts.ToArray()),
        };
    }

    private void EnsureScratch(int size)
    {
        if (_sx.Length < size)
        {
            Array.Resize(ref _sx, Math.Max(size, _sx.Length * 2));
            Array.Resize(ref _sy, Math.Max(size, _sy.Length * 2));
        }
    }

    private bool Contains(int start, int count, double px, double py)
    {
        var inside = false;
        for (int i = 0, j = count - 1; i < count; j = i++)
        {
            double xi = _sx[start + i], yi = _sy[start + i], xj = _sx[start + j], yj = _sy[start + j];
            if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private static double SignedArea(double[] x, double[] y, int start, int count)
    {
        var sum = 0.0;
        for (int i = 0, j = count - 1; i < count; j = i++)
        {
            sum += (x[start + j] - x[start]) * (y[start + i] - y[start]) - (x[start + i] - x[start]) * (y[start + j] - y[start]);
        }

        return sum / 2;
    }

    /// <summary>
    /// Douglas–Peucker on a closed ring: split at point 0 and the point farthest from it, then keep points
    /// farther than the tolerance from the chord of their span. Marks <see cref="_keep"/>; returns the count.
    /// </summary>
    private int Simplify(double[] x, double[] y, int start, int count, double tolerance)
    {
        if (_keep.Length < count)
        {
            _keep = new bool[Math.Max(count, _keep.Length * 2)];
        }

        if (tolerance <= 0)
        {
            // Unsimplified: every traced point stays, so bands traced from one raster stay exactly nested.
            Array.Fill(_keep, true, 0, count);
            return count;
        }

        Array.Clear(_keep, 0, count);
        var far = 0;
        var farD = -1.0;
        for (var k = 1; k < count; k++)
        {
            var dx = x[start + k] - x[start];
            var dy = y[start + k] - y[start];
            var d = dx * dx + dy * dy;
            if (d > farD)
            {
                farD = d;
                far = k;
            }
        }

        _keep[0] = true;
        _keep[far] = true;
        var top = 0;
        Push(ref top, 0, far);
        Push(ref top, far, count); // index count stands for point 0 closing the ring
        var tol2 = tolerance * tolerance;
        while (top > 0)
        {
            var hi = _stack[--top];
            var lo = _stack[--top];
            if (hi - lo < 2)
            {
                continue;
            }

            double ax = x[start + lo], ay = y[start + lo];
            var hiIndex = hi == count ? 0 : hi;
            double bx = x[start + hiIndex], by = y[start + hiIndex];
            double dx = bx - ax, dy = by - ay;
            var len2 = dx * dx + dy * dy;
            var best = -1;
            var bestD = tol2;
            for (var k = lo + 1; k < hi; k++)
            {
                double px = x[start + k] - ax, py = y[start + k] - ay;
                double d;
                if (len2 > 0)
                {
                    var cross = px * dy - py * dx;
                    d = cross * cross / len2;
                }
                else
                {
                    d = px * px + py * py;
                }

                if (d > bestD)
                {
                    bestD = d;
                    best = k;
                }
            }

            if (best >= 0)
            {
                _keep[best] = true;
                Push(ref top, lo, best);
                Push(ref top, best, hi);
            }
        }

        var kept = 0;
        for (var k = 0; k < count; k++)
        {
            if (_keep[k])
            {
                kept++;
            }
        }

        return kept;
    }

    private void Push(ref int top, int lo, int hi)
    {
        if (top + 2 > _stack.Length)
        {
            Array.Resize(ref _stack, _stack.Length * 2);
        }

        _stack[top++] = lo;
        _stack[top++] = hi;
    }
}
