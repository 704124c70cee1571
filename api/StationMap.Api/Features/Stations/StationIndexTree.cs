using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// An immutable view of the live stations: a k-d tree over the stations' unit vectors (3-D, so
/// the antimeridian and the poles need no special case) built at some generation, plus the records
/// added since (scanned linearly). A tree entry replaced or deleted at generation g has
/// <see cref="StationIndexRecord.SupersededAt"/> = g and is skipped by snapshots from g on.
/// </summary>
internal sealed class StationIndexSnapshot(long generation, StationKdTree tree, StationIndexRecord[] added, int count)
{
    public long Generation { get; } = generation;
    public StationKdTree Tree { get; } = tree;
    public StationIndexRecord[] Added { get; } = added;
    /// <summary>Live stations in this snapshot.</summary>
    public int Count { get; } = count;

    public bool IsLive(StationIndexRecord r) => r.SupersededAt > Generation;
}

/// <summary>
/// What a nearest query asks for (WGS-84 origin; masks from <see cref="StationIndexRecord"/>). The
/// service filter is on when <see cref="ServiceMask"/> names kinds (any-of) or <see cref="ServiceWhen"/> is not Any.
/// </summary>
internal readonly record struct NearestRequest(
    double Lon, double Lat, int Limit, int AmenityMask, int TierMask, bool OpenNow, double? MaxDistance, OpenAt At,
    int ServiceMask = 0, ServiceWhen ServiceWhen = ServiceWhen.Any, Func<long, bool>? Exclude = null)
{
    public bool FiltersServices => ServiceMask != 0 || ServiceWhen != ServiceWhen.Any;
}

internal sealed class StationKdTree
{
    const int LeafSize = 12;
    readonly double[] _x, _y, _z;
    readonly StationIndexRecord[] _records;
    // Per node: [start, end) into the point arrays, children (-1 for a leaf) and the bounding box.
    readonly int[] _start, _end, _left, _right;
    readonly double[] _box; // 6 per node: minX, maxX, minY, maxY, minZ, maxZ
    int _nodes;

    public static readonly StationKdTree Empty = new([]);

    public StationKdTree(IReadOnlyCollection<StationIndexRecord> records)
    {
        var n = records.Count;
        _records = records.ToArray();
        _x = new double[n]; _y = new double[n]; _z = new double[n];
        var maxNodes = n / 2 + 8; // leaves hold 6-12 points after median splits, so nodes ≤ n/3 + 1
        _start = new int[maxNodes]; _end = new int[maxNodes]; _left = new int[maxNodes]; _right = new int[maxNodes];
        _box = new double[maxNodes * 6];
        var keys = new double[n];
        if (n > 0) Build(0, n, keys);
        for (var i = 0; i < n; i++) { _x[i] = _records[i].X; _y[i] = _records[i].Y; _z[i] = _records[i].Z; }
    }

    int Build(int start, int end, double[] keys)
    {
        var node = _nodes++;
        _start[node] = start; _end[node] = end; _left[node] = _right[node] = -1;
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue, minZ = double.MaxValue, maxZ = double.MinValue;
        for (var i = start; i < end; i++)
        {
            var r = _records[i];
            minX = Math.Min(minX, r.X); maxX = Math.Max(maxX, r.X);
            minY = Math.Min(minY, r.Y); maxY = Math.Max(maxY, r.Y);
            minZ = Math.Min(minZ, r.Z); maxZ = Math.Max(maxZ, r.Z);
        }
        var b = node * 6;
        _box[b] = minX; _box[b + 1] = maxX; _box[b + 2] = minY; _box[b + 3] = maxY; _box[b + 4] = minZ; _box[b + 5] = maxZ;
        if (end - start <= LeafSize) return node;

        var spanX = maxX - minX; var spanY = maxY - minY; var spanZ = maxZ - minZ;
        var axis = spanX >= spanY && spanX >= spanZ ? 0 : spanY >= spanZ ? 1 : 2;
        for (var i = start; i < end; i++) keys[i] = axis switch { 0 => _records[i].X, 1 => _records[i].Y, _ => _records[i].Z };
        Array.Sort(keys, _records, start, end - start);
        var mid = start + (end - start) / 2;
        _left[node] = Build(start, mid, keys);
        _right[node] = Build(mid, end, keys);
        return node;
    }

    /// <summary>Squared Euclidean distance from q to the node's box: a lower bound on the squared chord to any point inside.</summary>
    double BoxDistance2(int node, double qx, double qy, double qz)
    {
        var b = node * 6;
        double d = 0, t;
        t = Math.Max(0, Math.Max(_box[b] - qx, qx - _box[b + 1])); d += t * t;
        t = Math.Max(0, Math.Max(_box[b + 2] - qy, qy - _box[b + 3])); d += t * t;
        t = Math.Max(0, Math.Max(_box[b + 4] - qz, qz - _box[b + 5])); d += t * t;
        return d;
    }

    internal void Search(ref NearestSearch s) { if (_records.Length > 0) Search(0, ref s); }

