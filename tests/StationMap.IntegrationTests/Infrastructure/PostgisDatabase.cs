using System.Security.Cryptography;
using System.Text;
using Npgsql;
using StationMap.Migrations;

namespace StationMap.IntegrationTests.Infrastructure;

/// <summary>
/// Real PostGIS for tests: one migrated template database per test run, and a fresh copy of it
/// (CREATE DATABASE … TEMPLATE) for each test class, dropped afterwards. The server comes from
/// STATIONMAP_TEST_ADMIN_CS, which ./stationmap test sets; without it the tests fail, they never skip.
/// As in production, the admin (superuser) connection only provisions: the template is migrated as
/// an owner role and the API under test connects as an app role that can read and write rows only
/// (<see cref="DatabaseRoles"/>); tests themselves seed and inspect through the admin connection.
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

    /// <summary>
    /// The test cluster's owner and app roles. Their passwords are derived from the admin password,
    /// so every test process on the same cluster sets the same ones (and never the script's roles).
    /// </summary>
    public static DatabaseRoleSet Roles => _roles ??= new(
        "stationmap_test_owner", Derived("stationmap_test_owner"), "stationmap_test_app", Derived("stationmap_test_app"));
    static DatabaseRoleSet? _roles;

    static string Derived(string role) => Convert.ToHexString(
        SHA256.HashData(Encoding.UTF8.GetBytes($"{new NpgsqlConnectionStringBuilder(AdminConnectionString).Password}/{role}")))[..32];

    /// <summary>What the API under test connects as: rows only, no DDL, not a superuser.</summary>
    public static string AppConnectionString(string database) => DatabaseRoles.As(ConnectionString(database), Roles.App, Roles.AppPassword);

    /// <summary>The role that owns the schema (migrations, imports).</summary>
    public static string OwnerConnectionString(string database) => DatabaseRoles.As(ConnectionString(database), Roles.Owner, Roles.OwnerPassword);

    /// <summary>Creates a new database from the migrated template and returns its name.</summary>
    public static async Task<string> CreateAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _template ??= await CreateTemplateAsync();
            var name = $"sm_test_{Guid.NewGuid():N}"[..24];
            await ExecuteAdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{_template}\"");
            // Database-level rights (owner, CONNECT, no TEMPORARY for PUBLIC) are not copied from a template.
            DatabaseRoles.GrantDatabase(ConnectionString(name), Roles);
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
        DatabaseRoles.Bootstrap(ConnectionString(name), Roles);
        MigrationRunner.Migrate(OwnerConnectionString(name));
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
