using System.Net.Http.Headers;
using System.Text;
using StationMap.Api.Hosting.Cli;
using StationMap.Api.Infrastructure.Geo;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Planning;

/// <summary>Demand and candidate layers: CLI import, upload, atomic replace, per-row errors, reads, delete and keys.</summary>
public sealed class PlanningLayerTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    const string GoodCsv = "lon,lat,weight,label,category\n120.10,30.20,5,A,depot\n120.20,30.30,2.5,B,population\n120.30,30.25,,C,\n";

    static StringContent Body(string text, string type) => new(text, Encoding.UTF8, type);

    static string GeoJson(params (double Lon, double Lat, double Weight)[] points) =>
        "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",", points.Select((p, i) => FormattableString.Invariant(
            $"{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{p.Lon},{p.Lat}]}},\"properties\":{{\"weight\":{p.Weight},\"name\":\"P{i + 1}\",\"kind\":\"pickup_hotspot\"}}}}"))) + "]}";

    async Task<string> TempFile(string text, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"layer-{Guid.NewGuid():N}{extension}");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task Cli_imports_a_csv_layer_and_a_bad_file_writes_nothing()
    {
        var good = await TempFile(GoodCsv, ".csv");
        var bad = await TempFile("lon,lat,weight\n120.1,30.2,1\n120.1,91,1\n120.1,30.2,heavy\n", ".csv");
        var geojson = await TempFile(GeoJson((120.1, 30.2, 4), (120.2, 30.3, 6)), ".geojson");
        try
        {
            Assert.Equal(0, await CliCommands.RunAsync(["import-demand", good, "--layer", "cli-demand", "--description", "test demand"], api.ConnectionString));
            Assert.Equal(3, await api.ScalarAsync<int>("SELECT point_count FROM planning_layer WHERE name = 'cli-demand'"));
            Assert.Equal(8.5, await api.ScalarAsync<double>("SELECT total_weight FROM planning_layer WHERE name = 'cli-demand'"));
            Assert.Equal(8.5, await api.ScalarAsync<double>("SELECT sum(weight) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id WHERE l.name = 'cli-demand'"));
            Assert.Equal("demand", await api.ScalarAsync<string>("SELECT kind FROM planning_layer WHERE name = 'cli-demand'"));

            Assert.Equal(1, await CliCommands.RunAsync(["import-demand", bad, "--layer", "cli-demand"], api.ConnectionString));
            Assert.Equal(1, await CliCommands.RunAsync(["import-demand", good, "--layer", "bad name!"], api.ConnectionString));
            Assert.Equal(1, await CliCommands.RunAsync(["import-demand", good], api.ConnectionString));
            Assert.Equal(1, await CliCommands.RunAsync(["import-candidates", good, "--layer", "cli-demand"], api.ConnectionString));
            Assert.Equal(3L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id WHERE l.name = 'cli-demand'"));
            Assert.Equal("test demand", await api.ScalarAsync<string>("SELECT description FROM planning_layer WHERE name = 'cli-demand'"));

            Assert.Equal(0, await CliCommands.RunAsync(["import-candidates", geojson, "--layer", "cli-sites", "--crs", "gcj02"], api.ConnectionString));
            var (lon, lat) = CoordinateSystems.ToWgs84(Crs.Gcj02, 120.1, 30.2);
            Assert.True(await api.ScalarAsync<bool>(
                "SELECT ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 0.01) FROM planning_point p " +
                "JOIN planning_layer l ON l.id = p.layer_id WHERE l.name = 'cli-sites' AND p.label = 'P1'", lon, lat));
        }
        finally { File.Delete(good); File.Delete(bad); File.Delete(geojson); }
    }

    [Fact]
    public async Task Uploads_replace_a_layer_atomically_and_report_bad_rows_by_number()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var first = await editor.PostAsync("/api/v1/planning/layers?name=up-demand", Body(GoodCsv, "text/csv")).Json(200);
        var layerId = (long)first["layer"]!["id"]!;
        Assert.Equal(3, (int)first["imported"]!);
        var firstUpdated = (DateTimeOffset)first["layer"]!["updated_at"]!;

        var second = await editor.PostAsync("/api/v1/planning/layers?name=up-demand&kind=demand",
            Body(GeoJson((120.15, 30.22, 7), (120.16, 30.23, 3)), "application/geo+json")).Json(200);
        Assert.Equal(layerId, (long)second["layer"]!["id"]!);
        Assert.Equal(2, (int)second["layer"]!["point_count"]!);
        Assert.Equal(10.0, (double)second["layer"]!["total_weight"]!);
        Assert.True((DateTimeOffset)second["layer"]!["updated_at"]! > firstUpdated);

        var rejected = await editor.PostAsync("/api/v1/planning/layers?name=up-demand",
            Body("lon,lat,weight\n120.1,30.2,1\n120.1,30.2,-1\n300,30.2,1\n", "text/csv")).Problem(400);
        var rows = rejected["row_errors"]!.AsArray();
        Assert.Equal([2, 3], rows.Select(r => (int)r!["row"]!));
        Assert.True(rows[0]!["errors"]!.AsObject().ContainsKey("weight"));
        Assert.True(rows[1]!["errors"]!.AsObject().ContainsKey("lon"));
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_point WHERE layer_id = $1", layerId));

        var partial = await editor.PostAsync("/api/v1/planning/layers?name=up-demand&atomic=false",
            Body("lon,lat,weight\n120.1,30.2,1\n120.1,30.2,-1\n", "text/csv")).Json(200);
        Assert.Equal((1, 1), ((int)partial["imported"]!, (int)partial["failed"]!));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_point WHERE layer_id = $1", layerId));

        await editor.PostAsync("/api/v1/planning/layers?name=up-demand&kind=candidate", Body(GoodCsv, "text/csv")).Problem(409);
    }

    [Fact]
    public async Task Points_are_served_as_geojson_or_csv_filtered_by_bbox_in_the_requested_crs()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        await editor.PostAsync("/api/v1/planning/layers?name=read-demand", Body(GoodCsv, "text/csv")).Json(200);
        var layers = await api.Client().GetAsync("/api/v1/planning/layers").Json(200);
        var layer = layers["items"]!.AsArray().Single(l => (string?)l!["name"] == "read-demand")!;
        Assert.Equal((3, 8.5, "demand", false), ((int)layer["point_count"]!, (double)layer["total_weight"]!, (string?)layer["kind"], (bool)layer["is_demo"]!));

        var all = await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points").Json(200, "application/geo+json");
        Assert.Equal(3, all["features"]!.AsArray().Count);
        var a = all["features"]![0]!;
        Assert.Equal((5.0, "A", "depot"), ((double)a["properties"]!["weight"]!, (string?)a["properties"]!["label"], (string?)a["properties"]!["category"]));

        var box = await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?bbox=120.15,30.15,120.35,30.35").Json(200, "application/geo+json");
        Assert.Equal(["B", "C"], box["features"]!.AsArray().Select(f => (string?)f!["properties"]!["label"]));

        var gcj = await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?crs=gcj02").Json(200, "application/geo+json");
        var expected = CoordinateSystems.FromWgs84(Crs.Gcj02, 120.10, 30.20);
        Assert.Equal(expected.Lon, (double)gcj["features"]![0]!["geometry"]!["coordinates"]![0]!, 6);

        var csv = await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("id,lon,lat,weight,label,category", text);
        // An export reads back in as a layer.
        var copy = await editor.PostAsync("/api/v1/planning/layers?name=read-copy", Body(text, "text/csv")).Json(200);
        Assert.Equal(8.5, (double)copy["layer"]!["total_weight"]!);

        await api.Client().GetAsync("/api/v1/planning/layers/no-such-layer/points").Problem(404);
        await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?bbox=1,2,3").Problem(400, "bbox");
        await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?format=kml").Problem(400, "format");
        await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?crs=utm").Problem(400, "crs");
        await api.Client().GetAsync("/api/v1/planning/layers/read-demand/points?limit=5").Problem(400, "limit");
    }

    [Fact]
    public async Task Writes_need_an_editor_key_and_deleting_an_admin_key()
    {
        const string url = "/api/v1/planning/layers?name=auth-demand";
        await api.Client().PostAsync(url, Body(GoodCsv, "text/csv")).Problem(401);
        await api.Client(await api.CreateKeyAsync("reader")).PostAsync(url, Body(GoodCsv, "text/csv")).Problem(403);
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        await editor.PostAsync(url, Body(GoodCsv, "text/csv")).Json(200);

        await api.Client().DeleteAsync("/api/v1/planning/layers/auth-demand").Problem(401);
        await editor.DeleteAsync("/api/v1/planning/layers/auth-demand").Problem(403);
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        Assert.Equal(204, (int)(await admin.DeleteAsync("/api/v1/planning/layers/auth-demand")).StatusCode);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_layer WHERE name = 'auth-demand'"));
        await admin.DeleteAsync("/api/v1/planning/layers/auth-demand").Problem(404);
    }

    [Fact]
    public async Task A_body_over_20_MB_gets_413_naming_body()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var big = "lon,lat\n" + string.Concat(Enumerable.Repeat("120.123456,30.123456\n", 1_000_000));
        await editor.PostAsync("/api/v1/planning/layers?name=too-big", Body(big, "text/csv")).Problem(413, "body");
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_layer WHERE name = 'too-big'"));
    }

    [Theory]
    [InlineData("/api/v1/planning/layers", "name")]
    [InlineData("/api/v1/planning/layers?name=has%20space", "name")]
    [InlineData("/api/v1/planning/layers?name=ok&kind=supply", "kind")]
    [InlineData("/api/v1/planning/layers?name=ok&crs=utm", "crs")]
    [InlineData("/api/v1/planning/layers?name=ok&atomic=maybe", "atomic")]
    [InlineData("/api/v1/planning/layers?name=ok&format=xlsx", "format")]
    [InlineData("/api/v1/planning/layers?name=ok&layer=x", "layer")]
    public async Task Bad_upload_parameters_get_400_naming_them(string url, string parameter)
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        await editor.PostAsync(url, Body(GoodCsv, "text/csv")).Problem(400, parameter);
    }

    [Theory]
    [InlineData("lon,lat,height\n1,2,3\n", "text/csv")]
    [InlineData("lon,lat\n", "text/csv")]
    [InlineData("{\"type\":\"Feature\"}", "application/geo+json")]
    [InlineData("{not json", "application/json")]
    public async Task An_unreadable_or_empty_body_gets_400_naming_body(string body, string type)
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var content = Body(body, type);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        await editor.PostAsync("/api/v1/planning/layers?name=body-test", content).Problem(400, "body");
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM planning_layer WHERE name = 'body-test'"));
    }
}
