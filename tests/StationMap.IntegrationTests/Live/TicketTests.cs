using System.Net.Http.Json;
using StationMap.Api.Features.Live;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>Fault tickets: the rules applied to signals (through the API's own IFaultTickets, in the signal's transaction) and the ticket API.</summary>
public sealed class TicketTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly TicketWorld world = new(api);

    [Fact]
    public async Task Two_distinct_devices_confirm_a_fault_and_both_gain_trust()
    {
        var station = await world.StationAsync("两台设备驿站", "顺丰速运");
        var (a, b) = (await world.DeviceAsync(), await world.DeviceAsync());

        var opened = await world.ReportAsync(station, a, "microwave", "broken");
        var ticket = Assert.Single(opened);
        Assert.Equal("reported", await world.StateAsync(ticket));
        // The same device again is not a second witness: the report names the ticket, which stays reported.
        Assert.Equal(new[] { ticket }, await world.ReportAsync(station, a, "microwave", "broken"));
        Assert.Equal("reported", await world.StateAsync(ticket));
        // Reported is not public yet: anonymous callers do not see it, an editor does.
        await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Problem(404);
        var editor = api.Client((await world.KeyAsync("editor")).Key);
        Assert.Equal("reported", (string?)(await editor.GetAsync($"/api/v1/tickets/{ticket}").Json(200))["state"]);

        world.Later(TimeSpan.FromMinutes(3));
        Assert.Equal(new[] { ticket }, await world.ReportAsync(station, b, "microwave", "broken"));
        var confirmed = await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Json(200);
        Assert.Equal("confirmed", (string?)confirmed["state"]);
        Assert.Equal("devices", (string?)confirmed["confirmed_by"]);
        Assert.Equal(2, (int)confirmed["reports"]!);
        Assert.Equal(api.Clock.Now, (DateTimeOffset)confirmed["confirmed_at"]!);
        Assert.Equal(["reported", "confirmed"], confirmed["history"]!.AsArray().Select(h => (string?)h!["state"]));
        Assert.Equal($"device:{b}", (string?)confirmed["history"]![1]!["actor"]);
        Assert.Equal(0.85, await world.TrustAsync(a), 4);
        Assert.Equal(0.85, await world.TrustAsync(b), 4);
        // Another kind of fault at the same station is a ticket of its own.
        var water = Assert.Single(await world.ReportAsync(station, a, "drinking_water", "empty"));
        Assert.NotEqual(ticket, water);
    }

    [Fact]
    public async Task Staff_contradicting_the_crowd_rejects_the_ticket_and_the_reporter_loses_trust()
    {
        var station = await world.StationAsync("员工纠正驿站", "顺丰速运");
        var device = await world.DeviceAsync();
        var (_, staff) = await world.KeyAsync("operator", "顺丰速运", "staff-shunfeng");
        var ticket = Assert.Single(await world.ReportAsync(station, device, "toilet", "broken"));

        world.Later(TimeSpan.FromMinutes(10));
        Assert.Equal(new[] { ticket }, await world.LiveAsync(station, staff, new LiveFields(Amenities: new Dictionary<string, string> { ["toilet"] = "working" })));
        Assert.Equal("rejected", await world.StateAsync(ticket));
        Assert.Equal(0.65, await world.TrustAsync(device), 4);
        Assert.Equal(1, await api.ScalarAsync<int>("SELECT contradicted_count FROM device WHERE id = $1", device));
        var editor = api.Client((await world.KeyAsync("editor")).Key);
        var rejected = await editor.GetAsync($"/api/v1/tickets/{ticket}").Json(200);
        Assert.NotNull(rejected["rejected_at"]);
        Assert.Equal("apikey:" + staff + ":staff-shunfeng", (string?)rejected["history"]![1]!["actor"]);
        // Rejected tickets are not public.
        await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Problem(404);

        // The same courier reports it broken again within 2 h of the staff's "working": a new ticket, and the report goes to moderation.
        world.Later(TimeSpan.FromMinutes(30));
        var again = Assert.Single(await world.ReportAsync(station, device, "toilet", "broken", trust: 0.65));
        Assert.NotEqual(ticket, again);
        Assert.Equal("conflicts_with_staff", await api.ScalarAsync<string>(
            "SELECT string_agg(reason, ',') FROM moderation_item WHERE ticket_id = $1", again));

        // Staff saying broken confirms a reported ticket at once (confirmed_by staff), and the courier gains trust.
        world.Later(TimeSpan.FromMinutes(1));
        Assert.Equal(new[] { again }, await world.LiveAsync(station, staff, new LiveFields(Amenities: new Dictionary<string, string> { ["toilet"] = "broken" })));
        Assert.Equal("confirmed", await world.StateAsync(again));
        Assert.Equal("staff", await api.ScalarAsync<string>("SELECT confirmed_by FROM fault_ticket WHERE id = $1", again));
        Assert.Equal(0.70, await world.TrustAsync(device), 4);
    }

    [Fact]
    public async Task A_ticket_goes_reported_confirmed_acknowledged_fixed_verified_with_a_timestamp_per_step()
    {
        var station = await world.StationAsync("全流程驿站", "美团");
        var (key, _) = await world.KeyAsync("operator", "美团", "meituan-ops");
        var operatorClient = api.Client(key);
        var (a, b, c) = (await world.DeviceAsync(), await world.DeviceAsync(), await world.DeviceAsync());
        var reportedAt = api.Clock.Now;
        var ticket = Assert.Single(await world.ReportAsync(station, a, "ebike_charging", "broken"));
        // The operator key sees its own station's reported ticket.
        Assert.Equal("reported", (string?)(await operatorClient.GetAsync($"/api/v1/tickets/{ticket}").Json(200))["state"]);
        // Acknowledging needs a confirmed ticket.
        await operatorClient.PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "acknowledged" }).Problem(409);

        world.Later(TimeSpan.FromMinutes(2));
        var confirmedAt = api.Clock.Now;
        await world.ReportAsync(station, b, "ebike_charging", "broken");

        world.Later(TimeSpan.FromMinutes(5));
        var acknowledgedAt = api.Clock.Now;
        var acknowledged = await operatorClient.PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "acknowledged", note = "师傅在路上" }).Json(200);
        Assert.Equal("acknowledged", (string?)acknowledged["state"]);

        world.Later(TimeSpan.FromMinutes(40));
        var fixedAt = api.Clock.Now;
        await operatorClient.PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "fixed" }).Json(200);
        // A fixed fault is still public (shown until verified); a check-in with no fixed ticket elsewhere changes nothing.
        var other = await world.StationAsync("无故障驿站", "美团", 120.17, 30.28);
        Assert.Empty(await world.CheckInAsync(other, c));

        world.Later(TimeSpan.FromMinutes(15));
        var verifiedAt = api.Clock.Now;
        Assert.Equal(new[] { ticket }, await world.CheckInAsync(station, c));
        var done = await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Json(200);
        Assert.Equal("verified", (string?)done["state"]);
        Assert.Equal(reportedAt, (DateTimeOffset)done["reported_at"]!);
        Assert.Equal(confirmedAt, (DateTimeOffset)done["confirmed_at"]!);
        Assert.Equal(acknowledgedAt, (DateTimeOffset)done["acknowledged_at"]!);
        Assert.Equal(fixedAt, (DateTimeOffset)done["fixed_at"]!);
        Assert.Equal(verifiedAt, (DateTimeOffset)done["verified_at"]!);
        Assert.Equal("美团", (string?)done["operator"]);
        var history = done["history"]!.AsArray();
        Assert.Equal(["reported", "confirmed", "acknowledged", "fixed", "verified"], history.Select(h => (string?)h!["state"]));
        Assert.StartsWith("apikey:", (string?)history[2]!["actor"]);
        Assert.EndsWith(":meituan-ops", (string?)history[2]!["actor"]);
        Assert.Equal("师傅在路上", (string?)history[2]!["note"]);
        Assert.Equal($"device:{c}", (string?)history[4]!["actor"]);
        // After verified, no step is legal.
        await operatorClient.PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "fixed" }).Problem(409);

        // The list: by station, by state, and as GeoJSON for the fault map.
        var list = await api.Client().GetAsync($"/api/v1/tickets?station_id={station}&state=verified").Json(200);
        Assert.Equal(ticket, (long)Assert.Single(list["tickets"]!.AsArray())!["id"]!);
        var geo = await api.Client().GetAsync($"/api/v1/tickets?station_id={station}&format=geojson").Json(200, "application/geo+json");
        var feature = Assert.Single(geo["features"]!.AsArray())!;
        Assert.Equal(120.1551, (double)feature["geometry"]!["coordinates"]![0]!, 6);
        Assert.Equal("verified", (string?)feature["properties"]!["state"]);
        Assert.Null(feature["properties"]!["lon"]);
    }

    [Fact]
    public async Task An_operator_key_works_only_its_own_stations_tickets_and_may_not_reject()
    {
        var ours = await world.StationAsync("本公司驿站", "饿了么");
        var theirs = await world.StationAsync("别家驿站", "京东物流", 120.16, 30.27);
        var (key, _) = await world.KeyAsync("operator", "饿了么");
        var client = api.Client(key);
        var (a, b) = (await world.DeviceAsync(), await world.DeviceAsync());
        var own = Assert.Single(await world.ReportAsync(ours, a, "fridge", "broken"));
        await world.ReportAsync(ours, b, "fridge", "broken");
        var foreign = Assert.Single(await world.ReportAsync(theirs, a, "fridge", "broken"));
        await world.ReportAsync(theirs, b, "fridge", "broken");

        var scope = await client.PostAsJsonAsync($"/api/v1/tickets/{foreign}/transitions", new { state = "acknowledged" }).Problem(403);
        Assert.Equal("/problems/operator-scope", (string?)scope["type"]);
        Assert.Equal("confirmed", await world.StateAsync(foreign));
        var reject = await client.PostAsJsonAsync($"/api/v1/tickets/{own}/transitions", new { state = "rejected" }).Problem(403);
        Assert.Equal("/problems/forbidden", (string?)reject["type"]);
        await client.PostAsJsonAsync($"/api/v1/tickets/{own}/transitions", new { state = "done" }).Problem(400, "state");
        await client.PostAsJsonAsync($"/api/v1/tickets/{own}/transitions", new { state = "fixed", note = new string('x', 2001) }).Problem(400, "note");
        await client.PostAsJsonAsync("/api/v1/tickets/999999/transitions", new { state = "fixed" }).Problem(404);
        await api.Client().PostAsJsonAsync($"/api/v1/tickets/{own}/transitions", new { state = "fixed" }).Problem(401);
        await api.Client((await world.KeyAsync("reader")).Key).PostAsJsonAsync($"/api/v1/tickets/{own}/transitions", new { state = "fixed" }).Problem(403);
        // Confirmed straight to fixed is allowed (acknowledging is optional).
        Assert.Equal("fixed", (string?)(await client.PostAsJsonAsync($"/api/v1/tickets/{own}/transitions", new { state = "fixed" }).Json(200))["state"]);

        // An editor may reject any unfinished ticket; its reporters lose trust.
        var editor = api.Client((await world.KeyAsync("editor")).Key);
        var before = await world.TrustAsync(a);
        Assert.Equal("rejected", (string?)(await editor.PostAsJsonAsync($"/api/v1/tickets/{foreign}/transitions", new { state = "rejected", note = "重复" }).Json(200))["state"]);
        Assert.Equal(before - 0.15, await world.TrustAsync(a), 4);

        // Bad list parameters are 400s naming the parameter.
        await api.Client().GetAsync("/api/v1/tickets?state=open").Problem(400, "state");
        await api.Client().GetAsync("/api/v1/tickets?limit=0").Problem(400, "limit");
        await api.Client().GetAsync("/api/v1/tickets?format=csv").Problem(400, "format");
        await api.Client().GetAsync("/api/v1/tickets?station_id=abc").Problem(400, "station_id");
        await api.Client().GetAsync("/api/v1/tickets?bbox=1,2,3").Problem(400, "bbox");
        // The operator sees its own reported and rejected tickets, not other operators' rejected ones.
        var mine = await client.GetAsync("/api/v1/tickets?state=rejected").Json(200);
        Assert.DoesNotContain(mine["tickets"]!.AsArray(), t => (long)t!["id"]! == foreign);
    }

    [Fact]
    public async Task A_crowding_check_in_contradicted_by_staff_within_15_minutes_costs_a_little_trust()
    {
        var station = await world.StationAsync("拥挤纠正驿站", "顺丰速运");
        var (_, staff) = await world.KeyAsync("operator", "顺丰速运");
        var (wrong, right, old) = (await world.DeviceAsync(), await world.DeviceAsync(), await world.DeviceAsync());
        await world.CheckInAsync(station, old, "full");
        world.Later(TimeSpan.FromMinutes(20));
        await world.CheckInAsync(station, wrong, "full");
        await world.CheckInAsync(station, right, "empty");
        world.Later(TimeSpan.FromMinutes(5));
        Assert.Empty(await world.LiveAsync(station, staff, new LiveFields(Crowding: "empty"), LiveSources.Sensor));
        Assert.Equal(0.75, await world.TrustAsync(wrong), 4);
        Assert.Equal(0.8, await world.TrustAsync(right), 4);
        Assert.Equal(0.8, await world.TrustAsync(old), 4);   // 25 min before: crowding may well have changed
        // A check-in after the sensor value that contradicts it within 15 min loses the same.
        world.Later(TimeSpan.FromMinutes(2));
        await world.CheckInAsync(station, right, "full");
        Assert.Equal(0.75, await world.TrustAsync(right), 4);
    }

    [Fact]
    public async Task Concurrent_reports_of_one_fault_make_one_ticket_with_every_device_as_reporter()
    {
        var station = await world.StationAsync("并发驿站", "顺丰速运", 120.21, 30.21);
        var devices = new List<long>();
        for (var i = 0; i < 8; i++) devices.Add(await world.DeviceAsync());
        var results = await Task.WhenAll(devices.Select(d => world.ReportAsync(station, d, "battery_swap", "broken")));
        var ticket = results.SelectMany(r => r).Distinct().Single();
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM fault_ticket WHERE station_id = $1", station));
        Assert.Equal(8, await api.ScalarAsync<int>("SELECT cardinality(reporters) FROM fault_ticket WHERE id = $1", ticket));
        Assert.Equal("confirmed", await world.StateAsync(ticket));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM fault_ticket_event WHERE ticket_id = $1 AND state = 'confirmed'", ticket));
    }

    [Fact]
    public async Task Staff_saying_operating_rejects_a_closed_now_report_and_a_working_report_verifies_a_fixed_fault()
    {
        var station = await world.StationAsync("营业纠正驿站", "美团", 120.22, 30.22);
        var (_, staff) = await world.KeyAsync("operator", "美团");
        var device = await world.DeviceAsync();
        var closed = Assert.Single(await world.ReportAsync(station, device, "station", "closed_now"));
        world.Later(TimeSpan.FromMinutes(5));
        await world.LiveAsync(station, staff, new LiveFields(Operating: "operating"));
        Assert.Equal("rejected", await world.StateAsync(closed));

        var (a, b) = (await world.DeviceAsync(), await world.DeviceAsync());
        var heating = Assert.Single(await world.ReportAsync(station, a, "heating", "broken"));
        await world.ReportAsync(station, b, "heating", "broken");
        var editor = api.Client((await world.KeyAsync("editor")).Key);
        await editor.PostAsJsonAsync($"/api/v1/tickets/{heating}/transitions", new { state = "fixed" }).Json(200);
        // A courier's working report of another amenity verifies nothing; of this one, it verifies the fix.
        await world.ReportAsync(station, a, "toilet", "working");
        Assert.Equal("fixed", await world.StateAsync(heating));
        Assert.Equal(new[] { heating }, await world.ReportAsync(station, a, "heating", "working"));
        Assert.Equal("verified", await world.StateAsync(heating));
    }
}
