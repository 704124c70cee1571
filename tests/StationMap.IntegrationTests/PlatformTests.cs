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
        Assert.Equal("#/components/schemas/StationViewFeatureCollection", (string?)list["responses"]!["200"]!["content"]!["application/geo+json"]!["schema"]!["$ref"]);
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
        // The foreign members are those of the members record the handler sends, beside type and features.
        Assert.Superset(new HashSet<string> { "page", "limit", "has_more" }, collection.Select(p => p.Key).ToHashSet());
        var isochrones = doc["components"]!["schemas"]!["IsochroneBandPropertiesFeatureCollection"]!["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "origin", "snap_distance_m", "graph_version", "attribution" }, isochrones.Select(p => p.Key).ToHashSet());

        // One status, three media types: each with its schema, and the CSV columns in the description.
        var list = paths["/api/v1/stations"]!["get"]!["responses"]!["200"]!;
        Assert.Equal("#/components/schemas/StationPage", Ref(list["content"]!["application/json"]));
        Assert.NotNull(list["content"]!["text/csv"]);
        Assert.Contains("opening_hours", (string?)list["description"]);
        // x-csv-columns is the header Csv<TRow> writes, not a second list.
        Assert.Equal(StationMap.Api.Features.Stations.StationCsvRow.Columns,
            list["content"]!["text/csv"]!["schema"]!["x-csv-columns"]!.AsArray().Select(c => (string)c!));

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