    void Search(int node, ref NearestSearch s)
    {
        if (BoxDistance2(node, s.Qx, s.Qy, s.Qz) > s.MaxChord2) return;
        if (_left[node] < 0)
        {
            for (var i = _start[node]; i < _end[node]; i++)
            {
                double dx = _x[i] - s.Qx, dy = _y[i] - s.Qy, dz = _z[i] - s.Qz;
                if (dx * dx + dy * dy + dz * dz > s.MaxChord2) continue;
                s.Consider(_records[i]);
            }
            return;
        }
        int l = _left[node], r = _right[node];
        if (BoxDistance2(l, s.Qx, s.Qy, s.Qz) <= BoxDistance2(r, s.Qx, s.Qy, s.Qz)) { Search(l, ref s); Search(r, ref s); }
        else { Search(r, ref s); Search(l, ref s); }
    }
}

/// <summary>
/// The k best stations by (PostGIS distance, id) with the filters of a request. Pruning is by chord
/// length on the unit sphere: every geodesic on WGS-84 is at least a(1−e²) = 6,335,439 m times the
/// central angle between its end points' geodetic directions (the ellipsoid's smallest radius of
/// curvature), so a station whose chord exceeds the one that bound allows for the current k-th
/// distance cannot enter the answer. The bound is loosened by 1e-9 relative and 0.1 mm absolute to
/// cover floating-point rounding and PostGIS's 1e-12 rad "same point" rule.
/// </summary>
internal struct NearestSearch
{
    public double Qx, Qy, Qz, MaxChord2;
    readonly Geodesic.Normalized _origin;
    readonly NearestRequest _q;
    readonly StationIndexSnapshot _snapshot;
    public readonly List<(StationIndexRecord Record, double Distance)> Found;

    public NearestSearch(StationIndexSnapshot snapshot, NearestRequest q)
    {
        _snapshot = snapshot;
        _q = q;
        double rlat = q.Lat * Math.PI / 180, rlon = q.Lon * Math.PI / 180;
        Qx = Math.Cos(rlat) * Math.Cos(rlon); Qy = Math.Cos(rlat) * Math.Sin(rlon); Qz = Math.Sin(rlat);
        _origin = Geodesic.Normalized.Of(q.Lon, q.Lat);
        Found = new(q.Limit + 1);
        MaxChord2 = ChordBound2(q.MaxDistance ?? double.PositiveInfinity);
    }

    static double ChordBound2(double metres)
    {
        var theta = (metres + 1e-4) / (Geodesic.MinRadiusOfCurvature * (1 - 1e-9));
        if (!(theta < Math.PI)) return double.PositiveInfinity;
        var chord = 2 * Math.Sin(theta / 2) * (1 + 1e-9);
        return chord * chord;
    }

    public void Consider(StationIndexRecord r)
    {
        if (!_snapshot.IsLive(r)) return;
        if ((r.AmenitiesYes & _q.AmenityMask) != _q.AmenityMask) return;
        if (_q.TierMask != 0 && (r.TierBit & _q.TierMask) == 0) return;
        if (_q.ServiceMask != 0 && (r.ServiceKinds & _q.ServiceMask) == 0) return;
        var exact = Geodesic.PostgisUnrounded(_origin, r.Position);
        if (_q.MaxDistance is { } max && !(exact <= max)) return; // ST_DWithin compares the unrounded distance
        var d = Geodesic.PostgisRound(exact);                       // ST_Distance rounds to 10 nm
        var full = Found.Count >= _q.Limit;
        if (full)
        {
            var (worst, worstD) = Found[^1];
            if (d > worstD || (d == worstD && r.Id > worst.Id)) return;
        }
        // The evaluations last, on the few stations that could still enter the answer.
        if (_q.OpenNow && r.OpenStateAt(_q.At).State != "open") return;
        if (_q.FiltersServices && !r.HasService(_q.ServiceMask, _q.ServiceWhen, _q.At)) return;
        if (_q.Exclude is { } exclude && exclude(r.Id)) return;
        var i = Found.Count;
        while (i > 0 && (Found[i - 1].Distance > d || (Found[i - 1].Distance == d && Found[i - 1].Record.Id > r.Id))) i--;
        Found.Insert(i, (r, d));
        if (Found.Count > _q.Limit) Found.RemoveAt(Found.Count - 1);
        if (Found.Count >= _q.Limit) MaxChord2 = Math.Min(MaxChord2, ChordBound2(Found[^1].Distance));
    }

    /// <summary>Runs the search over the tree and the records added since it was built.</summary>
    public static List<(StationIndexRecord Record, double Distance)> Run(StationIndexSnapshot snapshot, NearestRequest q)
    {
        var s = new NearestSearch(snapshot, q);
        snapshot.Tree.Search(ref s);
        foreach (var r in snapshot.Added)
        {
            double dx = r.X - s.Qx, dy = r.Y - s.Qy, dz = r.Z - s.Qz;
            if (dx * dx + dy * dy + dz * dz > s.MaxChord2) continue;
            s.Consider(r);
        }
        return s.Found;
    }
}
