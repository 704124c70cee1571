using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.HttpPlatform;

/// <summary>Limits configured to be shared through a Redis that is not there: nothing answers on that loopback port.</summary>
public sealed class UnreachableRedisFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Port 1 (tcpmux) is never a Redis here: the connection is refused at once.
        ["StationMap:Redis"] = "127.0.0.1:1",
        ["StationMap:RateLimits:Anonymous:PermitLimit"] = "1000000",
        ["StationMap:RateLimits:AuthFailures:PermitLimit"] = "3",
        ["StationMap:RateLimits:AuthFailures:WindowSeconds"] = "3600",
    };
}

/// <summary>
/// With Redis unreachable the API still answers every request, counting the limits in process
/// (the same rules), and says so in GET /api/v1/status. The two-instance test (tests/instances) covers
/// the shared budget with a real redis-server, its loss and its return.
/// </summary>
public sealed class RedisDownLimitTests(UnreachableRedisFixture api) : IClassFixture<UnreachableRedisFixture>
{
    [Fact]
    public async Task Without_Redis_requests_are_served_and_limited_per_instance_never_a_500()
    {
        var reader = api.Client();
        for (var i = 0; i < 20; i++) await (await reader.GetAsync("/api/v1/config")).Json(200);

        var wrong = api.Client("sm_wrong-key-while-redis-is-down");
        var statuses = new List<int>();
        for (var i = 0; i < 5; i++) statuses.Add((int)(await wrong.GetAsync("/api/v1/keys/me")).StatusCode);
        Assert.Equal([401, 401, 401, 429, 429], statuses);

        var status = await (await reader.GetAsync("/api/v1/status")).Json(200);
        var limits = status["rate_limits"]!;
        Assert.Equal("in-process", (string?)limits["store"]);
        Assert.True((bool)limits["redis_configured"]!);
        Assert.False((bool)limits["redis_available"]!);
        Assert.True((long)limits["fallbacks"]! >= 25, limits.ToJsonString());
    }

    [Fact]
    public async Task The_status_names_this_instance_and_the_jobs_it_leads()
    {
        var client = api.Client();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        System.Text.Json.Nodes.JsonNode status;
        // The only instance on its database takes every job lock at its first poll.
        while (true)
        {
            status = await (await client.GetAsync("/api/v1/status")).Json(200);
            if (status["leads"]!.AsArray().Count == 4) break;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), status.ToJsonString());
            await Task.Delay(100);
        }
        Assert.Equal(["service-areas", "open-states", "webhooks", "live-retention"], status["leads"]!.AsArray().Select(x => (string?)x));
        var instance = (string?)status["instance"];
        Assert.False(string.IsNullOrEmpty(instance));
        Assert.All(status["jobs"]!.AsArray(), j => Assert.Equal(instance, (string?)j!["leader"]));
        Assert.True((bool)status["notifications"]!["connected"]!);
        // The leadership connection says who it is, so any instance can name the holder of a lock.
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", "stationmap-leader:" + instance));
    }
}
