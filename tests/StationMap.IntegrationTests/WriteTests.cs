using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

public sealed class WriteTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static object NewStation(string name = "文三路暖心驿站") => new
    {
        name,
        name_en = "Wensan Road Warm Station",
        address = "杭州市西湖区文三路100号",
        district = "西湖区",
        lon = 120.1301,
        lat = 30.2789,
        tier = "standard",
        opening_hours = "Mo-Fr 08:00-20:00; Sa 09:00-12:00",
        capacity = 12,
        amenities = new Dictionary<string, string> { ["drinking_water"] = "yes", ["toilet"] = "no", ["wifi"] = "unknown" },
        access = new[] { "all_outdoor_workers", "staffed" },
    };

    async Task<JsonNode> CreateAsync(HttpClient client, string name = "文三路暖心驿站") =>
        await client.PostAsJsonAsync("/api/v1/stations", NewStation(name)).Json(201);

    [Fact]
    public async Task Writes_without_a_key_get_401_and_change_nothing()
    {
        var response = await api.Client().PostAsJsonAsync("/api/v1/stations", NewStation());
        await response.Problem(401);
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString());
        await api.Client("sm_not-a-real-key").PostAsJsonAsync("/api/v1/stations", NewStation()).Problem(401);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name = '文三路暖心驿站' AND address LIKE '%100号'"));
    }

    [Fact]
    public async Task A_read_only_key_gets_403()
    {
        var reader = await api.CreateKeyAsync("reader");
        await api.Client(reader).PostAsJsonAsync("/api/v1/stations", NewStation("只读测试驿站")).Problem(403);
        var editor = await api.CreateKeyAsync("editor");
        var created = await CreateAsync(api.Client(editor), "删除权限测试驿站");
        await api.Client(editor).DeleteAsync($"/api/v1/stations/{created["id"]}").Problem(403);
    }

    [Fact]
    public async Task A_key_revoked_with_the_cli_gets_401_and_the_cli_lists_it_as_revoked()
    {
        var editor = await api.CreateKeyAsync("editor", "revoke-cli-test");
        await CreateAsync(api.Client(editor), "吊销前驿站");
        var id = await api.ScalarAsync<long>("SELECT id FROM api_key WHERE name = 'revoke-cli-test'");
        Assert.Equal(0, await StationMap.Api.Hosting.Cli.CliCommands.RunAsync(["apikey", "revoke", id.ToString()], api.ConnectionString));
        Assert.Equal(1, await StationMap.Api.Hosting.Cli.CliCommands.RunAsync(["apikey", "revoke", id.ToString()], api.ConnectionString));
        Assert.True(await api.ScalarAsync<bool>("SELECT revoked_at IS NOT NULL FROM api_key WHERE id = $1", id));
        await api.Client(editor).PostAsJsonAsync("/api/v1/stations", NewStation("吊销后驿站")).Problem(401);
        Assert.Equal(1, await StationMap.Api.Hosting.Cli.CliCommands.RunAsync(["apikey", "create", "--role", "owner"], api.ConnectionString));
    }

    [Fact]
    public async Task The_key_store_creates_lists_finds_and_revokes_by_hash_only()
    {
        await using var data = Npgsql.NpgsqlDataSource.Create(api.ConnectionString);
        var keys = new StationMap.Api.Infrastructure.ApiKeyStore(data);
        var key = StationMap.Api.Infrastructure.ApiKeyAuth.NewKey();
        var hash = StationMap.Api.Infrastructure.ApiKeyAuth.Hash(key);
        var id = await keys.CreateAsync("store-test", "admin", hash, key[..7]);
        var listed = Assert.Single(await keys.ListAsync(), k => k.Id == id);
        Assert.Equal(("store-test", "admin", key[..7], (DateTimeOffset?)null), (listed.Name, listed.Role, listed.KeyPrefix, listed.RevokedAt));
        Assert.Equal(id, (await keys.FindActiveAsync(hash))?.Id);
        Assert.Null(await keys.FindActiveAsync(StationMap.Api.Infrastructure.ApiKeyAuth.Hash(key + "x")));
        await api.Client(key).PostAsJsonAsync("/api/v1/stations", NewStation("密钥存储驿站")).Json(201);
        Assert.True(await keys.RevokeAsync(id));
        Assert.False(await keys.RevokeAsync(id));
        Assert.Null(await keys.FindActiveAsync(hash));
        Assert.NotNull(Assert.Single(await keys.ListAsync(), k => k.Id == id).RevokedAt);
    }

    [Fact]
    public async Task Create_returns_the_station_with_location_etag_and_tri_state_amenities()
    {
        var editor = await api.CreateKeyAsync("editor");
        var response = await api.Client(editor).PostAsJsonAsync("/api/v1/stations", NewStation("创建测试驿站"));
        var station = await response.Json(201);
        Assert.Equal($"/api/v1/stations/{station["id"]}", response.Headers.Location?.ToString());
        Assert.Equal("yes", (string?)station["amenities"]!["drinking_water"]);
        Assert.Equal("no", (string?)station["amenities"]!["toilet"]);
        Assert.Equal("unknown", (string?)station["amenities"]!["wifi"]);
        Assert.Equal("unknown", (string?)station["amenities"]!["microwave"]);
        Assert.Equal(1, (int)station["version"]!);
        Assert.Equal(7, station["hours_week"]!.AsArray().Count);
        var fetched = await api.Client().GetAsync($"/api/v1/stations/{station["id"]}");
        // The version, then the representation's hash (which also varies with crs and open state).
        Assert.StartsWith("\"1.", fetched.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Stale_version_gets_412_and_missing_version_428()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var station = await CreateAsync(editor, "并发测试驿站");
        var id = (long)station["id"]!;

        var first = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        { Content = new StringContent("{\"capacity\": 20}", Encoding.UTF8, "application/merge-patch+json") };
        first.Headers.IfMatch.ParseAdd("\"1\"");
        var patched = await (await editor.SendAsync(first)).Json(200);
        Assert.Equal(20, (int)patched["capacity"]!);
        Assert.Equal(2, (int)patched["version"]!);
        Assert.Equal(120.1301, (double)patched["lon"]!, 7);

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        { Content = new StringContent("{\"capacity\": 5}", Encoding.UTF8, "application/merge-patch+json") };
        stale.Headers.IfMatch.ParseAdd("\"1\"");
        await (await editor.SendAsync(stale)).Problem(412);

        var noVersion = await editor.PutAsJsonAsync($"/api/v1/stations/{id}", NewStation("并发测试驿站"));
        await noVersion.Problem(428);
        Assert.Equal(20, await api.ScalarAsync<int>("SELECT capacity FROM station WHERE id = $1", id));
    }

    [Fact]
    public async Task Every_accepted_change_is_in_the_audit_table_with_actor_and_diff()
    {
        var editorKey = await api.CreateKeyAsync("editor", "audit-editor");
        var adminKey = await api.CreateKeyAsync("admin", "audit-admin");
        var editor = api.Client(editorKey);
        var station = await CreateAsync(editor, "审计测试驿站");
        var id = (long)station["id"]!;

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/stations/{id}") { Content = JsonContent.Create(NewStation("审计测试驿站二")) };
        put.Headers.IfMatch.ParseAdd("\"1\"");
        await (await editor.SendAsync(put)).Json(200);
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/stations/{id}");
        delete.Headers.IfMatch.ParseAdd("\"2\"");
        Assert.Equal(204, (int)(await api.Client(adminKey).SendAsync(delete)).StatusCode);

        Assert.Equal("insert,update,delete", await api.ScalarAsync<string>(
            "SELECT string_agg(action, ',' ORDER BY id) FROM station_audit WHERE station_id = $1", id));
        Assert.StartsWith("apikey:", await api.ScalarAsync<string>("SELECT actor FROM station_audit WHERE station_id = $1 AND action = 'update'", id));
        Assert.EndsWith(":audit-admin", await api.ScalarAsync<string>("SELECT actor FROM station_audit WHERE station_id = $1 AND action = 'delete'", id));
        var diff = JsonNode.Parse(await api.ScalarAsync<string>("SELECT diff::text FROM station_audit WHERE station_id = $1 AND action = 'update'", id))!;
        Assert.Equal("审计测试驿站", (string?)diff["name"]!["old"]);
        Assert.Equal("审计测试驿站二", (string?)diff["name"]!["new"]);
        Assert.False(diff.AsObject().ContainsKey("address"));

        await api.Client().GetAsync($"/api/v1/stations/{id}").Problem(404);
    }

    [Fact]
    public async Task Change_feed_reports_updates_and_deletions_in_order()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        api.Clock.Now = DateTimeOffset.UtcNow;
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var a = await CreateAsync(admin, "变更流测试一");
        var b = await CreateAsync(admin, "变更流测试二");
        api.Clock.Now = DateTimeOffset.UtcNow.AddSeconds(1);
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/stations/{a["id"]}")).StatusCode);

        var feed = await api.Client().GetAsync($"/api/v1/stations?updated_since={Uri.EscapeDataString(since.ToString("O"))}&limit=1000").Json(200);
        var items = feed["items"]!.AsArray().Where(i => (long)i!["id"]! == (long)a["id"]! || (long)i!["id"]! == (long)b["id"]!).ToList();
        Assert.Equal([(long)b["id"]!, (long)a["id"]!], items.Select(i => (long)i!["id"]!));
        Assert.NotNull(items[1]!["deleted_at"]);
        Assert.Null(items[0]!["deleted_at"]);

        var list = await api.Client().GetAsync("/api/v1/stations?q=变更流测试").Json(200);
        Assert.Equal([(long)b["id"]!], list["items"]!.AsArray().Select(i => (long)i!["id"]!));
    }

    [Fact]
    public async Task Atomic_import_with_a_bad_row_writes_nothing_and_reports_the_row()
    {
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        const string csv = "name,lon,lat,tier,opening_hours,toilet\n导入一,120.1,30.2,standard,24/7,yes\n导入二,120.2,95,standard,24/7,yes\n导入三,120.3,30.3,gold,Mo-Fr 08:00-18:00,maybe\n";
        var response = await admin.PostAsync("/api/v1/stations/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var problem = await response.Problem(400);
        var rows = problem["row_errors"]!.AsArray();
        Assert.Equal([2, 3], rows.Select(r => (int)r!["row"]!));
        Assert.True(rows[0]!["errors"]!.AsObject().ContainsKey("lat"));
        Assert.True(rows[1]!["errors"]!.AsObject().ContainsKey("tier"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name LIKE '导入%'"));

        var partial = await (await admin.PostAsync("/api/v1/stations/import?atomic=false", new StringContent(csv, Encoding.UTF8, "text/csv"))).Json(200);
        Assert.Equal(1, (int)partial["created"]!);
        Assert.Equal(2, (int)partial["failed"]!);
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name LIKE '导入%'"));
    }

    [Fact]
    public async Task GeoJSON_export_imports_back()
    {
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        await CreateAsync(admin, "往返测试驿站");
        var export = await api.Client().GetAsync("/api/v1/stations?q=往返测试&format=geojson");
        var geojson = await export.Content.ReadAsStringAsync();
        var response = await admin.PostAsync("/api/v1/stations/import", new StringContent(geojson, Encoding.UTF8, "application/geo+json"));
        var report = await response.Json(200);
        Assert.Equal(1, (int)report["created"]!);
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name = '往返测试驿站' AND deleted_at IS NULL"));
    }

    [Fact]
    public async Task An_import_larger_than_the_default_body_limit_is_accepted()
    {
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var csv = new StringBuilder("name,address,lon,lat,tier,opening_hours,toilet\n");
        for (var i = 0; i < 1500; i++)
            csv.Append($"批量驿站{i},杭州市西湖区文三路{i}号附近的一个比较长的地址描述,{120.1 + i * 1e-5:F5},30.25,standard,Mo-Su 08:00-20:00,yes\n");
        Assert.True(Encoding.UTF8.GetByteCount(csv.ToString()) > 64 * 1024);
        var report = await (await admin.PostAsync("/api/v1/stations/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).Json(200);
        Assert.Equal(1500, (int)report["created"]!);
    }
}
