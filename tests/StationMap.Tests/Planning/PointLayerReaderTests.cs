using StationMap.Api.Features.Coverage;
using StationMap.Api.Features.Planning;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Tests.Planning;

public sealed class PointLayerReaderTests
{
    [Fact]
    public void Csv_reads_weights_labels_and_categories_with_defaults()
    {
        const string csv = "lon,lat,weight,name,kind\n120.1,30.2,12.5,文三路外卖点,pickup_hotspot\n120.2,30.3,,,\n";
        var rows = PointLayerReader.Read(csv, "csv", Crs.Wgs84);
        Assert.Equal(2, rows.Rows);
        Assert.Empty(rows.Errors);
        Assert.Equal(new PlanningPointInput(120.1, 30.2, 12.5, "文三路外卖点", "pickup_hotspot"), rows.Points[0]);
        Assert.Equal(new PlanningPointInput(120.2, 30.3, 1, null, null), rows.Points[1]);
    }

    [Fact]
    public void Bad_csv_rows_are_reported_with_their_row_numbers_and_columns()
    {
        const string csv = "lon,lat,weight\n120.1,30.2,1\n120.1,95,1\nabc,30.2,1\n120.1,30.2,-3\n,30.2,\n";
        var rows = PointLayerReader.Read(csv, "csv", Crs.Wgs84);
        Assert.Equal(5, rows.Rows);
        Assert.Single(rows.Points);
        Assert.Equal([2, 3, 4, 5], rows.Errors.Select(e => e.Row));
        Assert.Equal(["lat"], rows.Errors[0].Errors.Keys);
        Assert.Equal(["lon"], rows.Errors[1].Errors.Keys);
        Assert.Contains("'abc'", rows.Errors[1].Errors["lon"][0]);
        Assert.Equal(["weight"], rows.Errors[2].Errors.Keys);
        Assert.Equal(["lon"], rows.Errors[3].Errors.Keys);
    }

    [Fact]
    public void Unknown_csv_columns_or_missing_coordinates_reject_the_document()
    {
        Assert.Contains("population", Assert.Throws<FormatException>(() => PointLayerReader.Read("lon,lat,population\n1,2,3\n", "csv", Crs.Wgs84)).Message);
        Assert.Contains("lon and lat", Assert.Throws<FormatException>(() => PointLayerReader.Read("weight,label\n1,2\n", "csv", Crs.Wgs84)).Message);
    }

    [Fact]
    public void GeoJson_points_read_their_properties_and_bad_features_are_numbered()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[120.1,30.2]},"properties":{"weight":3,"label":"A","category":"depot"}},
              {"type":"Feature","geometry":{"type":"LineString","coordinates":[[120.1,30.2],[120.2,30.3]]},"properties":{}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[120.1,30.2]},"properties":{"weight":"many"}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[200,30.2]},"properties":null}
            ]}
            """;
        var rows = PointLayerReader.Read(json, "geojson", Crs.Wgs84);
        Assert.Equal(4, rows.Rows);
        Assert.Equal(new PlanningPointInput(120.1, 30.2, 3, "A", "depot"), Assert.Single(rows.Points));
        Assert.Equal([2, 3, 4], rows.Errors.Select(e => e.Row));
        Assert.Equal(["geometry"], rows.Errors[0].Errors.Keys);
        Assert.Equal(["weight"], rows.Errors[1].Errors.Keys);
        Assert.Equal(["lon"], rows.Errors[2].Errors.Keys);
    }

    [Fact]
    public void Gcj02_input_is_converted_to_wgs84()
    {
        var (gLon, gLat) = CoordinateSystems.Wgs84ToGcj02(120.16, 30.27);
        var p = Assert.Single(PointLayerReader.Read(FormattableString.Invariant($"lon,lat\n{gLon:R},{gLat:R}\n"), "csv", Crs.Gcj02).Points);
        Assert.Equal(120.16, p.Lon, 8);
        Assert.Equal(30.27, p.Lat, 8);
    }

    [Theory]
    [InlineData(null, "text/csv", "x", "csv")]
    [InlineData(null, "application/geo+json", "x", "geojson")]
    [InlineData(null, ".geojson", "x", "geojson")]
    [InlineData(null, null, " {\"type\":1}", "geojson")]
    [InlineData(null, null, "lon,lat", "csv")]
    [InlineData("GeoJSON", "text/csv", "x", "geojson")]
    [InlineData("xml", null, "x", null)]
    public void The_format_comes_from_the_parameter_then_the_content_type_then_the_content(string? format, string? hint, string text, string? expected) =>
        Assert.Equal(expected, PointLayerReader.DetectFormat(format, hint, text));
}
