namespace StationMap.Routing;

/// <summary>
/// Where a query point meets the road network: a position on an edge.
/// <see cref="Fraction"/> runs 0 at the edge's source to 1 at its target, by length along the geometry.
/// </summary>
public readonly record struct SnapResult(int Edge, double Fraction, double Lon, double Lat, double DistanceM);

/// <summary>
/// Finds the nearest edge segment to a point. A uniform grid over all geometry segments in the graph's
/// metric projection (cell ≈ mean segment spacing): each segment is listed in every cell it passes
/// through, and a query scans square rings of cells outwards until no unscanned cell can hold anything
/// nearer. Immutable and thread-safe once built; a query allocates nothing.
/// </summary>
public sealed class EdgeSnapper
{
    private readonly RoutingGraph _graph;
    private readonly float[] _x; // projected geometry points, metres (graph projection)
    private readonly float[] _y;
    private readonly int[] _cellStart;
    private readonly int[] _cellSegments; // segment id = index of its first point in the geometry arrays
    private readonly double _minX, _minY, _cell;
    private readonly int _nx, _ny;

    public EdgeSnapper(RoutingGraph graph, double? cellSizeM = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
        var d = graph.Data;
        var p = graph.Projection;
        var n = d.GeometryLon.Length;
        _x = new float[n];
        _y = new float[n];
        double minX = 0, minY = 0, maxX = 0, maxY = 0;
        for (var i = 0; i < n; i++)
        {
            var x = p.X(d.GeometryLon[i]);
            var y = p.Y(d.GeometryLat[i]);
            _x[i] = (float)x;
            _y[i] = (float)y;
            if (i == 0)
            {
                minX = maxX = x;
                minY = maxY = y;
            }
            else
            {
                minX = Math.Min(minX, x);
                maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y);
                maxY = Math.Max(maxY, y);
            }
        }

        var segments = Math.Max(1, n - d.EdgeCount);
        var area = Math.Max(1.0, (maxX - minX) * (maxY - minY));
        _cell = cellSizeM ?? Math.Clamp(Math.Sqrt(area / segments) * 1.5, 20, 2000);
        _minX = minX - _cell;
        _minY = minY - _cell;
        _nx = Math.Max(1, (int)Math.Ceiling((maxX - _minX) / _cell) + 2);
        _ny = Math.Max(1, (int)Math.Ceiling((maxY - _minY) / _cell) + 2);
        if ((long)_nx * _ny > 50_000_000)
        {
            throw new ArgumentException("The snap grid would be too large; pass a larger cell size.", nameof(cellSizeM));
        }

        // Two passes over all segments: count per cell, then fill (CSR layout).
        _cellStart = new int[_nx * _ny + 1];
        ForEachSegmentCell(d, (cell, _) => _cellStart[cell + 1]++);
        for (var c = 0; c < _nx * _ny; c++)
        {
            _cellStart[c + 1] += _cellStart[c];
        }

