using System.Net.Http.Json;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>Idempotency-Key and the statistics through the real device and check-in endpoints.</summary>
public sealed class HooksThroughIngestTests(LiveFixture api) : IClassFixture<LiveFixture>
{
    static HttpRequestMessage Checkin(long station, string crowding, string? key, double lon = LiveFixture.Lon, double lat = LiveFixture.Lat)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stations/{station}/checkins") { Content = JsonContent.Create(new { lon, lat, crowding }) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task A_repeated_checkin_with_the_same_key_writes_one_signal_per_device()
    {
        var station = await api.CreateStationAsync("顺丰速运", 120.4101, 30.4101);
        var phone = api.DeviceClient(await api.DeviceAsync());
        var key = Guid.NewGuid().ToString();
        var first = await phone.SendAsync(Checkin(station, "full", key, 120.4102, 30.4102));
        var created = await first.Json(201);
        var again = await phone.SendAsync(Checkin(station, "full", key, 120.4102, 30.4102));
        var replayed = await again.Json(201);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((long)created["id"]!, (long)replayed["id"]!);
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1", station));
        Assert.StartsWith("device:", await api.ScalarAsync<string>("SELECT scope FROM idempotency_record WHERE key = $1", key));

        // Another phone's key of the same value is its own request; the same key with another body is refused.
        await api.DeviceClient(await api.DeviceAsync()).SendAsync(Checkin(station, "full", key, 120.4102, 30.4102)).Json(201);
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1", station));
        await (await phone.SendAsync(Checkin(station, "empty", key, 120.4102, 30.4102))).Problem(422);
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1", station));

        // A refusal below 500 (too far: 422) is an answer too: repeating it replays it and writes nothing.
        var farKey = Guid.NewGuid().ToString();
        await (await phone.SendAsync(Checkin(station, "full", farKey, 120.50, 30.50))).Problem(422);
        var farAgain = await phone.SendAsync(Checkin(station, "full", farKey, 120.50, 30.50));
        await farAgain.Problem(422);
        Assert.Equal("true", farAgain.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task A_429_from_the_checkin_limit_is_not_kept_so_the_same_key_works_after_the_window()
    {
        var station = await api.CreateStationAsync("顺丰速运", 120.8101, 30.8101);
        var phone = api.DeviceClient(await api.DeviceAsync());
        for (var i = 0; i < 3; i++) await phone.SendAsync(Checkin(station, "full", null, 120.8102, 30.8102)).Json(201);   // PerDeviceStation = 3
        var key = Guid.NewGuid().ToString();
        var limited = await phone.SendAsync(Checkin(station, "empty", key, 120.8102, 30.8102));
        await limited.Problem(429);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM idempotency_record WHERE key = $1", key));

        api.Clock.Now = api.Clock.Now.AddSeconds(600);   // PerDeviceStationWindowSeconds
        var later = await phone.SendAsync(Checkin(station, "empty", key, 120.8102, 30.8102));
        await later.Json(201);
        Assert.False(later.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(4L, await api.ScalarAsync<long>("SELECT count(*) FROM live_signal WHERE station_id = $1", station));
    }

    [Fact]
    public async Task Checkins_through_the_api_are_counted_by_stats_usage_and_stats_crowding()
    {
        var station = await api.CreateStationAsync("饿了么", 120.6101, 30.6101);
        var phones = new[] { api.DeviceClient(await api.DeviceAsync()), api.DeviceClient(await api.DeviceAsync()), api.DeviceClient(await api.DeviceAsync()) };
        foreach (var (phone, said) in phones.Zip(new[] { "full", "full", "some_seats" }))
            await phone.SendAsync(Checkin(station, said, null, 120.6102, 30.6102)).Json(201);
        // The same phone once more: a visit, not a new device.
        await phones[0].SendAsync(Checkin(station, "full", null, 120.6102, 30.6102)).Json(201);

        var usage = await api.Client().GetAsync("/api/v1/stats/usage?group_by=operator").Json(200);
        var row = usage["rows"]!.AsArray().Single(r => (string?)r!["key"] == "饿了么")!;
        Assert.Equal(4, (int)row["visits"]!);
        Assert.Equal(3, (int)row["unique_devices"]!);

        var crowding = await api.Client().GetAsync($"/api/v1/stats/crowding?station_id={station}").Json(200);
        var profile = crowding["stations"]![0]!["typical_profile"]!;
        // The API's clock: Wednesday 2026-11-18 12:00 in Shanghai.
        Assert.Equal(4, (int)profile["samples"]![2]![12]!);
        Assert.Equal(1.75, (double)profile["scores"]![2]![12]!);   // (2 + 2 + 1 + 2) / 4
        // The same shape and numbers as the station's own live answer.
        var live = await api.Client().GetAsync($"/api/v1/stations/{station}/live").Json(200);
        Assert.Equal(live["typical_profile"]!["samples"]!.ToJsonString(), profile["samples"]!.ToJsonString());
    }
}
