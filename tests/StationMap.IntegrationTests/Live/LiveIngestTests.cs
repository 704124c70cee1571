using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>Stations for the live tests: one of 顺丰速运 and one of 美团, close together, open all day.</summary>
public class LiveFixture : ApiFixture, IAsyncLifetime
{
    /// <summary>The shipped live limits, except new device tokens (the tests make hundreds from one address).</summary>
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["StationMap:Live:Limits:DevicesPerAddress"] = "100000",
    };

    public const double Lon = 120.1301, Lat = 30.2789;
    public long Sf { get; private set; }
    public long Meituan { get; private set; }
    public string Editor { get; private set; } = "";

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Editor = await CreateKeyAsync("editor");
        Sf = await CreateStationAsync("顺丰速运", Lon, Lat);
        Meituan = await CreateStationAsync("美团", Lon + 0.01, Lat);
    }

    public async Task<long> CreateStationAsync(string @operator, double lon, double lat, int capacity = 12)
    {
        var body = await Client(Editor).PostAsJsonAsync("/api/v1/stations", new
        {
            name = $"{@operator}暖心驿站{lon:0.0000}",
            lon,
            lat,
            tier = "partner",
            @operator,
            opening_hours = "24/7",
            capacity,
            amenities = new Dictionary<string, string> { ["microwave"] = "yes", ["battery_swap"] = "yes" },
        }).Json(201);
        return (long)body["id"]!;
    }

    /// <summary>A new device token.</summary>
    public async Task<string> DeviceAsync()
    {
        var body = await Client().PostAsync("/api/v1/devices", null).Json(201);
        return (string)body["token"]!;
    }

    public HttpClient DeviceClient(string token)
    {
        var c = Client();
        c.DefaultRequestHeaders.Add("X-Device-Token", token);
        return c;
    }
}

public sealed class LiveIngestTests(LiveFixture api) : IClassFixture<LiveFixture>
{
    static object Here(string crowding, double dLon = 0) => new { lon = LiveFixture.Lon + dLon, lat = LiveFixture.Lat, crowding };