        _cellSegments = new int[_cellStart[^1]];
        var fill = new int[_nx * _ny];
        Array.Copy(_cellStart, fill, fill.Length);
        ForEachSegmentCell(d, (cell, seg) => _cellSegments[fill[cell]++] = seg);
    }

    public double CellSizeM => _cell;

    /// <summary>
    /// Snaps (<paramref name="lon"/>, <paramref name="lat"/>) to the nearest edge the mode may use in at least
    /// one direction, no farther than <paramref name="maxDistanceM"/>; null when there is none.
    /// </summary>
    public SnapResult? Snap(double lon, double lat, TravelMode mode, double maxDistanceM) =>
        TrySnap(lon, lat, mode, maxDistanceM, out var result) ? result : null;

    public bool TrySnap(double lon, double lat, TravelMode mode, double maxDistanceM, out SnapResult result)
    {
        result = default;
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || _cellSegments.Length == 0 || !(maxDistanceM >= 0))
        {
            return false;
        }

        var p = _graph.Projection;
        var qx = p.X(lon);
        var qy = p.Y(lat);

        // Distances are measured with the east-west scale of the query's latitude, not the graph centre's.
        var sx = Math.Cos(lat * Math.PI / 180) / Math.Cos(p.Lat0 * Math.PI / 180);
        var ringScale = _cell * Math.Min(1.0, sx);
        var ci = (long)Math.Clamp(Math.Floor((qx - _minX) / _cell), -1e9, 1e9);
        var cj = (long)Math.Clamp(Math.Floor((qy - _minY) / _cell), -1e9, 1e9);
        var maxRing = (long)Math.Max(_nx, _ny) + Math.Max(Math.Abs((long)ci), Math.Abs((long)cj));
        var ringsForDistance = maxDistanceM / ringScale + 1;
        var ringLimit = ringsForDistance >= maxRing ? maxRing : (long)Math.Ceiling(ringsForDistance);

        var bestD2 = maxDistanceM * maxDistanceM;
        var bestSeg = -1;
        var bestT = 0.0;
        var found = false;
        // Rings that miss the grid entirely (a query far outside the network) are skipped.
        var firstRing = Math.Max(Math.Max(0, Math.Max(-ci, ci - (_nx - 1))), Math.Max(-cj, cj - (_ny - 1)));
        for (var r = firstRing; r <= ringLimit; r++)
        {
            // Everything not yet scanned lies at least (r - 1) cells away.
            if (found && (r - 1) * ringScale > Math.Sqrt(bestD2))
            {
                break;
            }

            long jLo = Math.Max(0, cj - r), jHi = Math.Min(_ny - 1, (long)cj + r);
            for (var j = jLo; j <= jHi; j++)
            {
                if (j == cj - r || j == cj + r)
                {
                    long iLo = Math.Max(0, ci - r), iHi = Math.Min(_nx - 1, (long)ci + r);
                    for (var i = iLo; i <= iHi; i++)
                    {
                        ScanCell((int)(j * _nx + i), qx, qy, sx, mode, ref bestD2, ref bestSeg, ref bestT, ref found);
                    }
                }
                else
                {
                    if (ci - r >= 0 && ci - r < _nx)
                    {
                        ScanCell((int)(j * _nx + ci - r), qx, qy, sx, mode, ref bestD2, ref bestSeg, ref bestT, ref found);
                    }

                    if ((long)ci + r >= 0 && (long)ci + r < _nx)
                    {
                        ScanCell((int)(j * _nx + ci + r), qx, qy, sx, mode, ref bestD2, ref bestSeg, ref bestT, ref found);
                    }
                }
            }
        }

        if (!found)
        {
            return false;
        }

        result = Describe(bestSeg, bestT, Math.Sqrt(bestD2), sx);
        return true;
    }

    private void ScanCell(int cell, double qx, double qy, double sx, TravelMode mode,
        ref double bestD2, ref int bestSeg, ref double bestT, ref bool found)
    {
        for (var k = _cellStart[cell]; k < _cellStart[cell + 1]; k++)
        {
            var s = _cellSegments[k];
            double ax = _x[s] * sx, ay = _y[s], bx = _x[s + 1] * sx, by = _y[s + 1];
            double px = qx * sx, py = qy;
            double dx = bx - ax, dy = by - ay;
            var len2 = dx * dx + dy * dy;
            var t = len2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
            double ex = ax + t * dx - px, ey = ay + t * dy - py;
            var d2 = ex * ex + ey * ey;

            // Ties go to the lower segment id so that results do not depend on scan order.
            if (d2 < bestD2 || (d2 == bestD2 && (!found || s < bestSeg)))
            {
                if (!_graph.IsUsable(mode, EdgeOf(s)))
                {
                    continue;
                }

                bestD2 = d2;
                bestSeg = s;
                bestT = t;
                found = true;
            }
        }
    }

    private SnapResult Describe(int segment, double t, double distanceM, double sx)
    {
        var d = _graph.Data;
        var edge = EdgeOf(segment);
        int first = d.GeometryOffsets[edge], end = d.GeometryOffsets[edge + 1];
        double before = 0, total = 0;
        for (var i = first; i < end - 1; i++)
        {
            var dx = (_x[i + 1] - (double)_x[i]) * sx;
            var dy = _y[i + 1] - (double)_y[i];
            var len = Math.Sqrt(dx * dx + dy * dy);
            if (i < segment)
            {
                before += len;
            }
            else if (i == segment)
            {
                before += t * len;
            }

            total += len;
        }

        var fraction = total > 0 ? Math.Clamp(before / total, 0, 1) : 0;
        var lon = d.GeometryLon[segment] + t * (d.GeometryLon[segment + 1] - d.GeometryLon[segment]);
        var lat = d.GeometryLat[segment] + t * (d.GeometryLat[segment + 1] - d.GeometryLat[segment]);
        return new SnapResult(edge, fraction, lon, lat, distanceM);
    }

    private int EdgeOf(int segment)
    {
        // The last edge whose first point is at or before the segment's first point.
        var offsets = _graph.Data.GeometryOffsets;
        int lo = 0, hi = offsets.Length - 2;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (offsets[mid] <= segment)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    private void ForEachSegmentCell(GraphData d, Action<int, int> visit)
    {
        // A segment is listed in every cell of its bounding box whose square could touch it: the distance
        // from the cell centre to the segment is at most half the cell diagonal.
        var halfDiagonal = _cell * Math.Sqrt(0.5) + 1e-6;
        for (var e = 0; e < d.EdgeCount; e++)
        {
            for (var s = d.GeometryOffsets[e]; s < d.GeometryOffsets[e + 1] - 1; s++)
            {
                double ax = _x[s], ay = _y[s], bx = _x[s + 1], by = _y[s + 1];
                var i0 = (int)Math.Floor((Math.Min(ax, bx) - _minX) / _cell);
                var i1 = (int)Math.Floor((Math.Max(ax, bx) - _minX) / _cell);
                var j0 = (int)Math.Floor((Math.Min(ay, by) - _minY) / _cell);
                var j1 = (int)Math.Floor((Math.Max(ay, by) - _minY) / _cell);
                var small = i1 - i0 <= 1 && j1 - j0 <= 1;
                for (var j = j0; j <= j1; j++)
                {
                    for (var i = i0; i <= i1; i++)
                    {
                        if (small || SegmentDistance(ax, ay, bx, by, _minX + (i + 0.5) * _cell, _minY + (j + 0.5) * _cell) <= halfDiagonal)
                        {
                            visit(j * _nx + i, s);
                        }
                    }
                }
            }
        }
    }

    private static double SegmentDistance(double ax, double ay, double bx, double by, double px, double py)
    {
        double dx = bx - ax, dy = by - ay;
        var len2 = dx * dx + dy * dy;
        var t = len2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
        double ex = ax + t * dx - px, ey = ay + t * dy - py;
        return Math.Sqrt(ex * ex + ey * ey);
    }
}
