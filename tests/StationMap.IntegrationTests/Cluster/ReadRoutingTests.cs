using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using StationMap.Api.Infrastructure;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Cluster;

/// <summary>
/// The API with ConnectionStrings:Read set to a second database that never sees the API's writes: a replica
/// lagging for ever. Lag-tolerant reads (the station list) come from it; a client that just wrote, or that
/// sends Cache-Control: no-cache, reads the primary; reads that must be fresh (one station) always do.
/// </summary>
public sealed class LaggingReplicaFixture : ApiFixture, IAsyncLifetime
{
    public string Replica { get; private set; } = "";

    public new async Task InitializeAsync()
    {
        Replica = await PostgisDatabase.CreateAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.UseSetting("ConnectionStrings:Read", PostgisDatabase.AppConnectionString(Replica));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgisDatabase.DropAsync(Replica);
    }
}

public sealed class ReadRoutingTests(LaggingReplicaFixture api) : IClassFixture<LaggingReplicaFixture>
{
    const string Box = "/api/v1/stations?bbox=120.10,30.20,120.30,30.40&limit=100";

    static async Task<long> CreateAsync(HttpClient client, string name)
    {
        var res = await client.PostAsJsonAsync("/api/v1/stations",
            new { name, lon = 120.2, lat = 30.3, tier = "convenience", opening_hours = "24/7" });
        var body = await res.Json(201);
        return (long)body["id"]!;
    }

    static async Task<List<string>> NamesAsync(HttpClient client, HttpRequestMessage? request = null)
    {
        var res = await client.SendAsync(request ?? new HttpRequestMessage(HttpMethod.Get, Box));
        var body = await res.Json(200);
        return body["items"]!.AsArray().Select(s => (string)s!["name"]!).ToList();
    }

    [Fact]
    public async Task A_client_that_wrote_reads_its_write_and_others_read_the_replica()
    {
        var writer = api.Client(await api.CreateKeyAsync("editor"));
        var id = await CreateAsync(writer, "read-your-writes");

        // The writer got the cookie that pins its reads to the primary for a few seconds.
        Assert.Contains("read-your-writes", await NamesAsync(writer));

        // Another client, without the cookie: the list comes from the replica, which lags.
        var other = api.Client();
        Assert.DoesNotContain("read-your-writes", await NamesAsync(other));
        // ... unless it asks for a fresh answer,
        var fresh = new HttpRequestMessage(HttpMethod.Get, Box);
        fresh.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        Assert.Contains("read-your-writes", await NamesAsync(other, fresh));
        // ... and one station by id is never read from the replica.
        var one = await other.GetAsync($"/api/v1/stations/{id}").Json(200);
        Assert.Equal("read-your-writes", (string?)one["name"]);
    }

    [Fact]
    public async Task The_pin_ends_after_the_read_your_writes_window()
    {
        var writer = api.Client(await api.CreateKeyAsync("editor"));
        var res = await writer.PostAsJsonAsync("/api/v1/stations",
            new { name = "pinned-for-a-while", lon = 120.21, lat = 30.31, tier = "convenience", opening_hours = "24/7" });
        await res.Json(201);
        var cookie = res.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ReadRouting.Cookie + "=", StringComparison.Ordinal));
        Assert.Contains("max-age=5", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        // The server reads the cookie's deadline with its own clock: 6 s later the same client reads the replica.
        var value = cookie.Split(';')[0];
        var later = new HttpRequestMessage(HttpMethod.Get, Box);
        later.Headers.Add("Cookie", value);
        var plain = api.Client();
        Assert.Contains("pinned-for-a-while", await NamesAsync(plain, later));
        api.Clock.Now += TimeSpan.FromSeconds(6);
        var after = new HttpRequestMessage(HttpMethod.Get, Box);
        after.Headers.Add("Cookie", value);
        Assert.DoesNotContain("pinned-for-a-while", await NamesAsync(plain, after));
    }

    [Fact]
    public async Task A_failed_write_does_not_pin_reads()
    {
        var writer = api.Client(await api.CreateKeyAsync("editor"));
        var res = await writer.PostAsJsonAsync("/api/v1/stations", new { name = "", lon = 500, lat = 30.3 });
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.False(res.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(ReadRouting.Cookie, StringComparison.Ordinal)),
            await res.Content.ReadAsStringAsync());
    }
}

/// <summary>Without ConnectionStrings:Read there is one data source and no read-your-writes cookie.</summary>
public sealed class SingleDataSourceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_write_sets_no_cookie_and_the_list_sees_it()
    {
        var writer = api.Client(await api.CreateKeyAsync("editor"));
        var res = await writer.PostAsJsonAsync("/api/v1/stations",
            new { name = "single-source", lon = 120.2, lat = 30.3, tier = "convenience", opening_hours = "24/7" });
        await res.Json(201);
        Assert.False(res.Headers.Contains("Set-Cookie"));
        var list = await api.Client().GetAsync("/api/v1/stations?bbox=120.1,30.2,120.3,30.4").Json(200);
        Assert.Contains(list["items"]!.AsArray(), s => (string?)s!["name"] == "single-source");
    }
}

/// <summary>What a replicated cluster's failover looks like to Npgsql is an outage (503), never a 500.</summary>
public sealed class FailoverOutageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task No_primary_among_the_hosts_is_an_outage()
    {
        // The test server is a primary: asking for a standby finds no suitable host, as between a
        // primary's death and its replica's promotion a request for the primary does.
        var cs = new NpgsqlConnectionStringBuilder(api.AppConnectionString) { TargetSessionAttributes = "standby" };
        var host = cs.Host; cs.Host = $"{host},{host}";
        await using var source = new NpgsqlDataSourceBuilder(cs.ConnectionString).Build();
        var e = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await source.OpenConnectionAsync());
        Assert.True(DatabaseOutage.IsOutage(e), e.ToString());
    }

    [Fact]
    public async Task A_write_on_a_read_only_server_is_an_outage()
    {
        var cs = new NpgsqlConnectionStringBuilder(api.AppConnectionString) { Options = "-c default_transaction_read_only=on" };
        await using var source = new NpgsqlDataSourceBuilder(cs.ConnectionString).Build();
        await using var cmd = source.CreateCommand("INSERT INTO station (name, location, tier, opening_hours) VALUES ('ro', 'POINT(120 30)', 'standard', '24/7')");
        var e = await Assert.ThrowsAsync<PostgresException>(async () => await cmd.ExecuteNonQueryAsync());
        Assert.Equal("25006", e.SqlState);
        Assert.True(DatabaseOutage.IsOutage(e));
    }

    [Fact]
    public async Task A_statement_error_is_still_not_an_outage()
    {
        await using var source = new NpgsqlDataSourceBuilder(api.AppConnectionString).Build();
        await using var cmd = source.CreateCommand("SELECT no_such_column FROM station");
        var e = await Assert.ThrowsAsync<PostgresException>(async () => await cmd.ExecuteScalarAsync());
        Assert.False(DatabaseOutage.IsOutage(e));
    }
}
