using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Coverage;

/// <summary>
/// Every GeoJSON answer is RFC 7946 as third-party readers (OpenLayers, GDAL, turf) expect it: no
/// <c>crs</c> member, the datum in the one foreign member <c>coordinate_system</c>, polygons wound
/// by the right-hand rule with no repeated consecutive positions and no part smaller than the grid
/// cell that traced it. Winding and areas are checked by PostGIS, not by the API's own code.
/// </summary>
public sealed class GeoJsonContractTests(CoverageFixture api) : IClassFixture<CoverageFixture>
{
    const string Box = "120.10,30.20,120.25,30.30";
    const double EbikeCellM2 = 60 * 60, WalkCellM2 = 30 * 30;

    async Task<JsonNode> Get(string url, string crs = "wgs84", double minPartM2 = 0)
    {
        var body = await api.Client().GetAsync(url).Json(200, "application/geo+json");
        await CheckAsync(url, body, crs, minPartM2);
        return body;
    }

    async Task<JsonNode> Post(string url, object request, double minPartM2 = 0)
    {
        var body = await (await api.Client().PostAsJsonAsync(url, request)).Json(200, "application/geo+json");
        await CheckAsync(url, body, "wgs84", minPartM2);
        return body;
    }

    async Task CheckAsync(string url, JsonNode body, string crs, double minPartM2)
    {
        var doc = body.AsObject();
        Assert.False(doc.ContainsKey("crs"), $"{url}: has a crs member");
        Assert.False(doc.ContainsKey("crs_name"), $"{url}: has crs_name");
        Assert.Equal(crs, (string?)doc["coordinate_system"]);
        var features = (string?)doc["type"] == "Feature" ? [doc] : doc["features"]!.AsArray().Select(f => f!.AsObject()).ToList();
        await using var conn = await api.OpenAsync();
        var polygons = 0;
        foreach (var feature in features)
        {
            Assert.Equal("Feature", (string?)feature["type"]);
            Assert.False(feature.ContainsKey("crs"));
            if (feature["geometry"] is not JsonObject geometry || (string?)geometry["type"] is not ("Polygon" or "MultiPolygon")) continue;
            var parts = (string?)geometry["type"] == "Polygon" ? [geometry["coordinates"]!.AsArray()] : geometry["coordinates"]!.AsArray().Select(p => p!.AsArray()).ToList();
            foreach (var part in parts)
            {
                polygons++;
                foreach (var ring in part.Select(r => r!.AsArray()))
                {
                    Assert.True(ring.Count >= 4, $"{url}: ring of {ring.Count} positions");
                    Assert.Equal(ring[0]!.ToJsonString(), ring[^1]!.ToJsonString());
                    for (var i = 0; i + 1 < ring.Count; i++)
                        Assert.True(ring[i]!.ToJsonString() != ring[i + 1]!.ToJsonString(), $"{url}: repeated position {ring[i]!.ToJsonString()}");
                }
                var polygon = new JsonObject { ["type"] = "Polygon", ["coordinates"] = part.DeepClone() }.ToJsonString();
                // ST_IsPolygonCCW: outer ring counter-clockwise and every hole clockwise (RFC 7946 §3.1.6).
                await using var cmd = new Npgsql.NpgsqlCommand("""
                    SELECT ST_IsPolygonCCW(g), ST_Area(g::geography),
                           (SELECT coalesce(min(ST_Area(ST_MakePolygon(ST_InteriorRingN(g, n))::geography)), 'Infinity')
                            FROM generate_series(1, ST_NumInteriorRings(g)) n)
                    FROM ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) g
                    """, conn);
                cmd.Parameters.AddWithValue(polygon);
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
                Assert.True(r.GetBoolean(0), $"{url}: not wound by the right-hand rule: {polygon[..Math.Min(polygon.Length, 300)]}");
                // The API measures on a local plane, PostGIS on the ellipsoid: allow 2 %.
                Assert.True(r.GetDouble(1) >= minPartM2 * 0.98, $"{url}: a part of {r.GetDouble(1):0.0} m² is under the cell area {minPartM2} m²");
                Assert.True(r.GetDouble(2) >= minPartM2 * 0.98, $"{url}: a hole of {r.GetDouble(2):0.0} m² is under the cell area {minPartM2} m²");
            }
        }
        if (url.Contains("isochrones") || url.Contains("service-area") || url.Contains("uncovered") || url.Contains("districts"))
            Assert.True(polygons > 0, $"{url}: no polygon to check");
    }

    async Task<(long Id, double Lon, double Lat)> AnyStationAsync() =>
        (await api.ScalarAsync<long>("SELECT min(id) FROM station WHERE is_demo AND status = 'open'"),
         await api.ScalarAsync<double>("SELECT ST_X(location::geometry) FROM station WHERE id = (SELECT min(id) FROM station WHERE is_demo AND status = 'open')"),
         await api.ScalarAsync<double>("SELECT ST_Y(location::geometry) FROM station WHERE id = (SELECT min(id) FROM station WHERE is_demo AND status = 'open')"));

    [Fact]
    public async Task Stations_and_points()
    {
        await api.ReadyAsync();
        await Get("/api/v1/stations?format=geojson&limit=20");
        var gcj = await Get("/api/v1/stations?format=geojson&limit=20&crs=gcj02", "gcj02");
        Assert.Equal(20, gcj["features"]!.AsArray().Count);
        await Get("/api/v1/planning/layers/test-candidates/points");
        await Get("/api/v1/planning/layers/test-demand/points?crs=bd09", "bd09");
    }

