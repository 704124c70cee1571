namespace StationMap.Routing.Tests;

public class SearchTests
{
    private static readonly SearchDirection[] Directions = [SearchDirection.Forward, SearchDirection.Reverse];

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Vertex_search_matches_Bellman_Ford_on_random_multigraphs(int seed)
    {
        var data = TestGraphs.Random(seed, vertices: 40, edges: 110);
        var engine = new RoutingEngine(data);
        var rng = new Random(seed);
        var compared = 0;
        foreach (var mode in TravelModes.All)
        {
            foreach (var direction in Directions)
            {
                var origin = rng.Next(data.VertexCount);
                var bound = 60 + rng.NextDouble() * 240;
                var expected = Oracle.BellmanFord(data, mode, direction, (origin, 0));
                var reach = engine.SearchFromVertex(origin, mode, direction, bound);
                compared += AssertSameReach(expected, bound, reach);
            }
        }

        Assert.True(compared > 20, $"only {compared} vertices reached: the test graph is too sparse to mean anything");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Fractional_start_equals_a_search_from_a_vertex_splitting_the_edge(int seed)
    {
        var data = TestGraphs.Random(seed + 100, vertices: 40, edges: 110);
        var engine = new RoutingEngine(data);
        var rng = new Random(seed);
        foreach (var mode in TravelModes.All)
        {
            foreach (var direction in Directions)
            {
                int edge;
                do
                {
                    edge = rng.Next(data.EdgeCount);
                }
                while (!engine.Graph.IsUsable(mode, edge) || data.EdgeSource[edge] == data.EdgeTarget[edge]);

                var fraction = rng.NextDouble();
                var bound = 100 + rng.NextDouble() * 200;
                var split = Oracle.SplitEdge(data, edge, fraction);
                var expected = Oracle.BellmanFord(split, mode, direction, (data.VertexCount, 0))[..data.VertexCount];
                var reach = engine.Search(new SnapResult(edge, fraction, 0, 0, 0), mode, direction, bound);

                // The split graph stores its partial costs as float, hence the looser tolerance. A vertex
                // within that rounding of the bound could flip in or out; these seeds have none.
                AssertSameReach(expected, bound, reach, tolerance: 1e-3);
            }
        }
    }

    [Fact]
    public void Fractional_start_costs_the_partial_edge_to_each_end_the_direction_allows()
    {
        // 0 --(one way for vehicles, 100 s e-bike)--> 1 and a walk-only dead end 1 --> 2.
        var b = new TestGraphBuilder();
        var v0 = b.AddVertex(0, 0);
        var v1 = b.AddVertex(500, 0);
        var e = b.AddEdge(v0, v1, [360f, 100f, 50f], [360f, float.NaN, float.NaN]);
        var engine = new RoutingEngine(b.Build());
        var at = new SnapResult(e, 0.3, 0, 0, 0);

        var bike = engine.Search(at, TravelMode.Ebike, SearchDirection.Forward, 1000);
        Assert.Equal([v1], bike.Vertices);
        Assert.Equal(70, bike.Seconds[0], 9);

        var walk = engine.Search(at, TravelMode.Walk, SearchDirection.Forward, 1000);
        Assert.Equal(108, walk.Seconds[walk.Vertices.ToList().IndexOf(v0)], 9);
        Assert.Equal(252, walk.Seconds[walk.Vertices.ToList().IndexOf(v1)], 9);

        // Reverse: who can reach the point. By e-bike only from 0 (30 s), not from 1 (one way).
        var toBike = engine.Search(at, TravelMode.Ebike, SearchDirection.Reverse, 1000);
        Assert.Equal([v0], toBike.Vertices);
        Assert.Equal(30, toBike.Seconds[0], 9);

        // The bound cuts: 50 s of walking reaches neither end.
        Assert.Empty(engine.Search(at, TravelMode.Walk, SearchDirection.Forward, 50).Vertices);
    }

    [Fact]
    public void One_way_streets_bind_vehicles_but_not_pedestrians()
    {
        // A ring 0 → 1 → 2 → 3 → 0, one way for vehicles.
        var b = new TestGraphBuilder();
        var v = new[] { (0, 0), (400, 0), (400, 400), (0, 400) }.Select(p => b.AddVertex(p.Item1, p.Item2)).ToArray();
        for (var i = 0; i < 4; i++)
        {
            b.AddRoad(v[i], v[(i + 1) % 4], TestGraphs.CitySpeeds, oneWayForVehicles: true);
        }

        var engine = new RoutingEngine(b.Build());
        var car = engine.SearchFromVertex(v[0], TravelMode.Car, SearchDirection.Forward, 10_000);
        var walk = engine.SearchFromVertex(v[0], TravelMode.Walk, SearchDirection.Forward, 10_000);
        var carTo3 = car.Seconds[car.Vertices.ToList().IndexOf(v[3])];
        var walkTo3 = walk.Seconds[walk.Vertices.ToList().IndexOf(v[3])];

        // By car 0 → 3 goes the long way round (three edges); on foot one edge back.
        Assert.Equal(3 * engine.Graph.ForwardSeconds(TravelMode.Car, 0), carTo3, 3);
        Assert.Equal(engine.Graph.BackwardSeconds(TravelMode.Walk, 3), walkTo3, 3);
        Assert.True(double.IsNaN(engine.Graph.BackwardSeconds(TravelMode.Car, 3)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Reverse_search_equals_forward_search_on_the_transposed_graph(int seed)
    {
        var data = TestGraphs.Random(seed + 200, vertices: 50, edges: 140);
        var engine = new RoutingEngine(data);
        var transposed = new RoutingEngine(Oracle.Transpose(data));
        var rng = new Random(seed);
        var compared = 0;
        foreach (var mode in TravelModes.All)
        {
            var edge = Enumerable.Range(0, data.EdgeCount).First(e => engine.Graph.IsUsable(mode, e) && rng.Next(3) == 0);
            var f = rng.NextDouble();
            var reverse = engine.Search(new SnapResult(edge, f, 0, 0, 0), mode, SearchDirection.Reverse, 400);
            var forward = transposed.Search(new SnapResult(edge, 1 - f, 0, 0, 0), mode, SearchDirection.Forward, 400);
            var want = Times(forward);
            var got = Times(reverse);
            Assert.Equal(want.Keys.Order(), got.Keys.Order());
            compared += want.Count;
            foreach (var (v, t) in want)
            {
                // f and 1 − f round differently, so allow for the last bits.
                Assert.Equal(t, got[v], 1e-9);
            }
        }

        Assert.True(compared > 10, $"only {compared} vertices reached");
    }

    [Theory]
    [InlineData(11, SearchDirection.Forward)]
    [InlineData(12, SearchDirection.Reverse)]
    [InlineData(13, SearchDirection.Reverse)]
    public void Multi_source_search_is_the_minimum_over_single_sources(int seed, SearchDirection direction)
    {
        var data = TestGraphs.Random(seed, vertices: 60, edges: 170);
        var engine = new RoutingEngine(data);
        var rng = new Random(seed);
        const TravelMode mode = TravelMode.Ebike;
        var sources = Enumerable.Range(0, 6)
            .Select(_ => Enumerable.Range(0, data.EdgeCount).Where(e => engine.Graph.IsUsable(mode, e)).ElementAt(rng.Next(40)))
            .Select(e => new SnapResult(e, rng.NextDouble(), 0, 0, 0))
            .ToArray();

        var multi = engine.NearestSources(sources, mode, direction, maxSeconds: 300);
        var singles = sources.Select(s => ToArray(engine.Search(s, mode, direction, 300), data.VertexCount)).ToArray();
        var reached = 0;
        for (var v = 0; v < data.VertexCount; v++)
        {
            var best = singles.Min(t => t[v]);
            Assert.Equal(best, multi.SecondsOf[v], 1e-9);
            if (double.IsFinite(best))
            {
                reached++;
                Assert.Equal(best, singles[multi.SourceOf[v]][v], 1e-9);
            }
            else
            {
                Assert.Equal(-1, multi.SourceOf[v]);
            }
        }

        Assert.True(reached > 10);
    }

    [Fact]
    public void Travel_seconds_to_points_include_the_partial_edges_and_the_shared_edge()
    {
        var data = TestGraphs.Grid(6, 200);
        var engine = new RoutingEngine(data);
        var origin = engine.Snap(TestGraphBuilder.Frame.Lon(310), TestGraphBuilder.Frame.Lat(0), TravelMode.Walk, 50)!.Value;
        var sameEdge = engine.Snap(TestGraphBuilder.Frame.Lon(250), TestGraphBuilder.Frame.Lat(0), TravelMode.Walk, 50)!.Value;
        var elsewhere = engine.Snap(TestGraphBuilder.Frame.Lon(600), TestGraphBuilder.Frame.Lat(100), TravelMode.Walk, 50)!.Value;
        Assert.Equal(origin.Edge, sameEdge.Edge);

        var seconds = engine.TravelSeconds(origin, TravelMode.Walk, SearchDirection.Forward, [sameEdge, elsewhere], 3600);
        var speed = TestGraphs.CitySpeeds[(int)TravelMode.Walk];

        // 60 m back along the same edge; and 290 m east + 100 m north along streets.
        Assert.Equal(60 / speed, seconds[0], 0.01);
        Assert.Equal(390 / speed, seconds[1], 0.01);
        Assert.True(double.IsPositiveInfinity(engine.TravelSeconds(origin, TravelMode.Walk, SearchDirection.Forward, [elsewhere], 200)[0]));

        var nearest = engine.NearestSources([sameEdge, elsewhere], TravelMode.Walk, SearchDirection.Reverse);
        Assert.Equal(0, engine.NearestSourceAt(nearest, origin).Source);
        Assert.Equal(60 / speed, engine.NearestSourceAt(nearest, origin).Seconds, 0.01);
    }

    [Fact]
    public void Concurrent_queries_give_the_same_answers_as_sequential_ones()
    {
        var data = TestGraphs.Grid(30, 120);
        var engine = new RoutingEngine(data);
        var origins = Enumerable.Range(0, 64).Select(i => (i * 37) % data.VertexCount).ToArray();
        var sequential = origins.Select(o => Times(engine.SearchFromVertex(o, TravelMode.Ebike, SearchDirection.Reverse, 400))).ToArray();
        var parallel = new Dictionary<int, double>[origins.Length];
        Parallel.For(0, origins.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => parallel[i] = Times(engine.SearchFromVertex(origins[i], TravelMode.Ebike, SearchDirection.Reverse, 400)));
        for (var i = 0; i < origins.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    private static int AssertSameReach(double[] expected, double bound, ReachResult reach, double tolerance = 1e-9)
    {
        var got = Times(reach);
        var want = Enumerable.Range(0, expected.Length).Where(v => expected[v] <= bound).ToHashSet();
        Assert.Equal(want.Order(), got.Keys.Order());
        foreach (var v in want)
        {
            Assert.Equal(expected[v], got[v], tolerance);
        }

        // Settle order is non-decreasing in time.
        for (var i = 1; i < reach.Seconds.Count; i++)
        {
            Assert.True(reach.Seconds[i - 1] <= reach.Seconds[i]);
        }

        return want.Count;
    }

    private static Dictionary<int, double> Times(ReachResult reach) =>
        reach.Vertices.Select((v, i) => (v, reach.Seconds[i])).ToDictionary(p => p.v, p => p.Item2);

    private static double[] ToArray(ReachResult reach, int n)
    {
        var t = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        for (var i = 0; i < reach.Vertices.Count; i++)
        {
            t[reach.Vertices[i]] = reach.Seconds[i];
        }

        return t;
    }
}
