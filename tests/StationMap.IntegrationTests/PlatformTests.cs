using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

public sealed class PlatformTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Health_and_readiness_answer()
    {
        await api.Client().GetAsync("/healthz").Json(200);
        var ready = await api.Client().GetAsync("/readyz").Json(200);
        Assert.Equal("ready", (string?)ready["status"]);
    }

    [Fact]
    public async Task Swagger_documents_every_endpoint_with_parameters_and_errors()
    {
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var paths = doc["paths"]!.AsObject();
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/stations/nearest", "get"), ("/api/v1/stations", "get"), ("/api/v1/stations", "post"),
                     ("/api/v1/stations/{id}", "get"), ("/api/v1/stations/{id}", "put"), ("/api/v1/stations/{id}", "patch"),
                     ("/api/v1/stations/{id}", "delete"), ("/api/v1/stations/import", "post"), ("/api/v1/config", "get"),
                 })
        {
            var op = paths[path]?[method];
            Assert.True(op is not null, $"{method.ToUpperInvariant()} {path} is not documented");
            Assert.NotNull(op["summary"]);
            Assert.NotNull(op["responses"]!["400"]);
        }
        // Every operation under /api, not just the ones listed: a summary, the 400 problem, and a
        // 404 wherever an id in the path may name nothing.
        foreach (var (path, item) in paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
        foreach (var (method, op) in item!.AsObject())
        {
            Assert.True(op!["summary"] is not null, $"{method.ToUpperInvariant()} {path} has no summary");
            Assert.True(op["responses"]!["400"] is not null, $"{method.ToUpperInvariant()} {path} does not document 400");
            if (path.Contains("{id}", StringComparison.Ordinal))
                Assert.True(op["responses"]!["404"] is not null, $"{method.ToUpperInvariant()} {path} does not document 404");
        }
        var nearest = paths["/api/v1/stations/nearest"]!["get"]!["parameters"]!.AsArray().Select(p => (string?)p!["name"]).ToList();
        Assert.Superset(new HashSet<string?> { "lon", "lat", "limit", "amenities", "openNow", "tier", "maxDistance", "crs" }, nearest.ToHashSet());
        var post = paths["/api/v1/stations"]!["post"]!;
        Assert.NotNull(post["responses"]!["401"]);
        Assert.NotNull(post["responses"]!["403"]);
        Assert.NotNull(post["security"]);
        Assert.NotNull(paths["/api/v1/stations/{id}"]!["put"]!["responses"]!["412"]);
    }

    [Fact]
    public async Task OpenApi_document_is_complete_enough_for_a_code_generator()
    {
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var paths = doc["paths"]!.AsObject();
        var failures = new List<string>();
        foreach (var (path, item) in paths)
        foreach (var (method, op) in item!.AsObject())
        {
            var where = $"{method.ToUpperInvariant()} {path}";
            if (op!["operationId"] is null) failures.Add($"{where}: no operationId");
            if (op["tags"] is not System.Text.Json.Nodes.JsonArray { Count: > 0 }) failures.Add($"{where}: no tag");
            if (op["security"] is not System.Text.Json.Nodes.JsonArray security) failures.Add($"{where}: no security (public reads say [])");
            else if (op["responses"]!["401"] is null != (security.Count == 0)) failures.Add($"{where}: security and 401 disagree");
            foreach (var p in op["parameters"]?.AsArray() ?? [])
                if (p!["description"] is null) failures.Add($"{where}: parameter {p["name"]} has no description");
            foreach (var (status, response) in op["responses"]!.AsObject())
            {
                var content = response!["content"]?.AsObject();
                if (status.StartsWith('2') && status != "204" && (content is null || content.Count == 0 || content.Any(c => c.Value!["schema"] is null)))
                    failures.Add($"{where}: {status} has a content type without a schema");
                if (status[0] is '4' or '5' && !(content?.ContainsKey("application/problem+json") ?? false) && path != "/readyz")
                    failures.Add($"{where}: {status} is not application/problem+json");
                if (status is "429" or "503" && response["headers"]?["Retry-After"] is null) failures.Add($"{where}: {status} without Retry-After");
            }
            if (op["responses"]!["429"] is null) failures.Add($"{where}: 429 not documented");
        }
        foreach (var name in doc["components"]!["schemas"]!.AsObject().Select(s => s.Key))
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9]+$")) failures.Add($"component name {name} is not a plain identifier");
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        Assert.NotEmpty(doc["servers"]!.AsArray());
        foreach (var (path, names) in new[]
                 {
                     ("/api/v1/stations/nearest", new[] { "lon", "lat" }), ("/api/v1/isochrones", ["lon", "lat"]),
                     ("/api/v1/stations/reachable", ["lon", "lat"]), ("/api/v1/service-areas", ["bbox"]),
                 })
        {
            var parameters = paths[path]!["get"]!["parameters"]!.AsArray();
            foreach (var name in names)
                Assert.True((bool?)parameters.Single(p => (string?)p!["name"] == name)!["required"] == true, $"{path}: {name} should be required");
        }
        var crs = paths["/api/v1/stations/nearest"]!["get"]!["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "crs")!;
        Assert.Equal(["wgs84", "gcj02", "bd09"], crs["schema"]!["enum"]!.AsArray().Select(v => (string?)v));
        var list = paths["/api/v1/stations"]!["get"]!;
        Assert.Equal("#/components/schemas/StationFeatureCollection", (string?)list["responses"]!["200"]!["content"]!["application/geo+json"]!["schema"]!["$ref"]);
        Assert.NotNull(list["responses"]!["200"]!["content"]!["text/csv"]!["schema"]!["x-csv-columns"]);
        Assert.NotNull(list["responses"]!["304"]);
        Assert.Contains(list["parameters"]!.AsArray(), p => (string?)p!["name"] == "If-None-Match" && (string?)p["in"] == "header");
        Assert.Contains(paths["/api/v1/tiles/roads/{z}/{x}/{y}.mvt"]!["get"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "v");
        var put = paths["/api/v1/stations/{id}"]!["put"]!;
        Assert.Contains(put["parameters"]!.AsArray(), p => (string?)p!["name"] == "If-Match" && (string?)p["in"] == "header");
        Assert.NotNull(put["responses"]!["428"]);
        Assert.Equal("binary", (string?)paths["/api/v1/coverage/gaps/tiles/{z}/{x}/{y}.mvt"]!["get"]!["responses"]!["200"]!["content"]!["application/vnd.mapbox-vector-tile"]!["schema"]!["format"]);
    }

    [Fact]
    public async Task Config_tells_the_client_about_basemap_and_vocabularies()
    {
        var config = await api.Client().GetAsync("/api/v1/config").Json(200);
        Assert.Equal(18, config["amenities"]!.AsArray().Count);
        Assert.Equal(5, config["tiers"]!.AsArray().Count);
    }
}
