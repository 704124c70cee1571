using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;

namespace StationMap.IntegrationTests.Infrastructure;

/// <summary>A settable clock so "open now" can be tested at chosen instants.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 18, 4, 0, 0, TimeSpan.Zero); // Wed 12:00 in Shanghai
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The real API (<see cref="WebApplicationFactory{Program}"/>) over its own PostGIS database, copied
/// from the migrated template; optionally seeded with the 300 generated demo stations.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    WebApplicationFactory<Program>? _factory;
    public string Database { get; private set; } = "";
    public TestClock Clock { get; } = new();
    protected virtual int DemoStations => 0;

    /// <summary>
    /// Configuration of this fixture's API. By default the rate limits are lifted, so a test class
    /// that fires many requests is never throttled; RateLimitTests keep the shipped limits.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => NoRateLimits;

    public static readonly IReadOnlyDictionary<string, string?> NoRateLimits = new Dictionary<string, string?>
    {
        ["StationMap:RateLimits:Anonymous:PermitLimit"] = "1000000",
        ["StationMap:RateLimits:Keyed:PermitLimit"] = "1000000",
        ["StationMap:RateLimits:AuthFailures:PermitLimit"] = "1000000",
    };

    /// <summary>The admin (superuser) connection to this fixture's database, for seeding and inspecting.</summary>
    public string ConnectionString => PostgisDatabase.ConnectionString(Database);

    /// <summary>What the API under test connects as (rows only).</summary>
    public string AppConnectionString => PostgisDatabase.AppConnectionString(Database);

    /// <summary>Extra settings of a fixture subclass, applied after the common ones.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder) { }

    public async Task InitializeAsync()
    {
        Database = await PostgisDatabase.CreateAsync();
        if (DemoStations > 0)
        {
            await using var conn = await OpenAsync();
            await StationCopy.WriteAsync(conn, Api.Features.Stations.DemoStations.Generate(DemoStations, 7, Clock.Now));
        }
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // The API runs as the app role, as ./stationmap runs it; ConnectionString (admin) is for the tests' own SQL.
            b.UseSetting("ConnectionStrings:Stations", AppConnectionString);
            b.UseSetting("Spa:RootPath", Path.Combine(Path.GetTempPath(), "stationmap-no-client"));
            foreach (var (key, value) in Settings) b.UseSetting(key, value);
            b.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
            ConfigureWebHost(b);
        });
    }

    public IServiceProvider Services => _factory!.Services;

    public HttpClient Client(string? apiKey = null)
    {
        var client = _factory!.CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add(ApiKeyAuth.HeaderName, apiKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var b = new NpgsqlDataSourceBuilder(ConnectionString);
        b.UseNetTopologySuite();
        await using var source = b.Build();
        return await source.OpenConnectionAsync();
    }

    /// <summary>Creates an API key with the role directly in the database, as the CLI does.</summary>
    /// <summary>A new key of <paramref name="role"/>; an operator key needs <paramref name="operator"/> (the station operator it speaks for).</summary>
    public async Task<string> CreateKeyAsync(string role, string? name = null, string? @operator = null)
    {
        var key = ApiKeyAuth.NewKey();
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand("INSERT INTO api_key (name, role, key_hash, key_prefix, operator) VALUES ($1, $2, $3, $4, $5)", conn);
        cmd.Parameters.AddWithValue(name ?? $"{role}-test");
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(ApiKeyAuth.Hash(key));
        cmd.Parameters.AddWithValue(key[..7]);
        cmd.Parameters.AddWithValue((object?)@operator ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
        return key;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await PostgisDatabase.DropAsync(Database);
    }
}

/// <summary>An API over the 300 generated demo stations.</summary>
public sealed class DemoApiFixture : ApiFixture
{
    protected override int DemoStations => 300;
}
