using System.Net.Http.Json;
using System.Text;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>Every bad input gets a 400 problem+json that names the parameter; none is a 500 or silently ignored.</summary>
public sealed class ValidationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/api/v1/stations/nearest?lon=181&lat=30", "lon")]
    [InlineData("/api/v1/stations/nearest?lon=-180.5&lat=30", "lon")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=91", "lat")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=-90.01", "lat")]
    [InlineData("/api/v1/stations/nearest?lon=NaN&lat=30", "lon")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=Infinity", "lat")]
    [InlineData("/api/v1/stations/nearest?lon=abc&lat=30", "lon")]
    [InlineData("/api/v1/stations/nearest?lat=30", "lon")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&limit=101", "limit")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&limit=0", "limit")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&limit=ten", "limit")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&amenities=toilet,sauna", "amenities")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&amenities=toilet,,water", "amenities")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&tier=gold", "tier")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&openNow=maybe", "openNow")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&maxDistance=-5", "maxDistance")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&maxDistance=1e9", "maxDistance")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&crs=epsg3857", "crs")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&amenity=toilet", "amenity")]
    [InlineData("/api/v1/stations?bbox=120,30,121", "bbox")]
    [InlineData("/api/v1/stations?bbox=120,30,121,x", "bbox")]
    [InlineData("/api/v1/stations?bbox=120,31,121,30", "bbox")]
    [InlineData("/api/v1/stations?bbox=120,30,200,31", "bbox")]
    [InlineData("/api/v1/stations?bbox=120,NaN,121,31", "bbox")]
    [InlineData("/api/v1/stations?lon=120&lat=30", "radius")]
    [InlineData("/api/v1/stations?lon=120&lat=30&radius=60000", "radius")]
    [InlineData("/api/v1/stations?limit=1001", "limit")]
    [InlineData("/api/v1/stations?page=0", "page")]
    [InlineData("/api/v1/stations?format=xml", "format")]
    [InlineData("/api/v1/stations?updated_since=yesterday", "updated_since")]
    [InlineData("/api/v1/stations/1?crs=wgs", "crs")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&lon=121", "lon")]
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&limit=1&limit=5", "limit")]
    // The self-parsing query values (TravelMode, Crs, Bbox, Bands, OutputFormat) on every endpoint that takes them.
    [InlineData("/api/v1/stations/nearest?lon=120&lat=30&by=time&mode=boat", "mode")]
    [InlineData("/api/v1/isochrones?lon=120&lat=30&mode=boat", "mode")]
    [InlineData("/api/v1/isochrones?lon=120&lat=30&minutes=5,61", "minutes")]
    [InlineData("/api/v1/isochrones?lon=120&lat=30&minutes=1,2,3,4,5", "minutes")]
    [InlineData("/api/v1/isochrones?lon=120&lat=30&crs=mars", "crs")]
    [InlineData("/api/v1/stations/reachable?lon=120&lat=30&mode=plane", "mode")]
    [InlineData("/api/v1/service-areas?bbox=1,2,3", "bbox")]
    [InlineData("/api/v1/service-areas?bbox=120,30,121,31&minutes=x", "minutes")]
    [InlineData("/api/v1/stations/1/service-area?mode=car", "mode")]
    [InlineData("/api/v1/coverage?format=xml", "format")]
    [InlineData("/api/v1/coverage?mode=car", "mode")]
    [InlineData("/api/v1/coverage/gaps?bbox=120,31,121,30", "bbox")]
    [InlineData("/api/v1/coverage/uncovered?mode=tram", "mode")]
    [InlineData("/api/v1/districts?format=csv", "format")]
    [InlineData("/api/v1/districts/1?format=mvt", "format")]
    [InlineData("/api/v1/planning/layers/demo-demand/points?format=json", "format")]
    [InlineData("/api/v1/planning/layers/demo-demand/points?bbox=a,b,c,d", "bbox")]
    [InlineData("/api/v1/tiles/roads/12/3415/1686.mvt?vv=1", "vv")]
    [InlineData("/api/v1/config?x=1", "x")]
    public async Task Bad_query_gets_400_naming_the_parameter(string url, string parameter)
    {
        var response = await api.Client().GetAsync(url);
        await response.Problem(400, parameter);
    }

    [Fact]
    public async Task Unknown_api_route_is_a_404_problem_not_the_client_page()
    {
        var response = await api.Client().GetAsync("/api/v1/no-such-thing");
        var problem = await response.Problem(404);
        Assert.Contains("/api/v1/no-such-thing", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_method_the_route_does_not_take_is_a_405_problem_with_Allow()
    {
        var response = await api.Client().DeleteAsync("/api/v1/stations/nearest");
        var problem = await response.Problem(405);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow); // HEAD is answered wherever GET is
        Assert.Contains("DELETE", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_body_of_a_type_the_route_does_not_take_is_a_415_problem()
    {
        var response = await api.Client().PostAsync("/api/v1/stations/import",
            new FormUrlEncodedContent([new KeyValuePair<string, string>("name", "x")]));
        var problem = await response.Problem(415);
        Assert.Contains("text/csv", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_path_that_fails_its_route_constraint_is_a_404_not_a_405()
    {
        await api.Client().GetAsync("/api/v1/stations/abc").Problem(404);
    }

    [Fact]
    public async Task Unknown_station_is_a_404_problem()
    {
        await api.Client().GetAsync("/api/v1/stations/999999").Problem(404);
    }

    [Fact]
    public async Task Bad_station_body_names_every_invalid_field()
    {
        var key = await api.CreateKeyAsync("editor");
        var response = await api.Client(key).PostAsJsonAsync("/api/v1/stations", new
        {
            name = "",
            lon = 200.0,
            lat = 30.0,
            tier = "gold",
            opening_hours = "Mo-Fr 25:00-26:00",
            amenities = new Dictionary<string, string> { ["toilet"] = "maybe", ["sauna"] = "yes" },
            access = new[] { "everyone" },
            time_zone = "Mars/Olympus",
            capacity = -1,
        });
        var problem = await response.Problem(400, "opening_hours");
        var errors = problem["errors"]!.AsObject();
        foreach (var field in new[] { "name", "lon", "tier", "opening_hours", "amenities", "access", "time_zone", "capacity" })
            Assert.True(errors.ContainsKey(field), $"{field} missing in {problem.ToJsonString()}");
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station"));
    }

    [Fact]
    public async Task Unknown_json_member_is_rejected_not_ignored()
    {
        var key = await api.CreateKeyAsync("editor");
        var response = await api.Client(key).PostAsJsonAsync("/api/v1/stations", new { name = "测试驿站", lon = 120.1, lat = 30.2, toilet = "yes" });
        var problem = await response.Problem(400);
        Assert.Contains("toilet", problem.ToJsonString());
    }

    [Fact]
    public async Task Malformed_json_body_is_a_400_problem()
    {
        var key = await api.CreateKeyAsync("editor");
        var response = await api.Client(key).PostAsync("/api/v1/stations", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));
        await response.Problem(400);
    }

    [Fact]
    public async Task Oversized_body_is_rejected_with_a_problem_naming_the_body()
    {
        var key = await api.CreateKeyAsync("editor");
        var big = new string('x', 200_000);
        var response = await api.Client(key).PostAsJsonAsync("/api/v1/stations", new { name = "大驿站", lon = 120.1, lat = 30.2, address = big });
        await response.Problem(413, "body");
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station"));
    }
}
