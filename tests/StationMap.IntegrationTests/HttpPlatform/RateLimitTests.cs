using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.HttpPlatform;

/// <summary>The API with the rate limits it ships with (other fixtures lift them).</summary>
public sealed class ShippedLimitsFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();
}

/// <summary>
/// The shipped limits stop a burst of reads from one address and a run of wrong keys, answering
/// 429 problems with Retry-After and RateLimit headers. (The test server gives every request the
/// same client address, as loopback does for a real one.)
/// </summary>
public sealed class RateLimitTests(ShippedLimitsFixture api) : IClassFixture<ShippedLimitsFixture>
{
    [Fact]
    public async Task Three_hundred_reads_at_once_from_one_address_are_cut_off_with_429()
    {
        var client = api.Client();
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => client.GetAsync("/api/v1/config")));
        var seconds = clock.Elapsed.TotalSeconds;
        var ok = responses.Where(r => (int)r.StatusCode == 200).ToList();
        var limited = responses.Where(r => (int)r.StatusCode == 429).ToList();
        if (ok.Count + limited.Count != 300) Assert.Fail(await responses.First(r => (int)r.StatusCode is not (200 or 429)).Dump());
        // 100 per one-second window: at most one full window per second elapsed, plus the one it started in.
        Assert.True(ok.Count <= 100 * ((int)seconds + 2), $"{ok.Count} answered in {seconds:F2} s");
        Assert.True(limited.Count > 0, $"none of 300 requests in {seconds:F2} s was limited");
        Assert.True(ok.Count > 0);

        Assert.Equal("\"anonymous\";q=100;w=1", ok[0].Header("RateLimit-Policy"));
        Assert.Matches("^\"anonymous\";r=\\d+;t=1$", ok[0].Header("RateLimit"));

        var refused = limited[0];
        var problem = await refused.Problem(429);
        Assert.Equal("/problems/rate-limited", (string?)problem["type"]);
        var retry = int.Parse(refused.Header("Retry-After"));
        Assert.InRange(retry, 1, 1);
        Assert.Equal("\"anonymous\";q=100;w=1", refused.Header("RateLimit-Policy"));
        Assert.Equal($"\"anonymous\";r=0;t={retry}", refused.Header("RateLimit"));

        // The window passes and the client is served again.
        await Task.Delay(TimeSpan.FromSeconds(retry + 0.1));
        await (await client.GetAsync("/api/v1/config")).Json(200);
    }

    [Fact]
    public async Task Wrong_keys_are_limited_far_sooner_than_reads_and_valid_keys_are_not()
    {
        var wrong = api.Client("sm_wrong-key-for-rate-limit-test");
        var statuses = new List<int>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 60; i++)
        {
            var response = await wrong.PostAsJsonAsync("/api/v1/stations", new { name = "猜钥匙", lon = 120.1, lat = 30.2 });
            statuses.Add((int)response.StatusCode);
            if ((int)response.StatusCode == 429) refused ??= response;
        }
        Assert.True(statuses.Take(10).All(s => s == 401), string.Join(",", statuses));
        Assert.True(statuses.Skip(10).All(s => s == 429), string.Join(",", statuses));
        Assert.NotNull(refused);
        var problem = await refused.Problem(429);
        Assert.Equal("/problems/rate-limited", (string?)problem["type"]);
        Assert.Contains("API key", (string?)problem["detail"]);
        Assert.InRange(int.Parse(refused.Header("Retry-After")), 1, 60);
        Assert.Equal("\"auth-failures\";q=10;w=60", refused.Header("RateLimit-Policy"));

        // A valid key from the same address counts against its own, larger limit.
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var created = await editor.PostAsJsonAsync("/api/v1/stations", new { name = "限流测试驿站", lon = 120.1, lat = 30.2 });
        await created.Json(201);
        Assert.Equal("\"keyed\";q=200;w=1", created.Header("RateLimit-Policy"));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name = '限流测试驿站'"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name = '猜钥匙'"));
    }

    [Fact]
    public async Task Health_probes_are_never_limited()
    {
        var client = api.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 150).Select(_ => client.GetAsync("/healthz")));
        Assert.All(responses, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal("", responses[0].Header("RateLimit-Policy"));
    }
}