    [Fact]
    public async Task Isochrones_and_service_areas()
    {
        await api.ReadyAsync();
        await api.Services.GetService<StationMap.Api.Features.ServiceAreas.ServiceAreaJob>()!.RunPassAsync();
        var (id, lon, lat) = await AnyStationAsync();
        var q = FormattableString.Invariant($"lon={lon}&lat={lat}");
        await Get($"/api/v1/isochrones?{q}&mode=ebike&minutes=5,10,15", minPartM2: EbikeCellM2);
        await Get($"/api/v1/isochrones?{q}&mode=walk&minutes=5,10,15&direction=from", minPartM2: WalkCellM2);
        await Get($"/api/v1/isochrones?{q}&mode=ebike&minutes=15&crs=gcj02", "gcj02", minPartM2: EbikeCellM2);
        await Get($"/api/v1/stations/{id}/service-area?mode=ebike", minPartM2: EbikeCellM2);
        await Get($"/api/v1/stations/{id}/service-area?mode=walk", minPartM2: WalkCellM2);
        await Get($"/api/v1/service-areas?mode=ebike&minutes=15&bbox={Box}", minPartM2: EbikeCellM2);
        await Get($"/api/v1/service-areas?mode=walk&minutes=10&bbox={Box}", minPartM2: WalkCellM2);
    }

    [Fact]
    public async Task Districts_coverage_gaps_and_uncovered()
    {
        await api.ReadyAsync();
        await api.Services.GetService<StationMap.Api.Features.ServiceAreas.ServiceAreaJob>()!.RunPassAsync();
        await Get("/api/v1/districts?format=geojson");
        var one = await Get("/api/v1/districts/1?format=geojson&crs=gcj02", "gcj02");
        Assert.Equal("Feature", (string?)one["type"]);
        await Get("/api/v1/coverage?layer=test-demand&format=geojson");
        await Get("/api/v1/coverage/gaps?bbox=120.15,30.25,120.20,30.30&cell=400&mode=walk&minutes=10");
        var uncovered = await Get("/api/v1/coverage/uncovered?minutes=15&mode=ebike", minPartM2: EbikeCellM2);
        Assert.Equal(5, uncovered["features"]!.AsArray().Count);
        await Get("/api/v1/coverage/uncovered?minutes=10&mode=walk", minPartM2: WalkCellM2);
    }

    [Fact]
    public async Task Suggest_and_cover_sites()
    {
        await api.ReadyAsync();
        await Post("/api/v1/planning/suggest?format=geojson", new { layer = "test-demand", p = 3, candidates = new { layer = "test-candidates" }, exact = "never" });
        await Post("/api/v1/planning/cover?format=geojson", new { layer = "test-demand", target_pct = 80, candidates = new { layer = "test-candidates" }, exact = "never" });
    }

    [Theory]
    [InlineData("/api/v1/stations?format=csv&limit=5", "stations-page-1.csv")]
    [InlineData("/api/v1/stations?format=csv&updated_since=2020-01-01T00:00:00Z&limit=5", "stations-changes-20200101T000000Z-page-1.csv")]
    [InlineData("/api/v1/coverage?layer=test-demand&format=csv", "coverage-ebike-15min-test-demand.csv")]
    [InlineData("/api/v1/planning/layers/test-candidates/points?format=csv", "layer-test-candidates.csv")]
    public async Task Csv_has_a_bom_and_a_file_name(string url, string fileName)
    {
        await api.ReadyAsync();
        var response = await api.Client().GetAsync(url);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.DoesNotContain('\uFEFF', text);
        Assert.True(text.Split('\n').Length > 1);
    }

    [Fact]
    public async Task Suggest_csv_has_a_bom_and_a_file_name()
    {
        await api.ReadyAsync();
        var response = await api.Client().PostAsJsonAsync("/api/v1/planning/suggest?format=csv",
            new { layer = "test-demand", p = 2, candidates = new { layer = "test-candidates" }, exact = "never" });
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal([0xEF, 0xBB, 0xBF], (await response.Content.ReadAsByteArrayAsync())[..3]);
        Assert.StartsWith("sites-ebike-15min-graph-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("geojson")]
    [InlineData("csv")]
    public async Task Paged_lists_link_to_the_next_page_until_the_last(string format)
    {
        await api.ReadyAsync();
        var total = await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE deleted_at IS NULL");
        const int limit = 120;
        var lastPage = (int)((total + limit - 1) / limit);
        Assert.True(lastPage >= 2, $"{total} stations");

        var first = await api.Client().GetAsync($"/api/v1/stations?format={format}&limit={limit}&q=");
        Assert.Equal(200, (int)first.StatusCode);
        var link = Assert.Single(first.Headers.GetValues("Link"));
        var match = System.Text.RegularExpressions.Regex.Match(link, "^<(?<url>[^>]+)>; rel=\"next\"$");
        Assert.True(match.Success, link);
        var next = new Uri(match.Groups["url"].Value);
        Assert.True(next.IsAbsoluteUri);
        Assert.Equal("/api/v1/stations", next.AbsolutePath);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(next.Query);
        Assert.Equal("2", query["page"].ToString());
        Assert.Equal(limit.ToString(), query["limit"].ToString());
        Assert.Equal(format, query["format"].ToString());

        // Following the links reaches the last page, which has none.
        var url = next.PathAndQuery;
        for (var page = 2; page < lastPage; page++)
        {
            var middle = await api.Client().GetAsync(url);
            url = new Uri(Assert.Single(middle.Headers.GetValues("Link"))[1..].Split('>')[0]).PathAndQuery;
        }
        var last = await api.Client().GetAsync(url);
        Assert.Equal(200, (int)last.StatusCode);
        Assert.False(last.Headers.Contains("Link"), $"{url} is the last page but links on");
        if (format == "json") Assert.False((bool)(await last.Json(200))["has_more"]!);
    }
}
