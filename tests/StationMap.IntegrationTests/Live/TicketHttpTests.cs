using System.Net.Http.Json;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>Fault tickets end to end through the real endpoints: device reports, the operator's live PUT, a check-in, the ticket API and the station's live state.</summary>
public sealed class TicketHttpTests(LiveFixture api) : IClassFixture<LiveFixture>
{
    static object Report(string amenity, string state) => new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, amenity, state };

    [Fact]
    public async Task Two_device_reports_confirm_the_microwave_the_operator_works_the_ticket_and_a_check_in_verifies_the_fix()
    {
        var (a, b, c) = (api.DeviceClient(await api.DeviceAsync()), api.DeviceClient(await api.DeviceAsync()), api.DeviceClient(await api.DeviceAsync()));
        var first = await a.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports", Report("microwave", "broken")).Json(201);
        var ticket = (long)first["ticket"]!["id"]!;
        Assert.Equal("reported", (string?)first["ticket"]!["state"]);
        api.Clock.Now += TimeSpan.FromMinutes(1);
        var second = await b.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/reports", Report("microwave", "broken")).Json(201);
        Assert.Equal(ticket, (long)second["ticket"]!["id"]!);
        Assert.Equal("confirmed", (string?)second["ticket"]!["state"]);

        var live = await api.Client().GetAsync($"/api/v1/stations/{api.Sf}/live").Json(200);
        Assert.Equal("broken", (string?)live["live"]!["amenities"]!["microwave"]!["value"]);
        Assert.Equal("confirmed", (string?)live["live"]!["amenities"]!["microwave"]!["ticket_state"]);
        Assert.Contains(live["live"]!["faults"]!.AsArray(), f => (long)f!["id"]! == ticket);

        // The station's operator acknowledges; another operator's key may not; the station's live state follows at once.
        var sf = api.Client(await api.CreateKeyAsync("operator", "sf-staff", "顺丰速运"));
        var meituan = api.Client(await api.CreateKeyAsync("operator", "mt-staff", "美团"));
        var scope = await meituan.PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "acknowledged" }).Problem(403);
        Assert.Equal("/problems/operator-scope", (string?)scope["type"]);
        var seqBefore = (long)(await api.Client().GetAsync($"/api/v1/stations/{api.Sf}/live").Json(200))["live"]!["seq"]!;
        api.Clock.Now += TimeSpan.FromMinutes(4);
        await sf.PostAsJsonAsync($"/api/v1/tickets/{ticket}/transitions", new { state = "acknowledged" }).Json(200);
        var acknowledged = await api.Client().GetAsync($"/api/v1/stations/{api.Sf}/live").Json(200);
        Assert.True((long)acknowledged["live"]!["seq"]! > seqBefore, acknowledged.ToJsonString());
        Assert.Equal("acknowledged", (string?)acknowledged["live"]!["faults"]!.AsArray().Single(f => (long)f!["id"]! == ticket)!["state"]);
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM live_change WHERE cause = 'ticket' AND ref_id = $1", ticket));

        // Staff set the microwave working: the ticket is fixed (still public until verified).
        api.Clock.Now += TimeSpan.FromMinutes(30);
        await sf.PutAsJsonAsync($"/api/v1/stations/{api.Sf}/live", new { amenities = new Dictionary<string, string> { ["microwave"] = "working" } }).Json(200);
        Assert.Equal("fixed", (string?)(await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Json(200))["state"]);

        // A courier checks in: verified, and the fault leaves the station's live state.
        api.Clock.Now += TimeSpan.FromMinutes(10);
        await c.PostAsJsonAsync($"/api/v1/stations/{api.Sf}/checkins", new { lon = LiveFixture.Lon, lat = LiveFixture.Lat, crowding = "some_seats" }).Json(201);
        var verified = await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Json(200);
        Assert.Equal("verified", (string?)verified["state"]);
        Assert.Equal(["reported", "confirmed", "acknowledged", "fixed", "verified"], verified["history"]!.AsArray().Select(h => (string?)h!["state"]));
        Assert.All(new[] { "reported_at", "confirmed_at", "acknowledged_at", "fixed_at", "verified_at" }, f => Assert.NotNull(verified[f]));
        var after = await api.Client().GetAsync($"/api/v1/stations/{api.Sf}/live").Json(200);
        Assert.DoesNotContain(after["live"]!["faults"]!.AsArray(), f => (long)f!["id"]! == ticket);
    }
}
