using StationMap.Api.Features.RoadNetwork;
using StationMap.Routing;

namespace StationMap.Tests.RoadNetwork;

public class DemoRoadNetworkTests
{
    static readonly BuiltGraph Demo = DemoRoadNetwork.Generate();
    static readonly RoutingEngine Engine = new(Demo.Graph);

    [Fact]
    public void Is_seeded_and_covers_the_demo_stations()
    {
        var again = DemoRoadNetwork.Generate();
        Assert.Equal(Demo.Graph.EdgeCount, again.Graph.EdgeCount);
        Assert.Equal(Demo.Graph.GeometryLon, again.Graph.GeometryLon);
        var b = Engine.Graph.Bounds;
        Assert.True(b.MinLon < 120.10 && b.MaxLon > 120.28 && b.MinLat < 30.17 && b.MaxLat > 30.33, b.ToString());
        // Every generated demo station is within reach of a street.
        foreach (var s in StationMap.Api.Features.Stations.DemoStations.Generate(300, 20261122, DateTimeOffset.UtcNow))
            Assert.True(Engine.Snap(s.Location.X, s.Location.Y, TravelMode.Walk, 500) is not null, $"{s.Name} at {s.Location} is off the demo network");
        Assert.InRange(Demo.Graph.EdgeCount, 30_000, 80_000);
    }

    [Fact]
    public void Walkers_can_reach_almost_the_whole_city_from_the_centre()
    {
        var start = Engine.Snap(120.16, 30.27, TravelMode.Walk, 500)!.Value;
        var reach = Engine.Search(start, TravelMode.Walk, SearchDirection.Forward, double.PositiveInfinity);
        var walkable = Enumerable.Range(0, Demo.Graph.VertexCount).Count(v => Engine.Graph.Arcs(TravelMode.Walk, SearchDirection.Forward, v).Length > 0);
        Assert.True(reach.Vertices.Count >= 0.95 * walkable, $"{reach.Vertices.Count} of {walkable}");
    }

    [Fact]
    public void The_expressway_is_closed_to_ebikes_and_walkers_and_open_to_cars()
    {
        var motorway = Enumerable.Range(0, Demo.Graph.EdgeCount).Where(e => Demo.EdgeHighway[e] == "motorway").ToList();
        Assert.NotEmpty(motorway);
        foreach (var e in motorway)
        {
            Assert.False(Engine.Graph.IsUsable(TravelMode.Walk, e));
            Assert.False(Engine.Graph.IsUsable(TravelMode.Ebike, e));
            Assert.True(Engine.Graph.IsUsable(TravelMode.Car, e));
        }
    }

    [Fact]
    public void The_river_is_crossed_only_on_its_bridges()
    {
        Assert.Equal(3, Demo.EdgeName.Count(n => n is not null && n.EndsWith("桥", StringComparison.Ordinal)));
        // Straight across the river between two bridges: close as the crow flies, far by road.
        var graph = Demo.Graph;
        var bridges = Enumerable.Range(0, graph.EdgeCount).Where(e => Demo.EdgeName[e]?.EndsWith("桥", StringComparison.Ordinal) == true).ToList();
        var bridge = bridges[0];
        var (s, t) = (graph.EdgeSource[bridge], graph.EdgeTarget[bridge]);
        var midLon = (graph.VertexLon[s] + graph.VertexLon[t]) / 2 + 0.03;   // ~3 km east of the first bridge
        var south = Engine.Snap(midLon, graph.VertexLat[s] - 0.001, TravelMode.Walk, 500)!.Value;
        var north = Engine.Snap(midLon, graph.VertexLat[t] + 0.001, TravelMode.Walk, 500)!.Value;
        var crow = Geodesy.DistanceM(south.Lon, south.Lat, north.Lon, north.Lat);
        var seconds = Engine.TravelSeconds(south, TravelMode.Walk, SearchDirection.Forward, [north], double.PositiveInfinity)[0];
        Assert.True(seconds * 5 / 3.6 > 2 * crow, $"walked {seconds * 5 / 3.6:F0} m for {crow:F0} m across");
    }
}
