using NetTopologySuite.Geometries;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.Planning;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Stations;
using StationMap.Routing;

namespace StationMap.Tests.Planning;

public sealed class DemoPlanningDataTests
{
    static readonly GraphData Network = DemoRoadNetwork.Generate().Graph;
    static readonly (double West, double South, double East, double North) Box = DemoRoadNetwork.Extent;

    static bool Inside(PlanningPointInput p) => p.Lon >= Box.West && p.Lon <= Box.East && p.Lat >= Box.South && p.Lat <= Box.North;

    /// <summary>Metres on the local plane; good to well under 1 % across the 33 km demo city.</summary>
    static double Metres(double lon1, double lat1, double lon2, double lat2) =>
        Math.Sqrt(Math.Pow((lon1 - lon2) * 110_574 * Math.Cos(30.27 * Math.PI / 180), 2) + Math.Pow((lat1 - lat2) * 110_574, 2));

    [Fact]
    public void The_extent_is_the_bounding_box_of_the_demo_network()
    {
        Assert.Equal(Box.West, Network.VertexLon.Min(), 9);
        Assert.Equal(Box.East, Network.VertexLon.Max(), 9);
        Assert.Equal(Box.South, Network.VertexLat.Min(), 9);
        Assert.Equal(Box.North, Network.VertexLat.Max(), 9);
    }

    [Fact]
    public void Demo_districts_tile_the_demo_city_without_gaps_or_overlaps()
    {
        var districts = DemoPlanningData.Districts();
        Assert.Equal(DemoStations.DistrictCentres.Select(c => c.Name), districts.Select(d => d.Name));
        Assert.All(districts, d =>
        {
            Assert.True(d.Geometry.IsValid);
            Assert.IsType<MultiPolygon>(d.Geometry);
            Assert.EndsWith("(demo)", d.NameEn);
            Assert.Null(d.Code);
        });
        var box = new GeometryFactory().ToGeometry(new Envelope(Box.West, Box.East, Box.South, Box.North));
        var union = districts.Select(d => d.Geometry).Aggregate((a, b) => a.Union(b));
        Assert.Equal(box.Area, union.Area, 6);
        Assert.Equal(box.Area, districts.Sum(d => d.Geometry.Area), 6);
        foreach (var (c, d) in DemoStations.DistrictCentres.Zip(districts))
            Assert.True(d.Geometry.Contains(new Point(c.Lon, c.Lat)), $"{d.Name} should contain its centre");
    }

    [Fact]
    public void The_same_seed_gives_the_same_demand_and_candidates_and_another_seed_does_not()
    {
        Assert.Equal(DemoPlanningData.Demand(Network, 5), DemoPlanningData.Demand(Network, 5));
        Assert.NotEqual(DemoPlanningData.Demand(Network, 5), DemoPlanningData.Demand(Network, 6));
        Assert.Equal(DemoPlanningData.Candidates(Network, 5), DemoPlanningData.Candidates(Network, 5));
        Assert.NotEqual(DemoPlanningData.Candidates(Network, 5), DemoPlanningData.Candidates(Network, 6));
    }

    [Fact]
    public void Demand_has_about_3000_weighted_points_of_four_kinds_inside_the_city()
    {
        var demand = DemoPlanningData.Demand(Network);
        Assert.InRange(demand.Count, 2700, 3300);
        Assert.All(demand, p => Assert.True(Inside(p) && p.Weight > 0 && p.Label is not null, p.ToString()));
        foreach (var (category, min) in new[] { ("restaurant_cluster", 500), ("pickup_hotspot", 350), ("depot", 30), ("population", 1200) })
            Assert.True(demand.Count(p => p.Category == category) >= min, $"{category}: {demand.Count(p => p.Category == category)}");
        Assert.True(demand.Where(p => p.Category == "depot").Average(p => p.Weight) > 5 * demand.Where(p => p.Category == "population").Min(p => p.Weight));
    }

    [Fact]
    public void Demo_demand_is_well_but_not_fully_covered_by_15_e_bike_minutes_of_the_demo_stations()
    {
        // The figure the planner view opens with: one reverse multi-source search from every open demo station.
        var engine = new RoutingEngine(Network);
        var stations = DemoStations.Generate(300, 20261122, DateTimeOffset.UnixEpoch).Where(s => s.Status == "open")
            .Select(s => engine.Snap(s.Location.X, s.Location.Y, TravelMode.Ebike, 500)).OfType<SnapResult>().ToArray();
        var access = engine.NearestSources(stations, TravelMode.Ebike, SearchDirection.Reverse, 3600);
        var demand = DemoPlanningData.Demand(Network);
        var covered = demand.Where(p => engine.Snap(p.Lon, p.Lat, TravelMode.Ebike, 500) is { } snap && engine.NearestSourceAt(access, snap).Seconds <= 900)
            .Sum(p => p.Weight);
        Assert.InRange(covered / demand.Sum(p => p.Weight), 0.55, 0.85);
        // Crow-flight check of the same intent: a clear share of the weight lies over 3 km from any demo station.
        var points = stations.Select(s => (Lon: s.Lon, Lat: s.Lat)).ToList();
        var far = demand.Where(p => points.Min(s => Metres(p.Lon, p.Lat, s.Lon, s.Lat)) > 3000).Sum(p => p.Weight);
        Assert.InRange(far / demand.Sum(p => p.Weight), 0.2, 0.45);
    }

    [Fact]
    public void Candidates_lie_on_e_bike_roads_spread_over_the_city()
    {
        var candidates = DemoPlanningData.Candidates(Network);
        Assert.InRange(candidates.Count, 300, 500);
        Assert.All(candidates, p => Assert.True(Inside(p), p.ToString()));
        var ebike = (int)TravelMode.Ebike;
        var roads = Enumerable.Range(0, Network.EdgeCount)
            .Where(e => !float.IsNaN(Network.ForwardSeconds[ebike][e]) || !float.IsNaN(Network.BackwardSeconds[ebike][e]))
            .Select(e => new LineString(Enumerable.Range(Network.GeometryOffsets[e], Network.GeometryOffsets[e + 1] - Network.GeometryOffsets[e])
                .Select(i => new Coordinate(Network.GeometryLon[i], Network.GeometryLat[i])).ToArray()))
            .ToList();
        var index = new NetTopologySuite.Index.Strtree.STRtree<LineString>();
        foreach (var r in roads) index.Insert(r.EnvelopeInternal, r);
        foreach (var p in candidates)
        {
            var near = index.Query(new Envelope(p.Lon - 0.001, p.Lon + 0.001, p.Lat - 0.001, p.Lat + 0.001));
            var metres = near.Min(r => r.Distance(new Point(p.Lon, p.Lat))) * 110_574;
            Assert.True(metres < 50, $"{p} is {metres:F0} m from an e-bike road");
        }
        // Spread: every quarter of the city has at least a fifth of the sites.
        var midLon = (Box.West + Box.East) / 2;
        var midLat = (Box.South + Box.North) / 2;
        foreach (var (east, north) in new[] { (false, false), (false, true), (true, false), (true, true) })
            Assert.True(candidates.Count(p => (p.Lon > midLon) == east && (p.Lat > midLat) == north) > candidates.Count / 5);
    }
}
