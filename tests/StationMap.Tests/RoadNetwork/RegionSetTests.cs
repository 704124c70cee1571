using NetTopologySuite.Geometries;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Tests.RoadNetwork;

public class RegionSetTests
{
    static Polygon Box(double west, double south, double east, double north) =>
        (Polygon)RoutingEngine.GeometryFactory.ToGeometry(new Envelope(west, east, south, north));

    // The set only reads the info and the area; no engine is needed to route a point to its region.
    static LoadedGraph Region(string name, long version, Polygon hull, int edges = 100) =>
        new(new GraphInfo(version, name, "synthetic", null, 10, edges), null!, DateTimeOffset.UnixEpoch, new RegionArea(hull));

    [Fact]
    public void A_point_goes_to_the_region_whose_hull_covers_it_and_overlaps_go_to_the_newest()
    {
        var set = new RegionSet([Region("west", 1, Box(104, 30, 104.2, 30.2)), Region("east", 2, Box(121, 31, 121.2, 31.2)),
            Region("east-new", 5, Box(121.1, 31.1, 121.3, 31.3))]);
        Assert.Equal("west", set.Find(104.1, 30.1)?.Info.Region);
        Assert.Equal("east", set.Find(121.05, 31.05)?.Info.Region);
        Assert.Equal("east-new", set.Find(121.15, 31.15)?.Info.Region);   // in both: the higher version
        Assert.Equal("west", set.Find(104.2, 30.1)?.Info.Region);          // on the ring counts as inside
        Assert.Null(set.Find(110, 30));
        Assert.True(set.HasVersion(5));
        Assert.False(set.HasVersion(3));
    }

    [Fact]
    public void The_nearest_region_and_its_distance_agree_with_the_geodesic_distance_to_its_hull()
    {
        var set = new RegionSet([Region("chengdu", 1, Box(104, 30.5, 104.2, 30.7)), Region("shanghai", 2, Box(121.4, 31.2, 121.5, 31.3))]);
        // Due east of Chengdu's box at its middle latitude: the nearest point is on the east side at the same latitude.
        var (region, distance) = set.Nearest(105, 30.6)!.Value;
        Assert.Equal("chengdu", region.Info.Region);
        Assert.Equal(Geodesic.PostgisDistance(105, 30.6, 104.2, 30.6), distance, 1);
        Assert.Equal(0, set.Nearest(104.1, 30.6)!.Value.DistanceM);
        Assert.Null(RegionSet.Empty.Nearest(105, 30.6));
    }

    [Fact]
    public void The_default_region_covers_the_map_centre_or_is_the_largest()
    {
        var set = new RegionSet([Region("small", 1, Box(120, 30, 120.5, 30.5), edges: 10), Region("large", 2, Box(104, 30, 104.5, 30.5), edges: 1000)]);
        Assert.Equal("small", set.Default(120.2, 30.2)?.Info.Region);
        Assert.Equal("large", set.Default(0, 0)?.Info.Region);
        Assert.Null(RegionSet.Empty.Default(0, 0));
    }

    [Fact]
    public void A_graphs_hull_is_its_vertices_convex_hull_widened_by_the_snap_limit()
    {
        var built = DemoRoadNetwork.Generate(7, 10, 120, 30, 150);
        var hull = RegionHull.Compute(built.Graph)!;
        Assert.True(hull.IsValid);
        var area = new RegionArea(hull);
        for (var v = 0; v < built.Graph.VertexCount; v++) Assert.True(area.Covers(built.Graph.VertexLon[v], built.Graph.VertexLat[v]));
        // West of the grid's south-west vertex (120, 30): 300 m out is inside the 500 m margin, 700 m out is not, 1.5 km out is 1 km from the hull.
        var metresPerDegLat = 110_574.0;
        var metresPerDegLon = metresPerDegLat * Math.Cos(30 * Math.PI / 180);
        Assert.True(area.Covers(120 - 300 / metresPerDegLon, 30));
        Assert.False(area.Covers(120 - 700 / metresPerDegLon, 30));
        Assert.InRange(area.DistanceM(120 - 1500 / metresPerDegLon, 30), 950, 1050);
    }
}
