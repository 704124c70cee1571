using NetTopologySuite.Geometries;
using NetTopologySuite.Triangulate;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Stations;
using StationMap.Routing;

namespace StationMap.Api.Features.Planning;

/// <summary>
/// Seeded generators of the planner's DEMO inputs over the demo city (<see cref="DemoRoadNetwork.Extent"/>):
/// districts = Voronoi cells of the demo stations' district centres clipped to the city; a demand layer of
/// ~3,000 weighted points (restaurant clusters, pick-up hotspots, logistics depots, a population grid), about a
/// third of the weight in outlying towns that the demo stations serve thinly; candidate sites on e-bike roads.
/// The same seed gives the same data. Everything here is generated, not real.
/// </summary>
public static class DemoPlanningData
{
    public const string DemandLayer = "demo-demand";
    public const string CandidateLayer = "demo-candidates";
    public const int DefaultSeed = 20261122;
    const double MetresPerDegLat = 110_574;

    static readonly Dictionary<string, string> EnglishNames = new()
    {
        ["上城区"] = "Shangcheng",
        ["拱墅区"] = "Gongshu",
        ["西湖区"] = "Xihu",
        ["滨江区"] = "Binjiang",
        ["萧山区"] = "Xiaoshan",
    };

    /// <summary>Outlying towns and logistics parks (lon, lat): real demand with few demo stations near them.</summary>
    static readonly (double Lon, double Lat)[] Outskirts = [(120.06, 30.385), (120.325, 30.375), (120.055, 30.15), (120.335, 30.245), (120.20, 30.40)];

    static double MetresPerDegLon => MetresPerDegLat * Math.Cos(DemoRoadNetwork.Extent.South * Math.PI / 180);

    /// <summary>One district per demo-station district: its Voronoi cell (in local metres, so the borders are true bisectors) inside the city box.</summary>
    public static IReadOnlyList<DistrictInput> Districts()
    {
        var (west, south, east, north) = DemoRoadNetwork.Extent;
        var centres = DemoStations.DistrictCentres;
        var local = new GeometryFactory();
        var box = local.ToGeometry(new Envelope(0, (east - west) * MetresPerDegLon, 0, (north - south) * MetresPerDegLat));
        var builder = new VoronoiDiagramBuilder();
        builder.SetSites(centres.Select(c => new Coordinate((c.Lon - west) * MetresPerDegLon, (c.Lat - south) * MetresPerDegLat)).ToList());
        builder.ClipEnvelope = box.EnvelopeInternal;
        var cells = builder.GetDiagram(local).Geometries.ToList();
        var wgs84 = new GeometryFactory(new PrecisionModel(), 4326);
        return centres.Select(c =>
        {
            var site = new Point((c.Lon - west) * MetresPerDegLon, (c.Lat - south) * MetresPerDegLat);
            var cell = cells.Single(g => g.Contains(site)).Intersection(box);
            var ring = cell.Coordinates.Select(p => new Coordinate(Math.Round(west + p.X / MetresPerDegLon, 7), Math.Round(south + p.Y / MetresPerDegLat, 7))).ToArray();
            var polygon = wgs84.CreatePolygon(ring);
            return new DistrictInput(null, c.Name, $"{EnglishNames.GetValueOrDefault(c.Name, c.Name)} (demo)", wgs84.CreateMultiPolygon([polygon]));
        }).ToList();
    }

