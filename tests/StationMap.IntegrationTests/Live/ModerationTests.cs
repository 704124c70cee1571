using System.Net.Http.Json;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>The moderation queue: what lands in it, and an editor's audited decisions.</summary>
public sealed class ModerationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly TicketWorld world = new(api);

    [Fact]
    public async Task A_low_trust_claim_that_a_station_is_gone_is_queued_and_rejecting_it_rejects_the_ticket_and_lowers_trust()
    {
        var station = await world.StationAsync("被说没了的驿站", "顺丰速运");
        var doubtful = await world.DeviceAsync(trust: 0.3);
        var ticket = Assert.Single(await world.ReportAsync(station, doubtful, "station", "gone", trust: 0.3));
        var (key, keyId) = await world.KeyAsync("editor", name: "moderator-1");
        var editor = api.Client(key);

        var queue = await editor.GetAsync("/api/v1/moderation/queue").Json(200);
        var items = queue["items"]!.AsArray().Where(i => (long?)i!["ticket_id"] == ticket).ToList();
        Assert.Equal(["claims_gone", "low_trust"], items.Select(i => (string?)i!["reason"]).Order());
        Assert.All(items, i => Assert.Equal(doubtful, (long)i!["device_id"]!));
        Assert.All(items, i => Assert.Equal("gone", (string?)i!["report_state"]));
        Assert.All(items, i => Assert.Equal("reported", (string?)i!["ticket_state"]));
        Assert.All(items, i => Assert.Null(i!["decision"]));

        api.Clock.Now += TimeSpan.FromMinutes(30);
        var decided = await editor.PostAsJsonAsync($"/api/v1/moderation/queue/{(long)items[0]!["id"]!}/decision", new { decision = "reject", note = "驿站仍在营业" }).Json(200);
        Assert.Equal("reject", (string?)decided["decision"]);
        Assert.Equal($"apikey:{keyId}:moderator-1", (string?)decided["decided_by"]);
        Assert.Equal(api.Clock.Now, (DateTimeOffset)decided["decided_at"]!);
        Assert.Equal("rejected", (string?)decided["ticket_state"]);
        Assert.Equal(0.15, await world.TrustAsync(doubtful), 4);
        // The other item of the same ticket is decided with it; the queue no longer has either.
        var after = await editor.GetAsync("/api/v1/moderation/queue").Json(200);
        Assert.DoesNotContain(after["items"]!.AsArray(), i => (long?)i!["ticket_id"] == ticket);
        var log = await editor.GetAsync("/api/v1/moderation/decisions").Json(200);
        Assert.Equal(2, log["items"]!.AsArray().Count(i => (long?)i!["ticket_id"] == ticket));
        // The ticket's history names the moderator.
        var history = (await editor.GetAsync($"/api/v1/tickets/{ticket}").Json(200))["history"]!.AsArray();
        Assert.Equal(("rejected", $"apikey:{keyId}:moderator-1", "驿站仍在营业"),
            ((string?)history[^1]!["state"], (string?)history[^1]!["actor"], (string?)history[^1]!["note"]));

        // Decided once: a second decision is a conflict; unknown items are 404; bad bodies 400.
        await editor.PostAsJsonAsync($"/api/v1/moderation/queue/{(long)items[0]!["id"]!}/decision", new { decision = "accept" }).Problem(409);
        await editor.PostAsJsonAsync("/api/v1/moderation/queue/999999/decision", new { decision = "accept" }).Problem(404);
        await editor.PostAsJsonAsync($"/api/v1/moderation/queue/{(long)items[1]!["id"]!}/decision", new { decision = "maybe" }).Problem(400, "decision");
        await editor.GetAsync("/api/v1/moderation/queue?limit=5000").Problem(400, "limit");
    }

    [Fact]
    public async Task Accepting_a_queued_report_confirms_its_ticket_by_the_moderator_and_only_editors_see_the_queue()
    {
        var station = await world.StationAsync("位置不对驿站", "美团", 120.19, 30.26);
        var device = await world.DeviceAsync();
        var ticket = Assert.Single(await world.ReportAsync(station, device, "station", "wrong_location"));
        var editor = api.Client((await world.KeyAsync("editor")).Key);
        var item = (await editor.GetAsync("/api/v1/moderation/queue").Json(200))["items"]!.AsArray()
            .Single(i => (long?)i!["ticket_id"] == ticket && (string?)i["reason"] == "claims_wrong_location")!;

        await editor.PostAsJsonAsync($"/api/v1/moderation/queue/{(long)item["id"]!}/decision", new { decision = "accept" }).Json(200);
        var confirmed = await api.Client().GetAsync($"/api/v1/tickets/{ticket}").Json(200);
        Assert.Equal("confirmed", (string?)confirmed["state"]);
        Assert.Equal("moderator", (string?)confirmed["confirmed_by"]);
        Assert.Equal(0.85, await world.TrustAsync(device), 4);

        await api.Client().GetAsync("/api/v1/moderation/queue").Problem(401);
        await api.Client((await world.KeyAsync("operator", "美团")).Key).GetAsync("/api/v1/moderation/queue").Problem(403);
        await api.Client((await world.KeyAsync("reader")).Key).GetAsync("/api/v1/moderation/decisions").Problem(403);
    }
}
