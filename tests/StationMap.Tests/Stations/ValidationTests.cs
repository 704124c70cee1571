using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Tests.Stations;

public sealed class ValidationTests
{
    [Theory]
    [InlineData(120.0, 30.0, true)]
    [InlineData(-180.0, -90.0, true)]
    [InlineData(180.0, 90.0, true)]
    [InlineData(180.0001, 30.0, false)]
    [InlineData(120.0, -90.5, false)]
    [InlineData(double.NaN, 30.0, false)]
    [InlineData(120.0, double.PositiveInfinity, false)]
    public void Coordinates_must_be_finite_and_in_range(double lon, double lat, bool valid)
    {
        var v = new Validation();
        v.Coordinates(lon, lat);
        Assert.Equal(valid, v.IsValid);
    }

    [Fact]
    public void A_bbox_crossing_the_antimeridian_becomes_two_boxes()
    {
        Assert.True(Bbox.TryParse("170,-10,-170,10", null, out var bbox));
        Assert.Null(bbox.Error);
        var geometry = bbox.ToWgs84(Crs.Wgs84);
        Assert.Equal("MultiPolygon", geometry.GeometryType);
        Assert.Equal(2 * 10 * 20, geometry.Area, 6); // 170..180 and -180..-170, 20° tall
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("a,b,c,d")]
    [InlineData("120,31,121,30")]
    [InlineData("120,30,121,91")]
    [InlineData("120,30,121,NaN")]
    public void Malformed_bboxes_carry_the_bbox_error(string text)
    {
        // Binding never fails on a value type: the API group's filter reports the error by name.
        Assert.True(Bbox.TryParse(text, null, out var bbox));
        Assert.Equal(Bbox.Message, bbox.Error);
    }

    [Fact]
    public void Station_input_names_each_bad_field()
    {
        var input = new StationInput
        {
            Name = " ",
            Lon = 200,
            Lat = 30,
            Tier = "gold",
            OpeningHours = "sometimes",
            Capacity = -3,
            Amenities = new() { ["sauna"] = "yes", ["toilet"] = "maybe" },
            Access = ["everyone"],
            TimeZone = "Nowhere/Land",
        };
        var v = new Validation();
        input.Validate(v, DateTimeOffset.UtcNow);
        Assert.Equal(["access", "amenities", "capacity", "lon", "name", "opening_hours", "tier", "time_zone"], v.Errors.Keys.Order());
    }

    [Fact]
    public void Unknown_amenity_values_are_stored_as_absent()
    {
        var input = new StationInput { Name = "测试", Lon = 120, Lat = 30, Amenities = new() { ["toilet"] = "unknown", ["wifi"] = "no" } };
        var station = new Station();
        input.ApplyTo(station, 120, 30);
        Assert.Equal("{\"wifi\":\"no\"}", station.Amenities);
        Assert.Equal("unknown", StationView.AmenityValues(station.Amenities)["toilet"]);
    }
}
