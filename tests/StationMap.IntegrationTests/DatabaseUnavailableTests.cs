using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>The API pointed at a port where no PostgreSQL listens (connection refused), from its start on.</summary>
public sealed class NoDatabaseFixture : ApiFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();
        builder.UseSetting("ConnectionStrings:Stations", $"Host=127.0.0.1;Port={port};Username=nobody;Password=x;Database=none;Timeout=3");
        builder.UseSetting("StationMap:DatabaseRetryAfterSeconds", "7");
    }
}

/// <summary>
/// Every request that needs the database answers 503 problem+json with Retry-After while it cannot
/// be reached (never 500), /readyz says 503 too, /healthz stays 200, and the background services
/// that failed to reach it have not stopped the host. The crash under load is ./stationmap test's fault phase.
/// </summary>
public sealed class DatabaseUnavailableTests(NoDatabaseFixture api) : IClassFixture<NoDatabaseFixture>
{
    static async Task Unavailable(HttpResponseMessage response)
    {
        var problem = await response.Problem(503);
        Assert.Equal("/problems/database-unavailable", (string?)problem["type"]);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
    }

    [Theory]
    [InlineData("/api/v1/stations/1")]
    [InlineData("/api/v1/stations?bbox=120.1,30.2,120.2,30.3")]
    [InlineData("/api/v1/stations/nearest?lon=120.16&lat=30.27")]
    [InlineData("/api/v1/config")]
    [InlineData("/api/v1/districts")]
    [InlineData("/api/v1/service-areas/status")]
    [InlineData("/api/v1/tiles/stations/8/213/105.mvt")]
    [InlineData("/api/v1/tiles/stations/14/13661/6745.mvt")]
    public async Task Reads_answer_503_with_Retry_After(string url)
    {
        var response = await api.Client().GetAsync(url);
        if (url.Contains("nearest") && response.StatusCode == HttpStatusCode.OK) return;   // an in-memory index may answer nearest on its own
        if (url.Contains("status") && response.StatusCode == HttpStatusCode.OK) return;     // the job's progress is in memory
        await Unavailable(response);
    }

    [Fact]
    public async Task Writes_answer_503_even_before_the_key_can_be_checked()
    {
        var client = api.Client("sm_some-key-the-database-would-know");
        await Unavailable(await client.PostAsJsonAsync("/api/v1/stations", new { name = "不可达测试驿站", lon = 120.1, lat = 30.2 }));
    }

    [Fact]
    public async Task Readiness_is_503_with_Retry_After_and_the_process_stays_up()
    {
        var ready = await api.Client().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("7", ready.Headers.GetValues("Retry-After").Single());
        await Task.Delay(TimeSpan.FromSeconds(2));   // the background services have met the outage by now
        await api.Client().GetAsync("/healthz").Json(200);
        await Unavailable(await api.Client().GetAsync("/api/v1/stations/1"));
    }
}
