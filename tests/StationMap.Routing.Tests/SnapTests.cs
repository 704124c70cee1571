namespace StationMap.Routing.Tests;

public class SnapTests
{
    private static readonly LocalProjection Frame = TestGraphBuilder.Frame;

    [Fact]
    public void Snaps_to_the_nearest_edge_with_fraction_by_length_along_a_bent_geometry()
    {
        // Edge 0: (0,0) → (300,0) → (300,100): 400 m long, bent. Edge 1 far away.
        var b = new TestGraphBuilder();
        var a = b.AddVertex(0, 0);
        var c = b.AddVertex(300, 100);
        var d = b.AddVertex(2000, 2000);
        var bent = b.AddRoad(a, c, TestGraphs.CitySpeeds, via: (300, 0));
        b.AddRoad(c, d, TestGraphs.CitySpeeds);
        var engine = new RoutingEngine(b.Build());

        // 20 m east of the second leg, 50 m up it: 350 m of 400 along the edge.
        var snap = engine.Snap(Frame.Lon(320), Frame.Lat(50), TravelMode.Walk, 100);
        Assert.NotNull(snap);
        Assert.Equal(bent, snap.Value.Edge);
        Assert.Equal(350.0 / 400, snap.Value.Fraction, 1e-4);
        Assert.Equal(20, snap.Value.DistanceM, 0.05);
        Assert.Equal(Frame.Lon(300), snap.Value.Lon, 1e-8);
        Assert.Equal(Frame.Lat(50), snap.Value.Lat, 1e-8);
    }

    [Fact]
    public void Skips_edges_the_mode_may_not_use_and_respects_the_maximum_distance()
    {
        // A motorway (car only) at y = 0 and a street at y = 60.
        var b = new TestGraphBuilder();
        var m0 = b.AddVertex(0, 0);
        var m1 = b.AddVertex(1000, 0);
        var s0 = b.AddVertex(0, 60);
        var s1 = b.AddVertex(1000, 60);
        var motorway = b.AddRoad(m0, m1, [0, 0, 25], oneWayForVehicles: true);
        var street = b.AddRoad(s0, s1, TestGraphs.CitySpeeds);
        var engine = new RoutingEngine(b.Build());
        double lon = Frame.Lon(500), lat = Frame.Lat(10);

        Assert.Equal(motorway, engine.Snap(lon, lat, TravelMode.Car, 100)!.Value.Edge);
        var bike = engine.Snap(lon, lat, TravelMode.Ebike, 100);
        Assert.Equal(street, bike!.Value.Edge);
        Assert.Equal(50, bike.Value.DistanceM, 0.05);

        Assert.Null(engine.Snap(lon, lat, TravelMode.Ebike, 45));
        Assert.NotNull(engine.Snap(lon, lat, TravelMode.Ebike, 55));
        Assert.Null(engine.Snap(Frame.Lon(500), Frame.Lat(-3000), TravelMode.Car, 500));

        // Without a limit even a point on another continent snaps (the API always passes a limit).
        var far = engine.Snap(0, 0, TravelMode.Car, double.PositiveInfinity);
        Assert.Equal(motorway, far!.Value.Edge);
        Assert.True(far.Value.DistanceM > 1e6);
    }

    [Theory]
    [InlineData(21, null)]
    [InlineData(22, 15.0)]
    [InlineData(23, 400.0)]
    public void Agrees_with_a_brute_force_scan_of_every_segment(int seed, double? cellSizeM)
    {
        var data = TestGraphs.Random(seed, vertices: 80, edges: 200);
        var engine = new RoutingEngine(data, cellSizeM);
        var rng = new Random(seed);
        var found = 0;
        for (var q = 0; q < 300; q++)
        {
            double x = rng.NextDouble() * 2400 - 200, y = rng.NextDouble() * 2400 - 200;
            var mode = TravelModes.All[q % 3];
            var maxM = rng.Next(4) == 0 ? 30 : 500;
            var snap = engine.Snap(Frame.Lon(x), Frame.Lat(y), mode, maxM);
            var (edge, distance) = BruteForce(data, engine.Graph, mode, Frame.Lon(x), Frame.Lat(y));
            if (distance > maxM + 0.01)
            {
                Assert.Null(snap);
                continue;
            }

            if (distance > maxM - 0.01)
            {
                continue; // within rounding of the limit either answer is right
            }

            Assert.NotNull(snap);
            found++;
            Assert.Equal(distance, snap.Value.DistanceM, 0.01);
            Assert.True(engine.Graph.IsUsable(mode, snap.Value.Edge));
            if (snap.Value.Edge != edge)
            {
                // Only an exact tie (shared end vertex) may pick another edge.
                Assert.Equal(distance, BruteForceEdge(data, snap.Value.Edge, Frame.Lon(x), Frame.Lat(y)), 0.01);
            }
        }

        Assert.True(found > 100, $"only {found} points snapped");
    }

    private static (int Edge, double DistanceM) BruteForce(GraphData g, RoutingGraph graph, TravelMode mode, double lon, double lat)
    {
        var best = (Edge: -1, DistanceM: double.PositiveInfinity);
        for (var e = 0; e < g.EdgeCount; e++)
        {
            if (graph.IsUsable(mode, e))
            {
                var d = BruteForceEdge(g, e, lon, lat);
                if (d < best.DistanceM)
                {
                    best = (e, d);
                }
            }
        }

        return best;
    }

    private static double BruteForceEdge(GraphData g, int e, double lon, double lat)
    {
        // Independent of the index: project around the query point itself.
        var p = new LocalProjection(lon, lat);
        var best = double.PositiveInfinity;
        for (var k = g.GeometryOffsets[e]; k < g.GeometryOffsets[e + 1] - 1; k++)
        {
            double ax = p.X(g.GeometryLon[k]), ay = p.Y(g.GeometryLat[k]);
            double bx = p.X(g.GeometryLon[k + 1]), by = p.Y(g.GeometryLat[k + 1]);
            double dx = bx - ax, dy = by - ay;
            var len2 = dx * dx + dy * dy;
            var t = len2 > 0 ? Math.Clamp(-(ax * dx + ay * dy) / len2, 0, 1) : 0;
            best = Math.Min(best, Math.Sqrt(Math.Pow(ax + t * dx, 2) + Math.Pow(ay + t * dy, 2)));
        }

        return best;
    }
}