    /// <summary>~3,000 weighted demand points, each within 300 m of a vertex of <paramref name="network"/> (none in the river).</summary>
    public static IReadOnlyList<PlanningPointInput> Demand(GraphData network, int seed = DefaultSeed)
    {
        var rng = new Random(seed);
        var near = new VertexGrid(network);
        var centres = DemoStations.DistrictCentres.Select(c => (c.Lon, c.Lat)).ToArray();
        var (west, south, east, north) = DemoRoadNetwork.Extent;
        var points = new List<PlanningPointInput>();
        (double Lon, double Lat)? Around((double Lon, double Lat) c, double sigmaM)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var lon = c.Lon + Gaussian(rng) * sigmaM / MetresPerDegLon;
                var lat = c.Lat + Gaussian(rng) * sigmaM / MetresPerDegLat;
                if (lon > west && lon < east && lat > south && lat < north && near.Within(lon, lat, 300)) return (lon, lat);
            }
            return null;
        }
        void Add((double Lon, double Lat)? p, double weight, string label, string category)
        {
            if (p is { } q) points.Add(new PlanningPointInput(Math.Round(q.Lon, 6), Math.Round(q.Lat, 6), Math.Round(weight, 1), label, category));
        }

        // Restaurant clusters: 32 clusters of 20–40 outlets; the weight is riders waiting at the lunch peak.
        for (var k = 0; k < 32; k++)
        {
            var hub = Around(k % 4 == 3 ? Outskirts[rng.Next(Outskirts.Length)] : centres[rng.Next(centres.Length)], k % 4 == 3 ? 1200 : 2200);
            if (hub is null) continue;
            for (int i = 0, n = rng.Next(20, 41); i < n; i++) Add(Around(hub.Value, 250), 2 + rng.NextDouble() * 10, $"餐饮聚集区 {k + 1}-{i + 1}", "restaurant_cluster");
        }
        // Pick-up hotspots (malls, office towers, supermarkets): 420 points, 30 % in the outlying towns.
        for (var k = 0; k < 420; k++)
            Add(k % 10 < 3 ? Around(Outskirts[rng.Next(Outskirts.Length)], 1500) : Around(centres[rng.Next(centres.Length)], 3000),
                5 + rng.NextDouble() * 25, $"取餐热点 {k + 1}", "pickup_hotspot");
        // Logistics depots (courier sorting centres): few, heavy, mostly at the edge of the city.
        for (var k = 0; k < 40; k++)
            Add(k % 5 < 3 ? Around(Outskirts[rng.Next(Outskirts.Length)], 2000) : Around((west + rng.NextDouble() * (east - west), south + rng.NextDouble() * (north - south)), 500),
                40 + rng.NextDouble() * 110, $"物流站点 {k + 1}", "depot");
        // Population grid: 800 m cells over the whole city, denser near the centres and the towns.
        const double cellM = 800;
        for (var y = cellM / 2; south + y / MetresPerDegLat < north; y += cellM)
            for (var x = cellM / 2; west + x / MetresPerDegLon < east; x += cellM)
            {
                var (lon, lat) = (west + x / MetresPerDegLon, south + y / MetresPerDegLat);
                if (!near.Within(lon, lat, 300)) continue;
                var toCentre = centres.Min(c => Distance(c, (lon, lat)));
                var toTown = Outskirts.Min(c => Distance(c, (lon, lat)));
                Add((lon, lat), 3 + 40 * Math.Exp(-toCentre / 3500) + 12 * Math.Exp(-toTown / 2000),
                    $"人口网格 {(int)(y / cellM) + 1}-{(int)(x / cellM) + 1}", "population");
            }
        return points;
    }

    /// <summary>Candidate sites on roads open to e-bikes: one per cell of a 21 × 21 grid over the city where the cell has such a road.</summary>
    public static IReadOnlyList<PlanningPointInput> Candidates(GraphData network, int seed = DefaultSeed, int grid = 21)
    {
        var rng = new Random(seed);
        var (west, south, east, north) = DemoRoadNetwork.Extent;
        var buckets = new Dictionary<int, List<int>>();
        var ebike = (int)TravelMode.Ebike;
        for (var e = 0; e < network.EdgeCount; e++)
        {
            if (float.IsNaN(network.ForwardSeconds[ebike][e]) && float.IsNaN(network.BackwardSeconds[ebike][e])) continue;
            var (a, b) = (network.GeometryOffsets[e], network.GeometryOffsets[e + 1] - 1);
            var (mx, my) = ((network.GeometryLon[a] + network.GeometryLon[b]) / 2, (network.GeometryLat[a] + network.GeometryLat[b]) / 2);
            var (cx, cy) = ((int)((mx - west) / (east - west) * grid), (int)((my - south) / (north - south) * grid));
            if (cx < 0 || cy < 0 || cx >= grid || cy >= grid) continue;
            if (!buckets.TryGetValue(cy * grid + cx, out var list)) buckets[cy * grid + cx] = list = [];
            list.Add(e);
        }
        var result = new List<PlanningPointInput>();
        foreach (var cell in buckets.Keys.Order())
        {
            var edges = buckets[cell];
            var e = edges[rng.Next(edges.Count)];
            var start = network.GeometryOffsets[e] + rng.Next(network.GeometryOffsets[e + 1] - network.GeometryOffsets[e] - 1);
            var t = rng.NextDouble();
            var lon = network.GeometryLon[start] + t * (network.GeometryLon[start + 1] - network.GeometryLon[start]);
            var lat = network.GeometryLat[start] + t * (network.GeometryLat[start + 1] - network.GeometryLat[start]);
            result.Add(new PlanningPointInput(Math.Round(lon, 6), Math.Round(lat, 6), 1, $"候选点 {result.Count + 1:000}", "road"));
        }
        return result;
    }

    /// <summary>Ground distance in metres on the local plane (good to a fraction of a percent over the demo city).</summary>
    static double Distance((double Lon, double Lat) a, (double Lon, double Lat) b) =>
        Math.Sqrt(Math.Pow((a.Lon - b.Lon) * MetresPerDegLon, 2) + Math.Pow((a.Lat - b.Lat) * MetresPerDegLat, 2));

    static double Gaussian(Random rng) =>
        Math.Clamp(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()), -3, 3);

    /// <summary>Graph vertices hashed into 250 m cells: "is there a vertex within r metres" without a scan.</summary>
    sealed class VertexGrid
    {
        const double CellM = 250;
        readonly Dictionary<(int, int), List<int>> _vertices = [];
        readonly GraphData _g;

        public VertexGrid(GraphData g)
        {
            _g = g;
            for (var v = 0; v < g.VertexCount; v++)
            {
                var key = Key(g.VertexLon[v], g.VertexLat[v]);
                if (!_vertices.TryGetValue(key, out var list)) _vertices[key] = list = [];
                list.Add(v);
            }
        }

        (int, int) Key(double lon, double lat) => ((int)Math.Floor(lon * MetresPerDegLon / CellM), (int)Math.Floor(lat * MetresPerDegLat / CellM));

        public bool Within(double lon, double lat, double radiusM)
        {
            var (kx, ky) = Key(lon, lat);
            var reach = (int)Math.Ceiling(radiusM / CellM);
            for (var dx = -reach; dx <= reach; dx++)
                for (var dy = -reach; dy <= reach; dy++)
                    if (_vertices.TryGetValue((kx + dx, ky + dy), out var list)
                        && list.Any(v => Distance((_g.VertexLon[v], _g.VertexLat[v]), (lon, lat)) <= radiusM))
                        return true;
            return false;
        }
    }
}
