using NetTopologySuite.Geometries;
using StationMap.Api.Features.Planning;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Tests.Planning;

public sealed class DistrictImportReadTests
{
    static string Collection(params string[] features) => $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    static string Feature(string properties, string geometry) => $$"""{"type":"Feature","properties":{{properties}},"geometry":{{geometry}}}""";

    const string Square = """{"type":"Polygon","coordinates":[[[120.1,30.2],[120.2,30.2],[120.2,30.3],[120.1,30.3],[120.1,30.2]]]}""";

    [Fact]
    public void Names_codes_and_english_names_are_read_from_datav_and_generic_properties()
    {
        var districts = DistrictImport.Read(Collection(
            Feature("""{"adcode":330106,"name":"西湖区","name_en":"Xihu"}""", Square),
            Feature("""{"code":"A-1","name":" 新区 "}""", Square)), Crs.Wgs84);
        Assert.Equal(("330106", "西湖区", "Xihu"), (districts[0].Code, districts[0].Name, districts[0].NameEn));
        Assert.Equal(("A-1", "新区", (string?)null), (districts[1].Code, districts[1].Name, districts[1].NameEn));
        Assert.IsType<Polygon>(districts[0].Geometry);
    }

    [Fact]
    public void Every_bad_feature_is_named_in_one_error()
    {
        var e = Assert.Throws<FormatException>(() => DistrictImport.Read(Collection(
            Feature("""{"adcode":1}""", Square),
            Feature("""{"name":"点"}""", """{"type":"Point","coordinates":[120.1,30.2]}"""),
            Feature("""{"name":"远"}""", """{"type":"Polygon","coordinates":[[[200,30.2],[120.2,30.2],[120.2,30.3],[200,30.2]]]}"""),
            Feature("""{"name":"甲","adcode":7}""", Square),
            Feature("""{"name":"乙","adcode":7}""", Square)), Crs.Wgs84));
        Assert.StartsWith("4 of 5 features are invalid", e.Message);
        Assert.Contains("feature 1: no \"name\" property", e.Message);
        Assert.Contains("feature 2 (点): geometry is Point; expected Polygon or MultiPolygon", e.Message);
        Assert.Contains("feature 3 (远): coordinate (200", e.Message);
        Assert.Contains("feature 5 (乙): code 7 is also used by feature 4", e.Message);
    }

    [Theory]
    [InlineData("not json at all", "not a GeoJSON file")]
    [InlineData("""{"type":"Feature"}""", "expected a GeoJSON FeatureCollection")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", "no features")]
    public void A_document_that_is_not_a_feature_collection_is_refused_clearly(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => DistrictImport.Read(text, Crs.Wgs84)).Message);

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DistrictImport.ReadFile("/no/such/districts.geojson", Crs.Wgs84));
        Assert.Equal("file not found: /no/such/districts.geojson", e.Message);
    }

    [Theory]
    [InlineData(Crs.Gcj02)]
    [InlineData(Crs.Bd09)]
    public void Shifted_polygons_come_back_to_wgs84_to_well_under_a_millimetre(Crs crs)
    {
        var ring = new[] { (120.1, 30.2), (120.2, 30.2), (120.2, 30.3), (120.1, 30.3), (120.1, 30.2) };
        var shifted = ring.Select(c => CoordinateSystems.FromWgs84(crs, c.Item1, c.Item2))
            .Select(c => FormattableString.Invariant($"[{c.Lon:R},{c.Lat:R}]"));
        var geometry = $$"""{"type":"MultiPolygon","coordinates":[[[{{string.Join(",", shifted)}}]]]}""";
        var district = Assert.Single(DistrictImport.Read(Collection(Feature("""{"name":"方"}""", geometry)), crs));
        foreach (var (c, expected) in district.Geometry.Coordinates.Zip(ring))
        {
            Assert.Equal(expected.Item1, c.X, 8);   // 1e-8° ≈ 1 mm
            Assert.Equal(expected.Item2, c.Y, 8);
        }
    }
}
