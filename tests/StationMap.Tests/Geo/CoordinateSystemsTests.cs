using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Tests.Geo;

public sealed class CoordinateSystemsTests
{
    // Reference values published in the README of wandergis/coordtransform, the widely used public
    // implementation: wgs84togcj02(116.404, 39.915) = [116.41024449916938, 39.91640428150164],
    // gcj02tobd09(116.404, 39.915) = [116.41036949371029, 39.92133699351022],
    // bd09togcj02(116.404, 39.915) = [116.39762729119315, 39.90865673957631].
    [Fact]
    public void Wgs84_to_Gcj02_matches_the_published_reference_point()
    {
        var (lon, lat) = CoordinateSystems.Wgs84ToGcj02(116.404, 39.915);
        Assert.Equal(116.41024449916938, lon, 9);
        Assert.Equal(39.91640428150164, lat, 9);
    }

    [Fact]
    public void Gcj02_to_Bd09_matches_the_published_reference_point()
    {
        var (lon, lat) = CoordinateSystems.Gcj02ToBd09(116.404, 39.915);
        Assert.Equal(116.41036949371029, lon, 9);
        Assert.Equal(39.92133699351022, lat, 9);
        var (gLon, gLat) = CoordinateSystems.Bd09ToGcj02(116.404, 39.915);
        Assert.Equal(116.39762729119315, gLon, 9);
        Assert.Equal(39.90865673957631, gLat, 9);
    }

    [Theory]
    [InlineData(120.16, 30.27)]
    [InlineData(104.0665, 30.5723)]
    [InlineData(121.4737, 31.2304)]
    [InlineData(87.6168, 43.8256)]
    public void Round_trips_are_exact_to_a_millimetre(double lon, double lat)
    {
        var g = CoordinateSystems.Wgs84ToGcj02(lon, lat);
        var w = CoordinateSystems.Gcj02ToWgs84(g.Lon, g.Lat);
        Assert.Equal(lon, w.Lon, 8);
        Assert.Equal(lat, w.Lat, 8);
        var b = CoordinateSystems.FromWgs84(Crs.Bd09, lon, lat);
        var back = CoordinateSystems.ToWgs84(Crs.Bd09, b.Lon, b.Lat);
        // The published BD-09 inverse alone is approximate (≈ 1e-6°, 0.1 m); ToWgs84 refines it by iteration.
        Assert.Equal(lon, back.Lon, 8);
        Assert.Equal(lat, back.Lat, 8);
    }

    [Fact]
    public void Hangzhou_is_shifted_by_about_520_metres()
    {
        var (lon, lat) = CoordinateSystems.Wgs84ToGcj02(120.16, 30.27);
        Assert.InRange(lon - 120.16, 0.0042, 0.0052);
        Assert.InRange(lat - 30.27, -0.0028, -0.0018);
    }

    [Fact]
    public void Points_outside_China_are_not_shifted()
    {
        Assert.Equal((13.4, 52.5), CoordinateSystems.Wgs84ToGcj02(13.4, 52.5));
        Assert.Equal((-74.0, 40.7), CoordinateSystems.Gcj02ToWgs84(-74.0, 40.7));
    }

    [Theory]
    [InlineData(null, Crs.Wgs84)]
    [InlineData("WGS84", Crs.Wgs84)]
    [InlineData("gcj02", Crs.Gcj02)]
    [InlineData("bd09", Crs.Bd09)]
    public void Parses_crs_names(string? name, Crs expected)
    {
        Assert.True(CoordinateSystems.TryParse(name, out var crs));
        Assert.Equal(expected, crs);
        Assert.False(CoordinateSystems.TryParse("epsg3857", out _));
    }

    [Fact]
    public void Navigation_links_carry_each_app_its_own_coordinates()
    {
        var links = Navigation.For(120.16, 30.27, "文三路暖心驿站", "ebike");
        var (gLon, gLat) = CoordinateSystems.Wgs84ToGcj02(120.16, 30.27);
        var (bLon, bLat) = CoordinateSystems.Gcj02ToBd09(gLon, gLat);
        Assert.Contains($"to={gLon:0.000000},{gLat:0.000000},", links.Amap);
        Assert.Contains("coordinate=gaode", links.Amap);
        Assert.Contains("mode=ride", links.Amap);
        Assert.Contains($"latlng:{bLat:0.000000},{bLon:0.000000}", links.Baidu);
        Assert.Contains("coord_type=bd09ll", links.Baidu);
        Assert.Contains($"daddr={gLat:0.000000},{gLon:0.000000}", links.Apple);
        Assert.Contains(Uri.EscapeDataString("文三路暖心驿站"), links.Amap);
        Assert.DoesNotContain("120.160000", links.Amap);
    }
}
