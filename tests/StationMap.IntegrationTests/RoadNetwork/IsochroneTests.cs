using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.RoadNetwork;

public sealed class IsochroneTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    const string Here = "lon=121.4739&lat=31.2304";   // People's Square, inside the Shanghai extract

    async Task EnsureGraphAsync()
    {
        await using var conn = await api.OpenAsync();
        if (await RoadGraphStore.ActiveInfoAsync(conn, "Shanghai") is null)
        {
            var built = OsmGraphBuilder.Build(SharedData.Osm("shanghai_peoples_square_2026.osm"), RoadProfile.Default());
            await RoadGraphStore.SaveAndActivateAsync(conn, built, "Shanghai", "osm", null, RoadGraphStore.OsmAttribution, "{}");
        }
        await api.Services.GetRequiredService<GraphHost>().ReloadIfChangedAsync();
    }

    [Fact]
    public async Task Bands_are_valid_nested_polygons_with_areas_version_and_attribution()
    {
        await EnsureGraphAsync();
        var body = await api.Client().GetAsync($"/api/v1/isochrones?{Here}&mode=ebike&minutes=10,5,15").Json(200, "application/geo+json");
        Assert.Equal("© OpenStreetMap contributors", (string?)body["attribution"]);
        var features = body["features"]!.AsArray();
        Assert.Equal([5.0, 10.0, 15.0], features.Select(f => (double)f!["properties"]!["minutes"]!));
        var areas = features.Select(f => (double)f!["properties"]!["area_km2"]!).ToList();
        Assert.True(areas[0] > 0.1 && areas[0] < areas[1] && areas[1] <= areas[2], string.Join(", ", areas));
        Assert.InRange((double)body["snap_distance_m"]!, 0, 200);

        await using var conn = await api.OpenAsync();
        for (var i = 0; i < features.Count; i++)
        {
            var geometry = features[i]!["geometry"]!.ToJsonString();
            Assert.True(await api.ScalarAsync<bool>("SELECT ST_IsValid(ST_GeomFromGeoJSON($1))", geometry), $"band {i} invalid");
            if (i > 0)
            {
                var inner = features[i - 1]!["geometry"]!.ToJsonString();
                // Nested: the inner band lies inside the outer one (up to coordinate rounding).
                Assert.True(await api.ScalarAsync<bool>(
                    "SELECT ST_Area(ST_Difference(ST_GeomFromGeoJSON($1), ST_Buffer(ST_GeomFromGeoJSON($2), 1e-6))) < 1e-9", inner, geometry));
            }
        }
    }

    [Fact]
    public async Task Walking_reaches_less_than_riding_and_the_config_names_the_graph()
    {
        await EnsureGraphAsync();
        async Task<double> Area(string mode) =>
            (double)(await api.Client().GetAsync($"/api/v1/isochrones?{Here}&mode={mode}&minutes=10").Json(200, "application/geo+json"))["features"]![0]!["properties"]!["area_km2"]!;
        Assert.True(await Area("walk") < await Area("ebike"));
        var config = await api.Client().GetAsync("/api/v1/config").Json(200);
        var routing = config["routing"]!;
        Assert.Equal("osm", (string?)routing["source"]);
        Assert.Equal(4, routing["bbox"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_point_far_from_any_road_is_a_422_problem_naming_the_nearest_region()
    {
        await EnsureGraphAsync();
        // 50 km west of People's Square: outside the only region, whose name and distance the problem gives.
        var problem = await api.Client().GetAsync("/api/v1/isochrones?lon=121.0&lat=31.0&mode=walk").Problem(422);
        Assert.EndsWith("outside-regions", (string?)problem["type"]);
        Assert.Equal("Shanghai", (string?)problem["nearest_region"]);
        Assert.InRange((double)problem["distance_m"]!, 35_000, 60_000);
    }

    [Theory]
    [InlineData("minutes=0", "minutes")]
    [InlineData("minutes=61", "minutes")]
    [InlineData("minutes=5,10,15,20,25", "minutes")]
    [InlineData("minutes=ten", "minutes")]
    [InlineData("mode=plane", "mode")]
    [InlineData("direction=sideways", "direction")]
    [InlineData("crs=mars", "crs")]
    public async Task Bad_parameters_are_400_problems_naming_them(string query, string parameter)
    {
        await EnsureGraphAsync();
        await api.Client().GetAsync($"/api/v1/isochrones?{Here}&{query}").Problem(400, parameter);
    }
}

public sealed class NoRoadGraphTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Without_a_road_graph_isochrones_are_503_and_the_config_says_so()
    {
        var problem = await api.Client().GetAsync("/api/v1/isochrones?lon=120.16&lat=30.27").Problem(503);
        Assert.Contains("import-osm", (string?)problem["detail"]);
        var config = await api.Client().GetAsync("/api/v1/config").Json(200);
        Assert.Null(config["routing"]);
    }
}
