using Npgsql;
using StationMap.Migrations;

namespace StationMap.IntegrationTests.Infrastructure;

/// <summary>
/// Real PostGIS for tests: one migrated template database per test run, and a fresh copy of it
/// (CREATE DATABASE … TEMPLATE) for each test class, dropped afterwards. The server comes from
/// STATIONMAP_TEST_ADMIN_CS, which ./stationmap test sets; without it the tests fail, they never skip.
/// </summary>
public static class PostgisDatabase
{
    static readonly SemaphoreSlim Gate = new(1, 1);
    static string? _template;

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("STATIONMAP_TEST_ADMIN_CS")
        ?? throw new InvalidOperationException("STATIONMAP_TEST_ADMIN_CS is not set: run the tests with ./stationmap test.");

    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    /// <summary>Creates a new database from the migrated template and returns its name.</summary>
    public static async Task<string> CreateAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _template ??= await CreateTemplateAsync();
            var name = $"sm_test_{Guid.NewGuid():N}"[..24];
            await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{_template}\"");
            return name;
        }
        finally { Gate.Release(); }
    }

    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    static async Task<string> CreateTemplateAsync()
    {
        var name = $"sm_template_{Environment.ProcessId}";
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"");
        MigrationRunner.Migrate(ConnectionString(name));
        // pgRouting is the independent oracle for the travel-time engine (tests only, not a migration).
        await using (var conn = new NpgsqlConnection(ConnectionString(name)))
        {
            await conn.OpenAsync();
            await using var ext = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pgrouting", conn);
            await ext.ExecuteNonQueryAsync();
        }
        // A template must have no open connections when it is copied.
        NpgsqlConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").GetAwaiter().GetResult(); } catch (NpgsqlException) { }
        };
        return name;
    }

    static async Task ExecuteAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
