using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Tests.Geo;

/// <summary>The one polygon writer: RFC 7946 winding, no repeated positions, no specks below the cell area.</summary>
public sealed class GeoJsonGeometryTests
{
    static readonly GeometryFactory F = new(new PrecisionModel(), 4326);

    static LinearRing Ring(params (double X, double Y)[] points) => F.CreateLinearRing(points.Select(p => new Coordinate(p.X, p.Y)).ToArray());

    // About 1 km square near Hangzhou, clockwise (the wrong way for an outer ring), with a clockwise 200 m hole (wrong for a hole too).
    static readonly LinearRing ClockwiseShell = Ring((120.10, 30.20), (120.10, 30.21), (120.11, 30.21), (120.11, 30.20), (120.10, 30.20));
    static readonly LinearRing CounterClockwiseHole = Ring((120.104, 30.204), (120.106, 30.204), (120.106, 30.206), (120.104, 30.206), (120.104, 30.204));

    static double Signed(JsonArray ring)
    {
        double sum = 0;
        for (var i = 0; i + 1 < ring.Count; i++)
            sum += (double)ring[i]![0]! * (double)ring[i + 1]![1]! - (double)ring[i + 1]![0]! * (double)ring[i]![1]!;
        return sum / 2;
    }

    [Fact]
    public void Outer_rings_are_written_counter_clockwise_and_holes_clockwise()
    {
        var polygon = F.CreatePolygon(ClockwiseShell, [CounterClockwiseHole]);
        var rings = GeoJsonGeometry.Write(polygon, Crs.Wgs84)!["coordinates"]![0]!.AsArray();
        Assert.Equal(2, rings.Count);
        Assert.True(Signed(rings[0]!.AsArray()) > 0, "outer ring must be counter-clockwise");
        Assert.True(Signed(rings[1]!.AsArray()) < 0, "hole must be clockwise");
    }

    [Fact]
    public void Winding_holds_after_conversion_to_gcj02()
    {
        var polygon = F.CreatePolygon(ClockwiseShell);
        var ring = GeoJsonGeometry.Write(polygon, Crs.Gcj02)!["coordinates"]![0]![0]!.AsArray();
        Assert.True(Signed(ring) > 0);
    }

    [Fact]
    public void Positions_that_round_to_the_same_value_are_written_once()
    {
        // Two vertices 1e-8° apart: the same position at 6 decimals.
        var shell = Ring((120.10, 30.20), (120.11, 30.20), (120.11, 30.21), (120.11000001, 30.21000001), (120.10, 30.21), (120.10, 30.20));
        var ring = GeoJsonGeometry.Write(F.CreatePolygon(shell), Crs.Wgs84)!["coordinates"]![0]![0]!.AsArray();
        Assert.Equal(5, ring.Count);
        for (var i = 0; i + 1 < ring.Count; i++) Assert.NotEqual(ring[i]!.ToJsonString(), ring[i + 1]!.ToJsonString());
        Assert.Equal(ring[0]!.ToJsonString(), ring[^1]!.ToJsonString());
    }

    [Fact]
    public void Parts_and_holes_smaller_than_the_cell_are_dropped()
    {
        // A 1 km square with a 200 m hole, plus a 20 m speck beside it; a 60 m cell is 3,600 m².
        var speck = Ring((120.12, 30.20), (120.1202, 30.20), (120.1202, 30.2002), (120.12, 30.2002), (120.12, 30.20));
        var smallHole = Ring((120.101, 30.201), (120.1011, 30.201), (120.1011, 30.2011), (120.101, 30.2011), (120.101, 30.201));
        var geometry = F.CreateMultiPolygon([F.CreatePolygon(ClockwiseShell, [CounterClockwiseHole, smallHole]), F.CreatePolygon(speck)]);
        var parts = GeoJsonGeometry.Write(geometry, Crs.Wgs84, GeoJsonGeometry.CellArea(60))!["coordinates"]!.AsArray();
        Assert.Single(parts);
        Assert.Equal(2, parts[0]!.AsArray().Count); // the shell and the 200 m hole; the 10 m hole is gone
        // Without a threshold every part and hole stays.
        var all = GeoJsonGeometry.Write(geometry, Crs.Wgs84)!["coordinates"]!.AsArray();
        Assert.Equal(2, all.Count);
        Assert.Equal(3, all[0]!.AsArray().Count);
    }
}
