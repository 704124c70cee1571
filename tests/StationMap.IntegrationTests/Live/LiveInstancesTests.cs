using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>Two API instances on one database: what one instance ingests, the other shows (the batched announcements on stationmap_live_change).</summary>
public sealed class LiveInstancesTests(LiveFixture api) : IClassFixture<LiveFixture>
{
    [Fact]
    public async Task A_check_in_and_a_ticket_step_on_one_instance_show_on_another()
    {
        var station = await api.CreateStationAsync("美团", 121.3001, 31.3001);
        await using var other = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Stations", api.AppConnectionString);
            b.UseSetting("Spa:RootPath", Path.Combine(Path.GetTempPath(), "stationmap-no-client"));
            foreach (var (key, value) in ApiFixture.NoRateLimits) b.UseSetting(key, value);
            b.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(api.Clock)));
        });
        var second = other.CreateClient();
        await second.GetAsync($"/api/v1/stations/{station}/live").Json(200);   // starts its listener
        await Task.Delay(500);

        var here = new { lon = 121.3001, lat = 31.3001 };
        await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/checkins", new { here.lon, here.lat, crowding = "full" }).Json(201);
        await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/reports", new { here.lon, here.lat, amenity = "toilet", state = "broken" }).Json(201);
        await api.DeviceClient(await api.DeviceAsync()).PostAsJsonAsync($"/api/v1/stations/{station}/reports", new { here.lon, here.lat, amenity = "toilet", state = "broken" }).Json(201);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (; ; await Task.Delay(50))
        {
            var live = (await second.GetAsync($"/api/v1/stations/{station}/live").Json(200))["live"]!;
            if ((string?)live["crowding"]?["value"] == "full" && (string?)live["amenities"]?["toilet"]?["ticket_state"] == "confirmed") break;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the second instance still shows {live.ToJsonString()}");
        }
    }
}
