using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace StationMap.Routing.Tests;

public class IsochroneTests
{
    private static readonly LocalProjection Frame = TestGraphBuilder.Frame;
    private static readonly double[] Bands = [5, 10, 15];

    public static TheoryData<TravelMode, SearchDirection> ModesAndDirections => new()
    {
        { TravelMode.Walk, SearchDirection.Forward },
        { TravelMode.Walk, SearchDirection.Reverse },
        { TravelMode.Ebike, SearchDirection.Forward },
        { TravelMode.Ebike, SearchDirection.Reverse },
    };

    [Theory]
    [MemberData(nameof(ModesAndDirections))]
    public void Bands_are_valid_nested_and_grow(TravelMode mode, SearchDirection direction)
    {
        // The test city is 5 km across: e-bike bands are kept short enough not to fill it.
        var engine = new RoutingEngine(OneWayCity());
        double[] minutes = mode == TravelMode.Walk ? [15, 5, 10] : [9, 3, 6];
        var iso = engine.Isochrone(Frame.Lon(2030), Frame.Lat(1990), mode, direction, minutes, 100)!;

        Assert.Equal(minutes.Order(), iso.Bands.Select(b => b.Minutes));
        foreach (var band in iso.Bands)
        {
            Assert.True(band.Geometry.IsValid, $"{band.Minutes} min band is invalid");
            Assert.IsAssignableFrom<IPolygonal>(band.Geometry);
            Assert.Equal(4326, band.Geometry.SRID);
            Assert.True(band.AreaKm2 > 0);
        }

        for (var b = 1; b < iso.Bands.Count; b++)
        {
            Assert.True(iso.Bands[b].Geometry.Covers(iso.Bands[b - 1].Geometry), $"{iso.Bands[b].Minutes} min does not cover {iso.Bands[b - 1].Minutes} min");
            Assert.True(iso.Bands[b].AreaKm2 > iso.Bands[b - 1].AreaKm2 * 1.5);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(60.0)]
    public void Bands_stay_exactly_nested_with_thin_roads_and_many_holes(double marginM)
    {
        // Without much margin every block is a hole and contours of different bands run close together:
        // the case where simplifying each band on its own lets an outer band cut an inner one.
        var engine = new RoutingEngine(OneWayCity());
        var rng = new Random(5);
        for (var q = 0; q < 12; q++)
        {
            var iso = engine.Isochrone(Frame.Lon(rng.NextDouble() * 5000), Frame.Lat(rng.NextDouble() * 5000), TravelMode.Ebike,
                SearchDirection.Reverse, [3, 6, 9], 100, new IsochroneOptions { OffRoadMarginM = marginM })!;
            for (var b = 1; b < iso.Bands.Count; b++)
            {
                Assert.True(iso.Bands[b].Geometry.IsValid);
                Assert.True(iso.Bands[b].Geometry.Covers(iso.Bands[b - 1].Geometry), $"query {q}: {iso.Bands[b].Minutes} min does not cover {iso.Bands[b - 1].Minutes} min");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ModesAndDirections))]
    public void Every_reached_vertex_lies_within_one_cell_of_its_band(TravelMode mode, SearchDirection direction)
    {
        var engine = new RoutingEngine(OneWayCity());
        var origin = engine.Snap(Frame.Lon(1510), Frame.Lat(2420), mode, 100)!.Value;
        var iso = engine.Isochrone(origin, mode, direction, Bands);
        var reach = engine.Search(origin, mode, direction, Bands[^1] * 60);
        var local = new LocalProjection(origin.Lon, origin.Lat);
        var checkedVertices = 0;
        foreach (var band in iso.Bands)
        {
            var polygon = ToMetres(band.Geometry, local);
            for (var i = 0; i < reach.Vertices.Count; i++)
            {
                if (reach.Seconds[i] > band.Minutes * 60)
                {
                    break;
                }

                var v = reach.Vertices[i];
                var point = new Point(local.X(engine.Graph.Data.VertexLon[v]), local.Y(engine.Graph.Data.VertexLat[v]));
                var distance = polygon.Distance(point);
                Assert.True(distance <= iso.CellSizeM, $"vertex {v} at {reach.Seconds[i]:F0} s is {distance:F0} m outside the {band.Minutes} min band");
                checkedVertices++;
            }
        }

        Assert.True(checkedVertices > 100);
    }

    [Fact]
    public void Unreached_vertices_far_beyond_the_cut_off_are_outside()
    {
        var engine = new RoutingEngine(TestGraphs.Grid(41, 100));
        var origin = engine.Snap(Frame.Lon(2000), Frame.Lat(2000), TravelMode.Walk, 50)!.Value;
        var iso = engine.Isochrone(origin, TravelMode.Walk, SearchDirection.Forward, [10]);
        var all = engine.Search(origin, TravelMode.Walk, SearchDirection.Forward, 3600);
        var polygon = iso.Bands[0].Geometry;
        var outside = 0;
        for (var i = 0; i < all.Vertices.Count; i++)
        {
            // Beyond 10 min plus the off-road margin (120 m at 5 km/h ≈ 86 s) and a cell of slack.
            if (all.Seconds[i] > 600 + 86 + 30)
            {
                var v = all.Vertices[i];
                Assert.False(polygon.Contains(new Point(engine.Graph.Data.VertexLon[v], engine.Graph.Data.VertexLat[v])), $"vertex {v} at {all.Seconds[i]:F0} s is inside");
                outside++;
            }
        }

        Assert.True(outside > 500);
    }

    [Fact]
    public void A_point_across_a_river_without_a_nearby_bridge_is_outside()
    {
        // 21 × 21 streets 100 m apart; a 600 m river east of column 10; the only bridge at row 0, 1 km south.
        var engine = new RoutingEngine(TestGraphs.Grid(21, 100, riverFromColumn: 10, riverWidthM: 600, bridgeRow: 0));
        var iso = engine.Isochrone(Frame.Lon(980), Frame.Lat(1800), TravelMode.Walk, SearchDirection.Forward, [15], 50)!;
        var band = iso.Bands[0].Geometry;

        // Across the river, 700 m as the crow flies: the walk there is 1.8 km south, the bridge and back.
        Assert.False(band.Contains(new Point(Frame.Lon(1620), Frame.Lat(1800))));
        Assert.False(band.Contains(new Point(Frame.Lon(1300), Frame.Lat(1800))), "the middle of the river is inside");

        // The same distance on the near bank is inside, so the test can tell the two apart.
        Assert.True(band.Contains(new Point(Frame.Lon(980), Frame.Lat(1100))));
        Assert.True(band.Contains(new Point(Frame.Lon(300), Frame.Lat(1800))));
        Assert.True(band.IsValid);
    }

    [Fact]
    public void The_river_is_a_hole_when_both_banks_are_reached()
    {
        // The origin sits by the bridge, so both banks are reached; the river between stays out as a hole
        // or as a notch, but not filled.
        var engine = new RoutingEngine(TestGraphs.Grid(21, 100, riverFromColumn: 10, riverWidthM: 600, bridgeRow: 10));
        var iso = engine.Isochrone(Frame.Lon(1000), Frame.Lat(1000), TravelMode.Ebike, SearchDirection.Forward, [10], 50)!;
        var band = iso.Bands[0].Geometry;
        Assert.True(band.Contains(new Point(Frame.Lon(1700), Frame.Lat(1600))), "far bank not reached over the bridge");
        Assert.False(band.Contains(new Point(Frame.Lon(1300), Frame.Lat(1600))), "river filled in");
        Assert.True(band.Contains(new Point(Frame.Lon(1300), Frame.Lat(1000))), "the bridge itself is outside");
        Assert.True(((Polygon)band).NumInteriorRings >= 1 || band.Contains(new Point(Frame.Lon(1300), Frame.Lat(1020))));
    }

    [Fact]
    public void City_blocks_between_reached_roads_are_inside_not_holes()
    {
        // 250 m blocks; an e-bike covers them easily in 10 minutes.
        var engine = new RoutingEngine(TestGraphs.Grid(17, 250));
        var iso = engine.Isochrone(Frame.Lon(2000), Frame.Lat(2000), TravelMode.Ebike, SearchDirection.Forward, [10], 50)!;
        var band = iso.Bands[0].Geometry;
        Assert.IsType<Polygon>(band);
        Assert.Equal(0, ((Polygon)band).NumInteriorRings);
        for (var bx = 1000; bx < 3000; bx += 250)
        {
            for (var by = 1000; by < 3000; by += 250)
            {
                Assert.True(band.Contains(new Point(Frame.Lon(bx + 125), Frame.Lat(by + 125))), $"block at {bx},{by} is a hole");
            }
        }
    }

    [Fact]
    public void A_frontier_edge_is_covered_up_to_the_cut_off_and_no_farther()
    {
        // One 3 km straight street; walking 5 min (300 s × 1.389 m/s ≈ 417 m) east from its west end.
        var b = new TestGraphBuilder();
        var w = b.AddVertex(0, 0);
        var e = b.AddVertex(3000, 0);
        b.AddRoad(w, e, TestGraphs.CitySpeeds);
        var engine = new RoutingEngine(b.Build());

        // From the vertex, so the only piece is an edge whose far end is never reached.
        var iso = engine.IsochroneFromVertex(w, TravelMode.Walk, SearchDirection.Forward, [5], new IsochroneOptions { OffRoadMarginM = 0 });
        var band = iso.Bands[0].Geometry;

        Assert.True(band.IsValid);
        Assert.True(band.Intersects(new Point(Frame.Lon(380), Frame.Lat(0))) || band.Distance(new Point(Frame.Lon(380), Frame.Lat(0))) < 1e-5);
        Assert.False(band.Intersects(new Point(Frame.Lon(500), Frame.Lat(0))));
        var eastMost = band.EnvelopeInternal.MaxX;
        Assert.InRange(Frame.X(eastMost), 417 - 35, 417 + 35);
    }

    [Fact]
    public void Start_edge_is_covered_from_the_snapped_point_in_the_allowed_direction()
    {
        // A 2 km one-way street for e-bikes: from its middle an e-bike goes east only.
        var b = new TestGraphBuilder();
        var w = b.AddVertex(0, 0);
        var e = b.AddVertex(2000, 0);
        b.AddRoad(w, e, TestGraphs.CitySpeeds, oneWayForVehicles: true);
        var engine = new RoutingEngine(b.Build());
        var origin = engine.Snap(Frame.Lon(1000), Frame.Lat(5), TravelMode.Ebike, 10)!.Value;
        var iso = engine.Isochrone(origin, TravelMode.Ebike, SearchDirection.Forward, [1]);
        var envelope = iso.Bands[0].Geometry.EnvelopeInternal;

        // 60 s at 5 m/s = 300 m east, plus the off-road margin; nothing west beyond the margin.
        Assert.InRange(Frame.X(envelope.MaxX), 1300, 1300 + 180 + 60);
        Assert.InRange(Frame.X(envelope.MinX), 1000 - 180 - 60, 1000);

        var reverse = engine.Isochrone(origin, TravelMode.Ebike, SearchDirection.Reverse, [1]).Bands[0].Geometry.EnvelopeInternal;
        Assert.InRange(Frame.X(reverse.MinX), 700 - 180 - 60, 700);
        Assert.InRange(Frame.X(reverse.MaxX), 1000, 1000 + 180 + 60);
    }

    [Fact]
    public void Area_is_plausible_for_a_walk_on_a_dense_grid()
    {
        // 15 min at 5 km/h = 1250 m of street; on a Manhattan grid that is a diamond of 2 × 1.25² ≈ 3.1 km²,
        // widened a little by the 120 m off-road margin.
        var engine = new RoutingEngine(TestGraphs.Grid(41, 100));
        var iso = engine.Isochrone(Frame.Lon(2000), Frame.Lat(2000), TravelMode.Walk, SearchDirection.Forward, [15], 50)!;
        Assert.InRange(iso.Bands[0].AreaKm2, 3.1, 2 * Math.Pow(1.25 + 0.12, 2));

        // The area agrees with the polygon measured independently in metres.
        var metres = ToMetres(iso.Bands[0].Geometry, new LocalProjection(iso.Origin!.Value.Lon, iso.Origin.Value.Lat));
        Assert.Equal(metres.Area / 1e6, iso.Bands[0].AreaKm2, 0.01);
    }

    [Fact]
    public void Vertex_origin_and_degenerate_graphs_still_give_valid_polygons()
    {
        var b = new TestGraphBuilder();
        var a = b.AddVertex(0, 0);
        var c = b.AddVertex(0, 0.5);
        b.AddRoad(a, c, TestGraphs.CitySpeeds);
        var engine = new RoutingEngine(b.Build());
        var iso = engine.IsochroneFromVertex(a, TravelMode.Walk, SearchDirection.Forward, [1, 2]);
        Assert.All(iso.Bands, band => Assert.True(band.Geometry.IsValid && !band.Geometry.IsEmpty));
        Assert.True(iso.Bands[0].Geometry.Contains(new Point(Frame.Lon(0), Frame.Lat(0))));
    }

    [Fact]
    public void Outside_the_network_gives_no_isochrone_and_bad_minutes_are_rejected()
    {
        var engine = new RoutingEngine(TestGraphs.Grid(5, 100));
        Assert.Null(engine.Isochrone(Frame.Lon(5000), Frame.Lat(5000), TravelMode.Walk, SearchDirection.Forward, [5], 200));
        var origin = engine.Snap(Frame.Lon(0), Frame.Lat(0), TravelMode.Walk, 10)!.Value;
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Isochrone(origin, TravelMode.Walk, SearchDirection.Forward, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Isochrone(origin, TravelMode.Walk, SearchDirection.Forward, [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Isochrone(origin, TravelMode.Walk, SearchDirection.Forward, [double.NaN]));
    }

    [Fact]
    public void A_huge_reach_coarsens_the_grid_instead_of_exhausting_memory()
    {
        var engine = new RoutingEngine(TestGraphs.Grid(41, 250));
        var iso = engine.Isochrone(Frame.Lon(5000), Frame.Lat(5000), TravelMode.Car, SearchDirection.Forward, [30],
            100, new IsochroneOptions { CellSizeM = 5, MaxGridNodes = 40_000 })!;
        Assert.True(iso.CellSizeM > 5);
        Assert.True(iso.Bands[0].Geometry.IsValid);
        Assert.InRange(iso.Bands[0].AreaKm2, 90, 130); // the whole 10 × 10 km grid plus margins
    }

    /// <summary>
    /// A 5 km square city: 100 m local streets, every fifth street an arterial; alternate arterials are
    /// one-way pairs for vehicles.
    /// </summary>
    private static GraphData OneWayCity()
    {
        const int n = 51;
        var b = new TestGraphBuilder();
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                b.AddVertex(i * 100, j * 100);
            }
        }

        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                var v = i + j * n;
                if (i + 1 < n)
                {
                    var eastbound = j % 10 == 0;
                    var westbound = j % 10 == 5;
                    if (westbound)
                    {
                        b.AddRoad(v + 1, v, TestGraphs.CitySpeeds, oneWayForVehicles: true);
                    }
                    else
                    {
                        b.AddRoad(v, v + 1, TestGraphs.CitySpeeds, oneWayForVehicles: eastbound);
                    }
                }

                if (j + 1 < n)
                {
                    b.AddRoad(v, v + n, TestGraphs.CitySpeeds);
                }
            }
        }

        return b.Build();
    }

    private static Geometry ToMetres(Geometry g, LocalProjection p) =>
        new AffineTransformation()
            .Translate(-p.Lon0, -p.Lat0)
            .Scale(p.MetresPerDegreeLon, p.MetresPerDegreeLat)
            .Transform(g);
}
