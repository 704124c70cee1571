using StationMap.Routing;

namespace StationMap.Api.Features.RoadNetwork;

/// <summary>Collects vertices and edges as a way is split, then hands out the flat arrays.</summary>
sealed class GraphAccumulator
{
    readonly Dictionary<long, int> _vertexOf = [];
    readonly List<double> _vLon = [], _vLat = [];
    readonly List<long?> _vOsm = [];
    readonly List<int> _source = [], _target = [], _offsets = [0];
    readonly List<float> _length = [];
    readonly List<float>[] _fwd = [.. Enumerable.Range(0, TravelModes.Count).Select(_ => new List<float>())];
    readonly List<float>[] _bwd = [.. Enumerable.Range(0, TravelModes.Count).Select(_ => new List<float>())];
    readonly List<double> _gLon = [], _gLat = [];
    readonly List<long?> _wayIds = [];
    readonly List<string> _highway = [];
    readonly List<string?> _name = [];

    public int VertexCount => _vLon.Count;
    public int EdgeCount => _source.Count;

    int Vertex(long osmId, double lon, double lat)
    {
        if (_vertexOf.TryGetValue(osmId, out var v)) return v;
        _vertexOf[osmId] = v = _vLon.Count;
        _vLon.Add(lon); _vLat.Add(lat); _vOsm.Add(osmId);
        return v;
    }

    /// <summary>Adds the piece of a way in <paramref name="points"/> as one edge (if it has length).</summary>
    public void Flush(WayFacts way, List<(long Id, double Lon, double Lat)> points)
    {
        if (points.Count < 2) return;
        var length = 0.0;
        for (var i = 1; i < points.Count; i++) length += Geodesy.DistanceM(points[i - 1].Lon, points[i - 1].Lat, points[i].Lon, points[i].Lat);
        if (length <= 0.01) return;
        var s = Vertex(points[0].Id, points[0].Lon, points[0].Lat);
        var t = Vertex(points[^1].Id, points[^1].Lon, points[^1].Lat);
        _source.Add(s); _target.Add(t); _length.Add((float)length);
        for (var m = 0; m < TravelModes.Count; m++)
        {
            _fwd[m].Add(way.Speeds[m].Forward is { } f ? (float)(length / (f / 3.6)) : float.NaN);
            _bwd[m].Add(way.Speeds[m].Backward is { } b ? (float)(length / (b / 3.6)) : float.NaN);
        }
        foreach (var p in points) { _gLon.Add(p.Lon); _gLat.Add(p.Lat); }
        _offsets.Add(_gLon.Count);
        _wayIds.Add(way.Id); _highway.Add(way.Highway); _name.Add(way.Name);
    }

    public Dictionary<string, double> KmByClass() =>
        _highway.Select((h, i) => (h, _length[i])).GroupBy(x => x.h).OrderByDescending(g => g.Sum(x => x.Item2))
            .ToDictionary(g => g.Key, g => Math.Round(g.Sum(x => (double)x.Item2) / 1000, 1));

    public BuiltGraph ToBuilt(Dictionary<string, object> stats) => new(
        new GraphData
        {
            Version = 0,
            VertexLon = [.. _vLon],
            VertexLat = [.. _vLat],
            EdgeSource = [.. _source],
            EdgeTarget = [.. _target],
            EdgeLengthM = [.. _length],
            ForwardSeconds = [.. _fwd.Select(l => l.ToArray())],
            BackwardSeconds = [.. _bwd.Select(l => l.ToArray())],
            GeometryOffsets = [.. _offsets],
            GeometryLon = [.. _gLon],
            GeometryLat = [.. _gLat],
        },
        [.. _vOsm], [.. _wayIds], [.. _highway], [.. _name], stats);
}

/// <summary>What an edge inherits from its way.</summary>
public sealed record WayFacts(long? Id, string Highway, string? Name, ModeSpeeds[] Speeds);

/// <summary>Distances on the WGS-84 ellipsoid, accurate to well under 0.1 % for street-length segments.</summary>
public static class Geodesy
{
    const double A = 6378137.0, E2 = 0.00669437999014;

    public static double DistanceM(double lon1, double lat1, double lon2, double lat2)
    {
        var phi = (lat1 + lat2) / 2 * Math.PI / 180;
        var sin = Math.Sin(phi);
        var w = Math.Sqrt(1 - E2 * sin * sin);
        var meridional = A * (1 - E2) / (w * w * w);   // radius of curvature north-south
        var normal = A / w;                              // east-west
        var dy = (lat2 - lat1) * Math.PI / 180 * meridional;
        var dx = (lon2 - lon1) * Math.PI / 180 * normal * Math.Cos(phi);
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
