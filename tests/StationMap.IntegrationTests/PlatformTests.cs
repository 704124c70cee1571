using System.Text.Json.Nodes;
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
    public async Task Swagger_takes_geojson_and_csv_schemas_and_parameter_values_from_the_typed_results()
    {
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var paths = doc["paths"]!;
        string? Ref(JsonNode? media) => (string?)media?["schema"]?["$ref"];
        // Every GeoJSON answer has a FeatureCollection (or Feature) schema of its properties.
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/isochrones", "get"), ("/api/v1/service-areas", "get"), ("/api/v1/stations/{id}/service-area", "get"),
                     ("/api/v1/coverage/gaps", "get"), ("/api/v1/coverage/uncovered", "get"), ("/api/v1/districts", "get"),
                     ("/api/v1/stations", "get"), ("/api/v1/coverage", "get"), ("/api/v1/planning/layers/{name}/points", "get"),
                     ("/api/v1/planning/suggest", "post"),
                 })
        {
            var geo = paths[path]![method]!["responses"]!["200"]!["content"]!["application/geo+json"];
            Assert.EndsWith("FeatureCollection", Ref(geo) ?? $"{path}: no GeoJSON schema");
        }
        Assert.EndsWith("Feature", Ref(paths["/api/v1/districts/{id}"]!["get"]!["responses"]!["200"]!["content"]!["application/geo+json"]));
        var collection = doc["components"]!["schemas"]!["StationViewFeatureCollection"]!["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "type", "coordinate_system", "features" }, collection.Select(p => p.Key).ToHashSet());

        // One status, three media types: each with its schema, and the CSV columns in the description.
        var list = paths["/api/v1/stations"]!["get"]!["responses"]!["200"]!;
        Assert.Equal("#/components/schemas/StationPage", Ref(list["content"]!["application/json"]));
        Assert.NotNull(list["content"]!["text/csv"]);
        Assert.Contains("opening_hours", (string?)list["description"]);

        // Self-parsing query values are strings with their values, not the structs they parse into.
        var parameters = paths["/api/v1/isochrones"]!["get"]!["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!["schema"]!);
        Assert.Equal("string", (string?)parameters["mode"]["type"]);
        Assert.Equal(["walk", "ebike", "car"], parameters["mode"]["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["wgs84", "gcj02", "bd09"], parameters["crs"]["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("string", (string?)parameters["minutes"]["type"]);

        // The problem catalogue is listed in the document, as in the README.
        var description = (string?)doc["info"]!["description"] ?? "";
        foreach (var slug in new[] { "invalid-parameters", "station-not-found", "outside-road-network", "rate-limited", "database-unavailable", "method-not-allowed" })
            Assert.Contains($"/problems/{slug}", description);
    }

    [Fact]
    public async Task Config_tells_the_client_about_basemap_and_vocabularies()
    {
        var config = await api.Client().GetAsync("/api/v1/config").Json(200);
        Assert.Equal(18, config["amenities"]!.AsArray().Count);
        Assert.Equal(5, config["tiers"]!.AsArray().Count);
    }
}
