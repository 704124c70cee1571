using StationMap.Api.Features.Planning;
using StationMap.Api.Hosting.Cli;
using StationMap.Api.Infrastructure.Geo;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Planning;

/// <summary>District import through the CLI verb on the real Hangzhou files (read in place), and the district endpoints.</summary>
public sealed class DistrictTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static readonly string Wgs84File = SharedData.Boundary("hangzhou_districts_datav_wgs84.geojson");
    static readonly string Gcj02File = SharedData.Boundary("hangzhou_districts_datav_gcj02.geojson");

    Task<int> Cli(params string[] args) => CliCommands.RunAsync(args, api.ConnectionString);

    async Task<List<(string Code, string Name, double Lon, double Lat, double AreaKm2)>> SnapshotAsync()
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT code, name, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)), area_km2 FROM district ORDER BY code", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, string, double, double, double)>();
        while (await r.ReadAsync()) rows.Add((r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)));
        return rows;
    }

    async Task<double> MaxCentroidShiftAsync(List<(string Code, string Name, double Lon, double Lat, double AreaKm2)> before) =>
        (await Task.WhenAll(before.Select(d => api.ScalarAsync<double>(
            "SELECT ST_Distance(ST_Centroid(geom)::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) FROM district WHERE code = $1",
            d.Code, d.Lon, d.Lat)))).Max();

    [Fact]
    public async Task Both_Hangzhou_files_import_to_the_same_districts_with_centroids_within_5_m()
    {
        Assert.Equal(0, await Cli("import-districts", Wgs84File));
        var wgs84 = await SnapshotAsync();
        Assert.Equal(13, wgs84.Count);
        Assert.Contains(wgs84, d => d is { Code: "330106", Name: "西湖区", AreaKm2: > 310 and < 316 });
        Assert.InRange(wgs84.Sum(d => d.AreaKm2), 16_800, 16_900);   // the data README: ≈ 16,847 km²
        Assert.Equal(13L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM district WHERE ST_IsValid(geom) AND GeometryType(geom) = 'MULTIPOLYGON' AND ST_SRID(geom) = 4326 AND NOT is_demo"));

        Assert.Equal(0, await Cli("import-districts", Gcj02File, "--crs", "gcj02"));
        var gcj02 = await SnapshotAsync();
        Assert.Equal(wgs84.Select(d => (d.Code, d.Name)), gcj02.Select(d => (d.Code, d.Name)));
        Assert.InRange(await MaxCentroidShiftAsync(wgs84), 0, 5);
        Assert.All(wgs84.Zip(gcj02), p => Assert.Equal(p.First.AreaKm2, p.Second.AreaKm2, p.First.AreaKm2 * 0.001));

        // Without --crs the GCJ-02 file lands about half a kilometre off: the conversion is what makes them agree.
        Assert.Equal(0, await Cli("import-districts", Gcj02File));
        Assert.InRange(await MaxCentroidShiftAsync(wgs84), 450, 650);
    }

    [Fact]
    public async Task A_missing_or_garbage_file_fails_clearly_and_leaves_the_old_districts()
    {
        Assert.Equal(0, await Cli("import-districts", Wgs84File));
        var ids = await api.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM district");
        var garbage = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.geojson");
        var points = Path.Combine(Path.GetTempPath(), $"points-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(garbage, "<html>not json</html>");
        await File.WriteAllTextAsync(points, """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"点"},"geometry":{"type":"Point","coordinates":[120.1,30.2]}}]}""");
        try
        {
            Assert.Equal(1, await Cli("import-districts", "/no/such/file.geojson"));
            Assert.Equal(1, await Cli("import-districts", garbage));
            Assert.Equal(1, await Cli("import-districts", points));
            Assert.Equal(1, await Cli("import-districts", Wgs84File, "--crs", "epsg3857"));
            Assert.Contains("not a GeoJSON file", Assert.Throws<FormatException>(() => DistrictImport.ReadFile(garbage, Crs.Wgs84)).Message);
            Assert.Contains("expected Polygon or MultiPolygon", Assert.Throws<FormatException>(() => DistrictImport.ReadFile(points, Crs.Wgs84)).Message);
        }
        finally { File.Delete(garbage); File.Delete(points); }
        Assert.Equal(ids, await api.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM district"));

        // A failure inside the transaction (a code longer than the column allows) rolls back to the old set too.
        await using var conn = await api.OpenAsync();
        var square = new NetTopologySuite.Geometries.GeometryFactory().ToGeometry(new NetTopologySuite.Geometries.Envelope(120, 120.1, 30, 30.1));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => DistrictImport.ReplaceAllAsync(conn,
            [new DistrictInput("1", "甲", null, square), new DistrictInput(new string('9', 30), "乙", null, square)], "test", false));
        Assert.Equal(ids, await api.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM district"));
    }

    [Fact]
    public async Task A_self_intersecting_polygon_is_made_valid_with_its_full_area()
    {
        var bowtie = new NetTopologySuite.IO.WKTReader().Read("POLYGON((120 30, 120.1 30.1, 120.1 30, 120 30.1, 120 30))");
        await using var conn = await api.OpenAsync();
        var stored = await DistrictImport.ReplaceAllAsync(conn, [new DistrictInput(null, "蝴蝶", "Bowtie", bowtie)], "test", false);
        Assert.True(stored[0].Repaired);
        // Two triangles of a 0.1° square: half of ≈ 9.6 km × 11.1 km.
        Assert.InRange(stored[0].AreaKm2, 50, 56);
        Assert.True(await api.ScalarAsync<bool>("SELECT ST_IsValid(geom) AND ST_NumGeometries(geom) = 2 FROM district WHERE name = '蝴蝶'"));
    }

    [Fact]
    public async Task Districts_are_listed_with_centroids_and_served_as_geojson_in_the_requested_crs()
    {
        Assert.Equal(0, await Cli("import-districts", Wgs84File));
        var list = await api.Client().GetAsync("/api/v1/districts").Json(200);
        var items = list["items"]!.AsArray();
        Assert.Equal(13, items.Count);
        var xihu = items.Single(i => (string?)i!["name"] == "西湖区")!;
        Assert.Equal("330106", (string?)xihu["code"]);
        Assert.False((bool)xihu["is_demo"]!);
        var (lon, lat) = ((double)xihu["centroid"]![0]!, (double)xihu["centroid"]![1]!);
        Assert.InRange(lon, 120.0, 120.2);

        var gcj = await api.Client().GetAsync($"/api/v1/districts/{xihu["id"]}?crs=gcj02").Json(200);
        var expected = CoordinateSystems.FromWgs84(Crs.Gcj02, lon, lat);
        Assert.Equal(expected.Lon, (double)gcj["centroid"]![0]!, 5);
        Assert.Equal(expected.Lat, (double)gcj["centroid"]![1]!, 5);

        var geojson = await api.Client().GetAsync("/api/v1/districts?format=geojson").Json(200, "application/geo+json");
        var features = geojson["features"]!.AsArray();
        Assert.Equal(13, features.Count);
        Assert.All(features, f => Assert.Equal("MultiPolygon", (string?)f!["geometry"]!["type"]));
        var one = await api.Client().GetAsync($"/api/v1/districts/{xihu["id"]}?format=geojson").Json(200, "application/geo+json");
        Assert.Equal("Feature", (string?)one["type"]);
        Assert.Equal("西湖区", (string?)one["properties"]!["name"]);

        await api.Client().GetAsync("/api/v1/districts/999999").Problem(404);
        await api.Client().GetAsync("/api/v1/districts?format=kml").Problem(400, "format");
        await api.Client().GetAsync("/api/v1/districts?crs=utm").Problem(400, "crs");
        await api.Client().GetAsync("/api/v1/districts?bbox=1,2,3,4").Problem(400, "bbox");
    }

    [Fact]
    public async Task Planner_input_endpoints_are_documented_with_summaries_and_errors()
    {
        var paths = (await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200))["paths"]!.AsObject();
        foreach (var (path, method, errors) in new[]
                 {
                     ("/api/v1/districts", "get", new[] { "400" }), ("/api/v1/districts/{id}", "get", ["400", "404"]),
                     ("/api/v1/planning/layers", "get", ["400"]), ("/api/v1/planning/layers/{name}/points", "get", ["400", "404"]),
                     ("/api/v1/planning/layers", "post", ["400", "401", "403", "409", "413"]),
                     ("/api/v1/planning/layers/{name}", "delete", ["401", "403", "404"]),
                 })
        {
            var op = paths[path]?[method];
            Assert.True(op is not null, $"{method.ToUpperInvariant()} {path} is not documented");
            Assert.NotNull(op["summary"]);
            Assert.All(errors, status => Assert.True(op["responses"]![status] is not null, $"{method} {path} should document {status}"));
        }
        var upload = paths["/api/v1/planning/layers"]!["post"]!["parameters"]!.AsArray().Select(p => (string?)p!["name"]).ToHashSet();
        Assert.Superset(new HashSet<string?> { "name", "kind", "crs", "atomic" }, upload);
    }
}
