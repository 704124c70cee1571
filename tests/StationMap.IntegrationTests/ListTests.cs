using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

public sealed class ListTests(DemoApiFixture api) : IClassFixture<DemoApiFixture>
{
    [Fact]
    public async Task Bbox_returns_exactly_the_stations_inside_it_paged_with_has_more()
    {
        const string bbox = "120.14,30.25,120.19,30.29";
        var expected = await api.ScalarAsync<long>(
            "SELECT count(*) FROM station WHERE deleted_at IS NULL AND ST_X(location::geometry) BETWEEN 120.14 AND 120.19 AND ST_Y(location::geometry) BETWEEN 30.25 AND 30.29");
        Assert.True(expected > 10, $"fixture should have stations in the bbox, has {expected}");
        var ids = new List<long>();
        for (var page = 1; ; page++)
        {
            var body = await api.Client().GetAsync($"/api/v1/stations?bbox={bbox}&limit=10&page={page}").Json(200);
            ids.AddRange(body["items"]!.AsArray().Select(i => (long)i!["id"]!));
            if (!(bool)body["has_more"]!) break;
        }
        Assert.Equal(expected, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Radius_filter_matches_ST_DWithin()
    {
        var expected = await api.ScalarAsync<long>(
            "SELECT count(*) FROM station WHERE deleted_at IS NULL AND ST_DWithin(location, ST_SetSRID(ST_MakePoint(120.16, 30.27), 4326)::geography, 2000)");
        var body = await api.Client().GetAsync("/api/v1/stations?lon=120.16&lat=30.27&radius=2000&limit=1000").Json(200);
        Assert.Equal(expected, body["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Text_search_finds_by_Chinese_name_and_district()
    {
        var body = await api.Client().GetAsync("/api/v1/stations?q=" + Uri.EscapeDataString("滨江区") + "&limit=1000").Json(200);
        var items = body["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Contains("滨江区", i!.ToJsonString(Http.Options)));
        var percent = await api.Client().GetAsync("/api/v1/stations?q=%25").Json(200);
        Assert.Empty(percent["items"]!.AsArray());
    }

    [Fact]
    public async Task Operator_filter_keeps_exactly_the_stations_of_that_operator()
    {
        const string name = "杭州市总工会";
        var expected = await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE deleted_at IS NULL AND operator = $1", name);
        Assert.True(expected > 0, "the demo set has stations of the city's union federation");
        var body = await api.Client().GetAsync("/api/v1/stations?operator=" + Uri.EscapeDataString(" " + name + " ") + "&limit=1000").Json(200);
        var items = body["items"]!.AsArray();
        Assert.Equal(expected, items.Count);
        Assert.All(items, i => Assert.Equal(name, (string?)i!["operator"]));
        Assert.Empty((await api.Client().GetAsync("/api/v1/stations?operator=" + Uri.EscapeDataString("杭州市") + "&limit=1000").Json(200))["items"]!.AsArray());
        await api.Client().GetAsync("/api/v1/stations?operator=%20").Problem(400, "operator");
        await api.Client().GetAsync("/api/v1/stations?operator=" + new string('x', 201)).Problem(400, "operator");
    }

    [Fact]
    public async Task GeoJSON_format_is_a_feature_collection_of_points()
    {
        var response = await api.Client().GetAsync("/api/v1/stations?bbox=120.14,30.25,120.19,30.29&format=geojson&limit=5");
        var body = await response.Json(200, "application/geo+json");
        Assert.Equal("FeatureCollection", (string?)body["type"]);
        var feature = body["features"]!.AsArray()[0]!;
        Assert.Equal("Point", (string?)feature["geometry"]!["type"]);
        var coordinates = feature["geometry"]!["coordinates"]!.AsArray();
        Assert.InRange((double)coordinates[0]!, 120.14, 120.19);
        Assert.InRange((double)coordinates[1]!, 30.25, 30.29);
        Assert.NotNull(feature["properties"]!["name"]);
        Assert.True((bool)body["has_more"]!);
    }

    [Fact]
    public async Task CSV_format_has_a_header_and_one_line_per_station()
    {
        var response = await api.Client().GetAsync("/api/v1/stations?limit=7&format=csv");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.StartsWith("id,name,name_en,address,district,lon,lat,tier", lines[0]);
    }

    [Fact]
    public async Task Station_detail_has_seven_days_of_hours_with_today_first()
    {
        var id = await api.ScalarAsync<long>("SELECT id FROM station WHERE opening_hours = 'Mo-Fr 08:30-17:30' AND status = 'open' ORDER BY id LIMIT 1");
        api.Clock.Now = new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero); // Saturday 10:00 in Shanghai
        var station = await api.Client().GetAsync($"/api/v1/stations/{id}").Json(200);
        var week = station["hours_week"]!.AsArray();
        Assert.Equal(7, week.Count);
        Assert.True((bool)week[0]!["today"]!);
        Assert.Equal("2026-11-21", (string?)week[0]!["date"]);
        Assert.Equal("closed", (string?)week[0]!["status"]);
        Assert.Equal("Mo", (string?)week[2]!["weekday"]);
        Assert.Equal("08:30", (string?)week[2]!["ranges"]![0]!["from"]);
        Assert.Equal("17:30", (string?)week[2]!["ranges"]![0]!["to"]);
        Assert.Equal("closed", (string?)station["open_state"]!["state"]);
        Assert.StartsWith("https://uri.amap.com/", (string?)station["navigation"]!["amap"]);
    }
}