    [Fact]
    public async Task A_device_token_is_issued_once_stored_hashed_and_revocable()
    {
        var created = await api.Client().PostAsync("/api/v1/devices", null).Json(201);
        var token = (string)created["token"]!;
        Assert.StartsWith("smd_", token);
        Assert.Equal(0.8, (double)created["trust"]!, 3);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM device WHERE token_prefix = $1 AND token_hash = convert_to($2, 'UTF8')", token[..8], token));
        var me = await api.DeviceClient(token).GetAsync("/api/v1/devices/me").Json(200);
        Assert.Equal((long)created["id"]!, (long)me["id"]!);
        Assert.Null(me["token"]);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeviceClient(token).DeleteAsync("/api/v1/devices/me")).StatusCode);
        var refused = await api.DeviceClient(token).PostAsJsonAsync($"/api/v1/stations/{api.Sf}/checkins", Here("empty")).Problem(401);
        Assert.Equal("/problems/device-token-required", (string?)refused["type"]);
        await api.Client().PostAsJsonAsync($"/api/v1/stations/{api.Sf}/checkins", Here("empty")).Problem(401);
    }

    [Fact]
    public async Task A_full_check_in_shows_in_every_station_answer_and_leaves_the_station_out_of_seats_available()
    {
        var station = await api.CreateStationAsync("饿了么", 120.2001, 30.2001);
        var device = api.DeviceClient(await api.DeviceAsync());
        var near = $"/api/v1/stations/nearest?lon=120.2001&lat=30.2001&limit=3";
        var before = await api.Client().GetAsync(near + "&seats=available").Json(200);
        Assert.Contains(before["items"]!.AsArray(), i => (long)i!["id"]! == station);

        var answer = await device.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 120.2002, lat = 30.2001, crowding = "full" }).Json(201);
        Assert.Equal("full", (string?)answer["live"]!["crowding"]!["value"]);
        Assert.Equal("crowd", (string?)answer["live"]!["crowding"]!["source"]);
        Assert.True((double)answer["live"]!["crowding"]!["confidence"]! >= 0.5);
        Assert.True((long)answer["live"]!["seq"]! > 0);

        var live = await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200);
        Assert.Equal("full", (string?)live["live"]!["crowding"]!["value"]);
        Assert.Equal(7, live["typical_profile"]!["scores"]!.AsArray().Count);
        var detail = await api.Client().GetAsync($"/api/v1/stations/{station}").Json(200);
        Assert.Equal("full", (string?)detail["live"]!["crowding"]!["value"]);
        var list = await api.Client().GetAsync("/api/v1/stations?bbox=120.19,30.19,120.21,30.21").Json(200);
        Assert.Equal("full", (string?)list["items"]!.AsArray().Single(i => (long)i!["id"]! == station)!["live"]!["crowding"]!["value"]);
        var geojson = await api.Client().GetAsync("/api/v1/stations?bbox=120.19,30.19,120.21,30.21&format=geojson").Json(200, "application/geo+json");
        Assert.Equal("full", (string?)geojson["features"]!.AsArray().Single(f => (long)f!["properties"]!["id"]! == station)!["properties"]!["live"]!["crowding"]!["value"]);

        var nearest = await api.Client().GetAsync(near).Json(200);
        Assert.Contains(nearest["items"]!.AsArray(), i => (long)i!["id"]! == station);
        var available = await api.Client().GetAsync(near + "&seats=available").Json(200);
        Assert.DoesNotContain(available["items"]!.AsArray(), i => (long)i!["id"]! == station);
        await api.Client().GetAsync(near + "&seats=plenty").Problem(400, "seats");
    }

    [Fact]
    public async Task Live_values_decay_with_their_half_life_and_give_way_to_the_typical_value()
    {
        var station = await api.CreateStationAsync("中国邮政", 120.3001, 30.3001);
        var start = api.Clock.Now;
        try
        {
            // Three weeks of Wednesday-noon check-ins: some_seats, some_seats, full → typical score 1.33 (some_seats).
            foreach (var (week, crowding) in new[] { (3, "some_seats"), (2, "some_seats"), (1, "full") })
            {
                api.Clock.Now = start.AddDays(-7 * week);
                var d = api.DeviceClient(await api.DeviceAsync());
                await d.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 120.3001, lat = 30.3001, crowding }).Json(201);
            }
            api.Clock.Now = start;
            var now = await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200);
            Assert.Null(now["live"]!["crowding"]);
            var typical = now["live"]!["typical"]!;
            Assert.Equal("some_seats", (string?)typical["crowding"]);
            Assert.Equal(3, (int)typical["samples"]!);
            Assert.Equal("We", (string?)typical["weekday"]);
            Assert.Equal(12, (int)typical["hour"]!);
            Assert.Equal(3, (int)now["typical_profile"]!["samples"]![2]![12]!);

            var device = api.DeviceClient(await api.DeviceAsync());
            var fresh = await device.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 120.3001, lat = 30.3001, crowding = "empty" }).Json(201);
            var c0 = (double)fresh["live"]!["crowding"]!["confidence"]!;
            Assert.Equal(0.56, c0, 2);   // 0.7 (crowd) × 0.8 (a new device's trust)
            Assert.Null(fresh["live"]!["typical"]);
            api.Clock.Now = start.AddMinutes(20);  // one half-life of a crowd crowding value
            var half = await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200);
            Assert.Equal(c0 / 2, (double)half["live"]!["crowding"]!["confidence"]!, 2);
            api.Clock.Now = start.AddMinutes(55);  // 0.56 × ½^2.75 = 0.08, below the 0.1 floor: nothing fresh, typical again
            var stale = await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200);
            Assert.Null(stale["live"]!["crowding"]);
            Assert.Equal("some_seats", (string?)stale["live"]!["typical"]!["crowding"]);
        }
        finally { api.Clock.Now = start; }
    }

    [Fact]
    public async Task A_report_from_5_km_away_gets_422_naming_the_position()
    {
        var device = api.DeviceClient(await api.DeviceAsync());
        var far = await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports",
            new { lon = LiveFixture.Lon + 0.052, lat = LiveFixture.Lat, amenity = "microwave", state = "broken" }).Problem(422, "lon");
        Assert.Equal("/problems/too-far", (string?)far["type"]);
        Assert.True((double)far["distance_m"]! > 4900);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE distance_m > 1000"));
    }

    [Fact]
    public async Task Bad_bodies_get_400_naming_the_field()
    {
        var device = api.DeviceClient(await api.DeviceAsync());
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/checkins", new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, crowding = "packed" }).Problem(400, "crowding");
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/checkins", new { lat = LiveFixture.Lat, crowding = "full" }).Problem(400, "lon");
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/checkins", new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, crowding = "full", seats_free = -1 }).Problem(400, "seats_free");
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports", new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, amenity = "jacuzzi", state = "broken" }).Problem(400, "amenity");
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports", new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, amenity = "microwave", state = "empty" }).Problem(400, "state");
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports", new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, amenity = "battery_swap", state = "charged_available" }).Problem(400, "charged_available");
        await device.PostAsJsonAsync("/api/v1/stations/999999/checkins", Here("full")).Problem(404);
        var key = await api.CreateKeyAsync("operator", @operator: "顺丰速运");
        await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { seats_free = "many" }).Problem(400, "seats_free");
        await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { source = "oracle", seats_free = 2 }).Problem(400, "source");
        await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { amenities = new { microwave = "on fire" } }).Problem(400, "amenities.microwave");
        await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { seats_free = 2, observed_at = "2099-01-01T00:00:00Z" }).Problem(400, "observed_at");
        await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { }).Problem(400, "body");
    }

    [Fact]
    public async Task An_operator_key_changes_its_own_station_and_gets_403_on_another_operators()
    {
        var key = await api.CreateKeyAsync("operator", "顺丰-staff", "顺丰速运");
        var me = await api.Client(key).GetAsync("/api/v1/keys/me").Json(200);
        Assert.Equal("operator", (string?)me["role"]);
        Assert.Equal("顺丰速运", (string?)me["operator"]);

        var own = await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live",
            new { seats_free = 4, charged_available = 17, amenities = new { fridge = "working" } }).Json(200);
        Assert.Equal(4, (int)own["live"]!["seats_free"]!["value"]!);
        Assert.Equal("staff", (string?)own["live"]!["seats_free"]!["source"]);
        Assert.Equal(17, (int)own["live"]!["charged_available"]!["value"]!);
        Assert.Equal("some_seats", (string?)own["live"]!["crowding"]!["value"]);   // implied by the seats
        var other = await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{api.Meituan}/live", new { seats_free = 4 }).Problem(403);
        Assert.Equal("/problems/operator-scope", (string?)other["type"]);
        await api.Client(await api.CreateKeyAsync("reader")).PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { seats_free = 1 }).Problem(403);
        await api.Client().PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { seats_free = 1 }).Problem(401);
        // Editors keep their powers over every station.
        await api.Client(api.Editor).PutAsJsonAsync($"/api/v1/stations/{api.Meituan}/live", new { source = "sensor", occupancy = 3 }).Json(200);
    }

    [Fact]
    public async Task A_live_put_repeated_with_the_same_observed_at_stores_nothing()
    {
        var station = await api.CreateStationAsync("顺丰速运", 120.4001, 30.4001);
        var key = await api.CreateKeyAsync("operator", @operator: "顺丰速运");
        var at = api.Clock.Now.AddMinutes(-1).ToString("O");
        var first = await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{station}/live", new { source = "sensor", seats_free = 0, observed_at = at }).Json(200);
        Assert.Equal(1, (int)first["written"]!);
        Assert.Equal("full", (string?)first["live"]!["crowding"]!["value"]);
        Assert.Equal("sensor", (string?)first["live"]!["crowding"]!["source"]);
        var again = await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{station}/live", new { source = "sensor", seats_free = 0, observed_at = at }).Json(200);
        Assert.Equal(0, (int)again["written"]!);
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1", station));
    }

    [Fact]
    public async Task Staff_saying_seats_are_free_overrides_a_couriers_full_at_once()
    {
        var station = await api.CreateStationAsync("顺丰速运", 120.5001, 30.5001);
        var device = api.DeviceClient(await api.DeviceAsync());
        await device.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 120.5001, lat = 30.5001, crowding = "full" }).Json(201);
        var key = await api.CreateKeyAsync("operator", @operator: "顺丰速运");
        var staff = await api.Client(key).PutAsJsonAsync($"/api/v1/stations/{station}/live", new { crowding = "some_seats" }).Json(200);
        Assert.Equal("some_seats", (string?)staff["live"]!["crowding"]!["value"]);
        Assert.Equal("staff", (string?)staff["live"]!["crowding"]!["source"]);
        Assert.True((double)staff["live"]!["crowding"]!["confidence"]! > 0.7);
    }

    [Fact]
    public async Task A_single_unconfirmed_fault_report_is_not_shown_as_live()
    {
        var station = await api.CreateStationAsync("美团", 120.6001, 30.6001);
        var device = api.DeviceClient(await api.DeviceAsync());
        var answer = await device.PostAsJsonAsync($"/api/v1/stations/{station}/reports",
            new { lon = 120.6001, lat = 30.6001, amenity = "battery_swap", state = "charged_available", charged_available = 6 }).Json(201);
        Assert.Equal(6, (int)answer["live"]!["charged_available"]!["value"]!);
        var broken = await device.PostAsJsonAsync($"/api/v1/stations/{station}/reports",
            new { lon = 120.6001, lat = 30.6001, amenity = "microwave", state = "broken" }).Json(201);
        Assert.Null(broken["live"]!["amenities"]!["microwave"]);
        Assert.Empty(broken["live"]!["faults"]!.AsArray());
    }

    [Fact]
    public async Task A_blocked_device_is_refused_and_its_signals_stop_counting()
    {
        var station = await api.CreateStationAsync("美团", 120.7001, 30.7001);
        var token = await api.DeviceAsync();
        var device = api.DeviceClient(token);
        await device.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 120.7001, lat = 30.7001, crowding = "full" }).Json(201);
        var id = (long)(await device.GetAsync("/api/v1/devices/me").Json(200))["id"]!;
        await api.Client().PostAsJsonAsync($"/api/v1/devices/{id}/block", new { reason = "spam" }).Problem(401);
        var blocked = await api.Client(api.Editor).PostAsJsonAsync($"/api/v1/devices/{id}/block", new { reason = "spam" }).Json(200);
        Assert.True((bool)blocked["blocked"]!);
        var live = await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200);
        Assert.Null(live["live"]!["crowding"]);
        var refused = await device.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 120.7001, lat = 30.7001, crowding = "full" }).Problem(403);
        Assert.Equal("/problems/device-blocked", (string?)refused["type"]);
        await api.Client(api.Editor).PostAsJsonAsync("/api/v1/devices/987654/block", new { reason = "x" }).Problem(404);
    }

    [Fact]
    public async Task Hundred_parallel_check_ins_are_all_stored()
    {
        var station = await api.CreateStationAsync("中国邮政", 120.8001, 30.8001);
        var tokens = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => api.DeviceAsync()));
        var answers = await Task.WhenAll(tokens.Select(t => api.DeviceClient(t).PostAsJsonAsync($"/api/v1/stations/{station}/checkins",
            new { lon = 120.8001, lat = 30.8001, crowding = "some_seats" })));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(100L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1 AND kind = 'checkin'", station));
        Assert.Equal(100L, await api.ScalarAsync<long>("SELECT count(*) FROM live_change WHERE station_id = $1", station));
        var ids = answers.Select(a => (long)JsonNode.Parse(a.Content.ReadAsStringAsync().Result)!["id"]!).ToHashSet();
        Assert.Equal(100, ids.Count);
    }
}

