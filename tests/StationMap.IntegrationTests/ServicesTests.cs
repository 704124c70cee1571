using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>Services on a schedule: written, validated, filtered (service, service_when at an instant), exported and imported.</summary>
public sealed class ServicesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    const string Tuesday = "2026-12-01T08:00:00+08:00";
    const string Wednesday = "2026-12-02T08:00:00+08:00";

    static object Station(string name, double lon, double lat, object[] services, string hours = "Mo-Su 07:00-21:00", string? zone = null) => new
    {
        name,
        lon,
        lat,
        opening_hours = hours,
        time_zone = zone,
        services,
    };

    static readonly object[] Clinic =
    [
        new { kind = "free_clinic", description = "社区医生坐诊：量血压, 测血糖 | \"免费\"", hours = "Tu 14:00-16:00" },
        new { kind = "haircut", description = (string?)null, hours = "Sa 09:00-12:00" },
    ];

    async Task<JsonNode> CreateAsync(object station)
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        return await editor.PostAsJsonAsync("/api/v1/stations", station).Json(201);
    }

    static string Q(string at) => Uri.EscapeDataString(at);

    [Fact]
    public async Task A_Tuesday_clinic_is_found_for_today_on_a_Tuesday_and_not_on_a_Wednesday()
    {
        var created = await CreateAsync(Station("义诊测试驿站", 121.001, 31.001, Clinic));
        var id = (long)created["id"]!;
        await CreateAsync(Station("理发测试驿站", 121.002, 31.002, [new { kind = "haircut", hours = "Tu 09:00-11:00" }]));
        var client = api.Client();
        const string near = "/api/v1/stations/nearest?lon=121.0&lat=31.0&limit=10";

        async Task<long[]> Ids(string url) => (await client.GetAsync(url).Json(200))["items"]!.AsArray().Select(i => (long)i!["id"]!).ToArray();

        Assert.Equal([id], await Ids($"{near}&service=free_clinic&service_when=today&at={Q(Tuesday)}"));
        Assert.Empty(await Ids($"{near}&service=free_clinic&service_when=today&at={Q(Wednesday)}"));
        Assert.Equal([id], await Ids($"{near}&service=free_clinic&at={Q(Wednesday)}")); // any: hosts it at all
        Assert.Equal([id], await Ids($"{near}&service=free_clinic&service_when=now&at={Q("2026-12-01T15:00:00+08:00")}"));
        Assert.Empty(await Ids($"{near}&service=free_clinic&service_when=now&at={Q("2026-12-01T16:00:00+08:00")}"));
        // any-of kinds; and service_when without a kind means some service is on.
        Assert.Equal(2, (await Ids($"{near}&service=free_clinic,haircut&service_when=today&at={Q(Tuesday)}")).Length);
        Assert.Equal(2, (await Ids($"{near}&service_when=today&at={Q(Tuesday)}")).Length);
        Assert.Empty(await Ids($"{near}&service_when=today&at={Q("2026-12-03T08:00:00+08:00")}"));

        // The list applies the same filters (kind in SQL, the instant in memory) and pages over the matches.
        var list = await client.GetAsync($"/api/v1/stations?lon=121.0&lat=31.0&radius=1000&service=free_clinic&service_when=today&at={Q(Tuesday)}").Json(200);
        Assert.Equal([id], list["items"]!.AsArray().Select(i => (long)i!["id"]!));
        var wed = await client.GetAsync($"/api/v1/stations?lon=121.0&lat=31.0&radius=1000&service=free_clinic&service_when=today&at={Q(Wednesday)}").Json(200);
        Assert.Empty(wed["items"]!.AsArray());
        var paged = await client.GetAsync($"/api/v1/stations?lon=121.0&lat=31.0&radius=1000&service_when=today&limit=1&at={Q(Tuesday)}").Json(200);
        Assert.True((bool)paged["has_more"]!);

        // The detail shows each service with its state and next occurrence in the station's offset.
        var detail = await client.GetAsync($"/api/v1/stations/{id}?at={Q(Wednesday)}").Json(200);
        var clinic = detail["services"]!.AsArray().Single(s => (string?)s!["kind"] == "free_clinic")!;
        Assert.Equal("Tu 14:00-16:00", (string?)clinic["hours"]);
        Assert.Equal("closed", (string?)clinic["open_state"]!["state"]);
        Assert.Equal("2026-12-08T14:00:00+08:00", (string?)clinic["next"]!["from"]);
        Assert.Equal("2026-12-08T16:00:00+08:00", (string?)clinic["next"]!["to"]);
        var during = await client.GetAsync($"/api/v1/stations/{id}?at={Q("2026-12-01T15:00:00+08:00")}").Json(200);
        var now = during["services"]!.AsArray().Single(s => (string?)s!["kind"] == "free_clinic")!;
        Assert.Equal("open", (string?)now["open_state"]!["state"]);
        Assert.Equal("2026-12-01T14:00:00+08:00", (string?)now["next"]!["from"]);
        Assert.Equal("2026-12-01T16:00:00+08:00", (string?)now["next"]!["to"]);
    }

    [Fact]
    public async Task Open_state_is_read_in_the_station_own_time_zone()
    {
        var created = await CreateAsync(Station("乌鲁木齐测试驿站", 87.6, 43.8, [new { kind = "classes", hours = "Mo-Su 08:00-09:00" }],
            "Mo-Su 08:00-20:00", "Asia/Urumqi"));
        // 09:00 in Shanghai is 07:00 in Urumqi (UTC+6): the station is not open yet, the class not started.
        var body = await api.Client().GetAsync($"/api/v1/stations/{created["id"]}?at={Q("2026-12-02T09:00:00+08:00")}").Json(200);
        Assert.Equal("closed", (string?)body["open_state"]!["state"]);
        Assert.Equal("2026-12-02T07:00:00+06:00", (string?)body["open_state"]!["at"]);
        Assert.Equal("2026-12-02T08:00:00+06:00", (string?)body["open_state"]!["next_change"]);
        Assert.Equal("2026-12-02T08:00:00+06:00", (string?)body["services"]![0]!["next"]!["from"]);
        Assert.Equal("2026-12-02", (string?)body["hours_week"]![0]!["date"]);
    }

    [Fact]
    public async Task Bad_service_filters_and_bad_service_hours_are_400s_naming_them()
    {
        var client = api.Client();
        await client.GetAsync("/api/v1/stations/nearest?lon=121&lat=31&service=massage").Problem(400, "service");
        await client.GetAsync("/api/v1/stations?service=free_clinic,massage").Problem(400, "service");
        await client.GetAsync("/api/v1/stations/nearest?lon=121&lat=31&service_when=soon").Problem(400, "service_when");
        await client.GetAsync("/api/v1/stations?service_when=tomorrow").Problem(400, "service_when");

        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var problem = await editor.PostAsJsonAsync("/api/v1/stations", Station("坏服务时间驿站", 121.01, 31.01,
            [new { kind = "free_clinic", hours = "Tu 14:00-16:00" }, new { kind = "haircut", hours = "Sa 09:00-" }])).Problem(400, "services[1].hours");
        Assert.Contains("position", problem["errors"]!["services[1].hours"]![0]!.GetValue<string>());
        await editor.PostAsJsonAsync("/api/v1/stations", Station("坏服务种类驿站", 121.01, 31.01, [new { kind = "massage", hours = "Tu 14:00-16:00" }]))
            .Problem(400, "services[0].kind");
        await editor.PostAsJsonAsync("/api/v1/stations", Station("坏服务字段驿站", 121.01, 31.01, [new { kind = "haircut", hours = "Sa 09:00-12:00", price = 0 }]))
            .Problem(400);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name LIKE '坏服务%'"));
    }

    [Fact]
    public async Task Services_version_with_the_station_through_patch_and_the_change_feed()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var created = await CreateAsync(Station("补丁服务驿站", 121.05, 31.05, Clinic));
        var id = (long)created["id"]!;
        // A patch of another field keeps the services; a patch of services replaces the list.
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        {
            Content = new StringContent("""{"capacity": 9}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        var patched = await (await editor.SendAsync(patch)).Json(200);
        Assert.Equal(2, patched["services"]!.AsArray().Count);
        var replace = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        {
            Content = new StringContent("""{"services": [{"kind": "summer_drinks", "hours": "Jun-Sep Mo-Su 11:00-15:00", "description": "绿豆汤"}]}""",
                Encoding.UTF8, "application/merge-patch+json"),
        };
        replace.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"2\""));
        var replaced = await (await editor.SendAsync(replace)).Json(200);
        Assert.Equal(["summer_drinks"], replaced["services"]!.AsArray().Select(s => (string)s!["kind"]!));
        Assert.Equal("""["summer_drinks"]""", await api.ScalarAsync<string>("SELECT to_jsonb(service_kinds)::text FROM station WHERE id = $1", id));
        Assert.True(await api.ScalarAsync<bool>(
            "SELECT diff ? 'services' AND NOT diff ? 'service_kinds' FROM station_audit WHERE station_id = $1 ORDER BY id DESC LIMIT 1", id));

        var feed = await api.Client().GetAsync($"/api/v1/stations?updated_since={Q("2000-01-01T00:00:00Z")}&q=补丁服务").Json(200);
        Assert.Equal("summer_drinks", (string?)feed["items"]![0]!["services"]![0]!["kind"]);
    }

    [Theory]
    [InlineData("csv", "text/csv")]
    [InlineData("geojson", "application/geo+json")]
    public async Task Services_survive_an_export_and_import_round_trip(string format, string contentType)
    {
        var name = $"往返服务驿站{format}";
        var created = await CreateAsync(Station(name, 121.1, 31.1, Clinic));
        var stored = await api.ScalarAsync<string>("SELECT services::text FROM station WHERE id = $1", (long)created["id"]!);
        var export = await api.Client().GetAsync($"/api/v1/stations?q={Uri.EscapeDataString(name)}&format={format}");
        var text = await export.Content.ReadAsStringAsync();
        if (format == "csv") Assert.Contains("services", text.Split('\n')[0]);

        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var report = await admin.PostAsync("/api/v1/stations/import", new StringContent(text, Encoding.UTF8, contentType)).Json(200);
        Assert.Equal(1, (int)report["created"]!);
        var copy = (long)report["ids"]![0]!;
        Assert.Equal(stored, await api.ScalarAsync<string>("SELECT services::text FROM station WHERE id = $1", copy));
        var clinic = JsonNode.Parse(stored)!.AsArray()[0]!;
        Assert.Equal("社区医生坐诊：量血压, 测血糖 | \"免费\"", (string?)clinic["description"]);
    }

    [Fact]
    public async Task A_CSV_import_reports_a_bad_services_cell_by_row()
    {
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        const string csv = "name,lon,lat,services\n" +
                           "导入服务一,121.2,31.2,\"[{\"\"kind\"\":\"\"legal_advice\"\",\"\"hours\"\":\"\"We 09:00-11:30\"\"}]\"\n" +
                           "导入服务二,121.2,31.2,not json\n" +
                           "导入服务三,121.2,31.2,\"[{\"\"kind\"\":\"\"legal_advice\"\",\"\"hours\"\":\"\"We 25:00-26:00\"\"}]\"\n";
        var problem = await admin.PostAsync("/api/v1/stations/import", new StringContent(csv, Encoding.UTF8, "text/csv")).Problem(400);
        var rows = problem["row_errors"]!.AsArray();
        Assert.Equal([2, 3], rows.Select(r => (int)r!["row"]!));
        Assert.True(rows[0]!["errors"]!.AsObject().ContainsKey("services"));
        Assert.True(rows[1]!["errors"]!.AsObject().ContainsKey("services[0].hours"), rows.ToJsonString());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_at_service_and_service_when()
    {
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var nearest = doc["paths"]!["/api/v1/stations/nearest"]!["get"]!["parameters"]!.AsArray();
        JsonNode Param(JsonArray ps, string name) => ps.Single(p => (string?)p!["name"] == name)!;
        Assert.Equal("date-time", (string?)Param(nearest, "at")["schema"]!["format"]);
        Assert.Equal(["now", "today", "any"], Param(nearest, "service_when")["schema"]!["enum"]!.AsArray().Select(e => (string)e!));
        Assert.NotNull(Param(nearest, "service")["example"]);
        foreach (var path in new[] { "/api/v1/stations", "/api/v1/stations/{id}", "/api/v1/stations/reachable" })
            Assert.Contains(doc["paths"]![path]!["get"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "at");
        var schemas = doc["components"]!["schemas"]!.AsObject();
        Assert.True(schemas["StationView"]!["properties"]!.AsObject().ContainsKey("services"));
        Assert.Equal(["free_clinic", "haircut", "legal_advice", "counselling", "classes", "summer_drinks"],
            schemas["ServiceView"]!["properties"]!["kind"]!["enum"]!.AsArray().Select(e => (string)e!));
        Assert.Equal(["public_holiday", "school_holiday", "makeup_workday"],
            schemas["DayHoursView"]!["properties"]!["holiday"]!["properties"]!["kind"]!["enum"]!.AsArray().Select(e => (string)e!));
        // next and holiday may be null: documented as nullable objects (OpenAPI 3.0 has no nullable $ref).
        Assert.True((bool)schemas["ServiceView"]!["properties"]!["next"]!["nullable"]!);
        Assert.True((bool)schemas["DayHoursView"]!["properties"]!["holiday"]!["nullable"]!);
        Assert.True(schemas["OpenStateView"]!["properties"]!.AsObject().ContainsKey("at"));
        Assert.True(schemas["DayHoursView"]!["properties"]!.AsObject().ContainsKey("holiday"));
    }
}
