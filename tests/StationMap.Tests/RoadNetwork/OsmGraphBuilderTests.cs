using StationMap.Api.Features.RoadNetwork;
using StationMap.Routing;

namespace StationMap.Tests.RoadNetwork;

public sealed class OsmGraphBuilderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("stationmap-osm-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    // A cross: way 10 runs west→east through node 3, way 20 runs south→north through node 3 and is
    // one-way; way 30 is a footway dangling from node 5; way 40 is a building (not a road).
    const string Cross = """
        <?xml version="1.0" encoding="UTF-8"?>
        <osm version="0.6">
          <node id="1" lat="30.2700" lon="120.1500"/>
          <node id="2" lat="30.2700" lon="120.1550"/>
          <node id="3" lat="30.2700" lon="120.1600"/>
          <node id="4" lat="30.2700" lon="120.1650"/>
          <node id="5" lat="30.2650" lon="120.1600"/>
          <node id="6" lat="30.2750" lon="120.1600"/>
          <node id="7" lat="30.2650" lon="120.1650"/>
          <node id="8" lat="30.2800" lon="120.1700"/>
          <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><tag k="highway" v="primary"/><tag k="name" v="体育场路"/></way>
          <way id="20"><nd ref="5"/><nd ref="3"/><nd ref="6"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
          <way id="30"><nd ref="5"/><nd ref="7"/><tag k="highway" v="footway"/></way>
          <way id="40"><nd ref="6"/><nd ref="8"/><nd ref="4"/><tag k="building" v="yes"/></way>
        </osm>
        """;

    [Fact]
    public void Ways_are_split_at_intersections_keeping_their_geometry()
    {
        var built = OsmGraphBuilder.Build(Write("cross.osm", Cross), RoadProfile.Default());
        var g = built.Graph;
        Assert.Equal(6, g.VertexCount);   // 1, 3, 4, 5, 6, 7 (node 2 is a shape point)
        Assert.Equal(5, g.EdgeCount);     // 1-3, 3-4, 5-3, 3-6, 5-7
        var west = Enumerable.Range(0, g.EdgeCount).Single(e => built.EdgeWayIds[e] == 10 && g.VertexLon[g.EdgeSource[e]] == 120.15);
        Assert.Equal(3, g.GeometryOffsets[west + 1] - g.GeometryOffsets[west]);
        Assert.Equal("体育场路", built.EdgeName[west]);
        Assert.InRange(g.EdgeLengthM[west], 960, 965);   // 0.01° of longitude at 30.27°N ≈ 962 m
        Assert.Equal(g.EdgeLengthM[west] / (5 / 3.6), g.ForwardSeconds[(int)TravelMode.Walk][west], 2);
    }

    [Fact]
    public void Oneway_and_footway_rules_reach_the_edges()
    {
        var built = OsmGraphBuilder.Build(Write("cross.osm", Cross), RoadProfile.Default());
        var g = built.Graph;
        foreach (var e in Enumerable.Range(0, g.EdgeCount).Where(e => built.EdgeWayIds[e] == 20))
        {
            Assert.False(float.IsNaN(g.ForwardSeconds[(int)TravelMode.Car][e]));
            Assert.True(float.IsNaN(g.BackwardSeconds[(int)TravelMode.Car][e]));
            Assert.False(float.IsNaN(g.BackwardSeconds[(int)TravelMode.Walk][e]));
        }
        var foot = Enumerable.Range(0, g.EdgeCount).Single(e => built.EdgeWayIds[e] == 30);
        Assert.True(float.IsNaN(g.ForwardSeconds[(int)TravelMode.Car][foot]));
        Assert.True(float.IsNaN(g.ForwardSeconds[(int)TravelMode.Ebike][foot]));
        Assert.Equal("footway", built.EdgeHighway[foot]);
    }

    [Fact]
    public void Missing_garbage_truncated_and_roadless_files_get_clear_errors()
    {
        Assert.Throws<FileNotFoundException>(() => OsmGraphBuilder.Build(Path.Combine(_dir, "none.osm"), RoadProfile.Default()));
        var json = Assert.Throws<FormatException>(() => OsmGraphBuilder.Build(Write("x.osm", "{\"type\": \"FeatureCollection\"}"), RoadProfile.Default()));
        Assert.Contains("not a readable OpenStreetMap file", json.Message);
        var truncated = Assert.Throws<FormatException>(() => OsmGraphBuilder.Build(Write("t.osm", Cross[..(Cross.Length / 2)]), RoadProfile.Default()));
        Assert.Contains("not a readable OpenStreetMap file", truncated.Message);
        var roadless = Assert.Throws<FormatException>(() => OsmGraphBuilder.Build(
            Write("b.osm", "<?xml version=\"1.0\"?><osm version=\"0.6\"><node id=\"1\" lat=\"30\" lon=\"120\"/></osm>"), RoadProfile.Default()));
        Assert.Contains("no routable roads", roadless.Message);
    }
}
