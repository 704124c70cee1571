using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using StationMap.Routing;

namespace StationMap.Api.Features.Routing;

/// <summary>
/// The regions in memory at one moment, immutable: each region's graph and an index over their
/// hulls that sends a point to its region. A point inside several hulls goes to the most recently
/// imported region (the highest version), as stationmap.region_graph (migration 0017) decides for
/// stations. Hulls are convex polygons of a few hundred points, tested in each region's own metric
/// projection; the STR-tree over their bounding boxes keeps a lookup at a handful of tests however
/// many regions are loaded.
/// </summary>
public sealed class RegionSet
{
    public static readonly RegionSet Empty = new([]);

    readonly Dictionary<string, LoadedGraph> _byName;
    readonly STRtree<LoadedGraph> _index = new();

    public RegionSet(IEnumerable<LoadedGraph> graphs)
    {
        All = graphs.OrderBy(g => g.Info.Region, StringComparer.Ordinal).ToList();
        _byName = All.ToDictionary(g => g.Info.Region, StringComparer.Ordinal);
        foreach (var g in All) _index.Insert(g.Area.Envelope, g);
        _index.Build();
    }

    /// <summary>Every loaded region, by name.</summary>
    public IReadOnlyList<LoadedGraph> All { get; }

    public int Count => All.Count;

    public long EdgeCount => All.Sum(g => (long)g.Info.EdgeCount);

    public LoadedGraph? this[string region] => _byName.GetValueOrDefault(region);

    /// <summary>Whether <paramref name="version"/> is the graph of some loaded region.</summary>
    public bool HasVersion(long version) => All.Any(g => g.Info.Version == version);

    /// <summary>The region whose hull covers the WGS-84 point, or null outside every region.</summary>
    public LoadedGraph? Find(double lon, double lat)
    {
        LoadedGraph? best = null;
        foreach (var g in _index.Query(new Envelope(lon, lon, lat, lat)))
            if (g.Area.Covers(lon, lat) && (best is null || g.Info.Version > best.Info.Version)) best = g;
        return best;
    }

    /// <summary>
    /// The region a WGS-84 box is in: the one covering its centre, else the one whose hull overlaps the box
    /// most (a box over a city's edge); null when the box touches no region.
    /// </summary>
    public LoadedGraph? Find(Envelope box)
    {
        if (Find(box.Centre.X, box.Centre.Y) is { } atCentre) return atCentre;
        LoadedGraph? best = null;
        var bestArea = 0.0;
        var boxPolygon = RoutingEngine.GeometryFactory.ToGeometry(box);
        foreach (var g in _index.Query(box))
        {
            var overlap = g.Area.Hull.Intersection(boxPolygon).Area;
            if (overlap > bestArea) (best, bestArea) = (g, overlap);
        }
        return best;
    }

    /// <summary>The region nearest to a point outside all of them and the distance to its hull (metres); null when none is loaded.</summary>
    public (LoadedGraph Region, double DistanceM)? Nearest(double lon, double lat)
    {
        (LoadedGraph, double)? best = null;
        foreach (var g in All)
        {
            var d = g.Area.DistanceM(lon, lat);
            if (best is null || d < best.Value.Item2) best = (g, d);
        }
        return best;
    }

    /// <summary>
    /// The region that answers requests without a point (the client config, planner-wide coverage): the
    /// one covering the configured map centre, else the largest by edges.
    /// </summary>
    public LoadedGraph? Default(double centreLon, double centreLat) =>
        Find(centreLon, centreLat) ?? All.OrderByDescending(g => g.Info.EdgeCount).ThenBy(g => g.Info.Region, StringComparer.Ordinal).FirstOrDefault();
}

/// <summary>
/// A region's hull as one ring in the region's local metric projection (metres), for containment and
/// distance without NTS's lazily built (and not thread-safe) prepared geometries.
/// </summary>
public sealed class RegionArea
{
    readonly LocalProjection _projection;
    readonly double[] _x, _y;

    public RegionArea(Polygon hull)
    {
        Hull = hull;
        Envelope = hull.EnvelopeInternal;
        _projection = new LocalProjection(Envelope.Centre.X, Envelope.Centre.Y);
        var ring = hull.ExteriorRing.Coordinates;
        _x = ring.Select(c => _projection.X(c.X)).ToArray();
        _y = ring.Select(c => _projection.Y(c.Y)).ToArray();
    }

    /// <summary>The hull (EPSG:4326).</summary>
    public Polygon Hull { get; }

    public Envelope Envelope { get; }

    /// <summary>Inside or on the hull's ring (even-odd rule).</summary>
    public bool Covers(double lon, double lat)
    {
        if (!Envelope.Covers(lon, lat)) return false;
        double px = _projection.X(lon), py = _projection.Y(lat);
        var inside = false;
        for (int i = 0, j = _x.Length - 1; i < _x.Length; j = i++)
        {
            if ((_y[i] > py) != (_y[j] > py) && px < (_x[j] - _x[i]) * (py - _y[i]) / (_y[j] - _y[i]) + _x[i]) inside = !inside;
        }
        return inside || SegmentDistance(px, py).Distance < 1e-6;
    }

    /// <summary>
    /// Metres from the point to the nearest point of the hull (0 inside): the nearest point is found in the
    /// region's projection and measured on the ellipsoid, so far points get a true distance.
    /// </summary>
    public double DistanceM(double lon, double lat)
    {
        if (Covers(lon, lat)) return 0;
        var (_, nx, ny) = SegmentDistance(_projection.X(lon), _projection.Y(lat));
        return Infrastructure.Geo.Geodesic.PostgisDistance(lon, lat, _projection.Lon(nx), _projection.Lat(ny));
    }

    (double Distance, double X, double Y) SegmentDistance(double px, double py)
    {
        (double D, double X, double Y) best = (double.PositiveInfinity, px, py);
        for (var i = 0; i + 1 < _x.Length; i++)
        {
            double ax = _x[i], ay = _y[i], dx = _x[i + 1] - ax, dy = _y[i + 1] - ay;
            var len2 = dx * dx + dy * dy;
            var t = len2 == 0 ? 0 : Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1);
            double cx = ax + t * dx, cy = ay + t * dy;
            var d = Math.Sqrt((px - cx) * (px - cx) + (py - cy) * (py - cy));
            if (d < best.D) best = (d, cx, cy);
        }
        return best;
    }
}