/// <summary>The shipped live limits, with a small per-device quota so a flood is quick to provoke.</summary>
public sealed class LiveLimitFixture : LiveFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["StationMap:Live:Limits:PerDevice"] = "5",
        ["StationMap:Live:Limits:PerDeviceStation"] = "2",
        ["StationMap:Live:Limits:DevicesPerAddress"] = "50",
        ["StationMap:Live:Limits:PerStation"] = "8",
    };
}

public sealed class LiveLimitTests(LiveLimitFixture api) : IClassFixture<LiveLimitFixture>
{
    [Fact]
    public async Task A_flood_from_one_device_gets_429_with_Retry_After()
    {
        var device = api.DeviceClient(await api.DeviceAsync());
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 7; i++)
        {
            last = await device.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports",
                new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, amenity = "toilet", state = "working" });
            statuses.Add(last.StatusCode);
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Created));
        var problem = await last!.Problem(429);
        Assert.Equal("/problems/rate-limited", (string?)problem["type"]);
        Assert.True(int.Parse(last!.Headers.RetryAfter!.ToString()) >= 1);
        Assert.Equal(5L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1 AND report_amenity = 'toilet'", api.Sf));
    }

    [Fact]
    public async Task A_device_checking_in_again_and_again_at_one_station_gets_429()
    {
        var device = api.DeviceClient(await api.DeviceAsync());
        var body = new { lon = LiveFixture.Lon + 0.01, lat = LiveFixture.Lat, crowding = "empty" };
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Meituan}/checkins", body).Json(201);
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Meituan}/checkins", body).Json(201);
        await device.PostAsJsonAsync($"/api/v1/stations/{api.Meituan}/checkins", body).Problem(429);
    }

    [Fact]
    public async Task A_station_flooded_by_many_devices_gets_429()
    {
        var station = await api.CreateStationAsync("美团", 121.0001, 31.0001);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            var d = api.DeviceClient(await api.DeviceAsync());
            codes.Add((await d.PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { lon = 121.0001, lat = 31.0001, crowding = "full" })).StatusCode);
        }
        Assert.Equal(8, codes.Count(c => c == HttpStatusCode.Created));
        Assert.Equal(2, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }
}
