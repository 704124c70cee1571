using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>
/// The API connects to PostgreSQL as a role that reads and writes rows and can do nothing else:
/// not a superuser, no CREATE/ALTER/DROP/TRUNCATE, not even a temporary table. Checked with the
/// connection string the running API was given, not one the test builds for itself.
/// </summary>
public sealed class LeastPrivilegeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    string ApiConnectionString => api.Services.GetRequiredService<IConfiguration>().GetConnectionString("Stations")!;

    async Task<NpgsqlConnection> OpenAsApiAsync()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ApiConnectionString) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task The_API_role_is_not_a_superuser_and_may_not_create_roles_or_databases()
    {
        await using var conn = await OpenAsApiAsync();
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(PostgisDatabase.AdminConnectionString).Username, conn.UserName);
        Assert.Equal(false, await ScalarAsync(conn, "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal("off", await ScalarAsync(conn, "SHOW is_superuser"));
        // Owning nothing: every table of the schema belongs to the owner role, none to the API's role or the superuser.
        Assert.Equal(0L, await ScalarAsync(conn, """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'stationmap' AND c.relkind IN ('r', 'S', 'v', 'm') AND pg_get_userbyid(c.relowner) <> 'stationmap_test_owner'
            """));
    }

    [Theory]
    [InlineData("CREATE TABLE stationmap.intruder (id int)")]
    [InlineData("CREATE TABLE public.intruder (id int)")]
    [InlineData("CREATE TEMP TABLE intruder (id int)")]
    [InlineData("CREATE SCHEMA intruder")]
    [InlineData("CREATE FUNCTION stationmap.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'")]
    [InlineData("CREATE INDEX intruder ON station (name)")]
    [InlineData("ALTER TABLE station ADD COLUMN intruder int")]
    [InlineData("ALTER TABLE station DISABLE TRIGGER station_audit")]
    [InlineData("DROP TABLE station_audit")]
    [InlineData("DROP FUNCTION stationmap.station_audit_trigger() CASCADE")]
    [InlineData("TRUNCATE station_audit")]
    [InlineData("CREATE VIEW stationmap.intruder AS SELECT 1 AS one")]
    [InlineData("ALTER ROLE CURRENT_USER CREATEDB")]
    [InlineData("CREATE EXTENSION IF NOT EXISTS pg_trgm")]
    public async Task The_API_role_may_not_create_alter_or_drop(string sql)
    {
        await using var conn = await OpenAsApiAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(conn, sql));
        // 42501 insufficient_privilege; "must be owner" is also 42501.
        Assert.True(e.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {e.SqlState} {e.MessageText}");
    }

    [Fact]
    public async Task The_API_reads_and_writes_stations_as_its_role()
    {
        var editor = await api.CreateKeyAsync("editor");
        var admin = await api.CreateKeyAsync("admin");
        var created = await api.Client(editor).PostAsJsonAsync("/api/v1/stations",
            new { name = "权限测试驿站", lon = 120.15, lat = 30.28, tier = "standard" }).Json(201);
        var id = (long)created["id"]!;
        var read = await api.Client().GetAsync($"/api/v1/stations/{id}").Json(200);
        Assert.Equal("权限测试驿站", (string?)read["name"]);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        {
            Content = new StringContent("""{"capacity": 9}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", $"\"{(int)created["version"]!}\"");
        patch.Headers.Add("X-Api-Key", editor);
        await api.Client().SendAsync(patch).Json(200);
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/stations/{id}");
        delete.Headers.IfMatch.ParseAdd($"\"{(int)created["version"]! + 1}\"");
        Assert.Equal(204, (int)(await api.Client(admin).SendAsync(delete)).StatusCode);
        // The audit trigger ran as the API's role too: insert, update, delete recorded.
        Assert.Equal(3L, await api.ScalarAsync<long>("SELECT count(*) FROM station_audit WHERE station_id = $1", id));
    }

    [Fact]
    public async Task The_API_role_reads_and_writes_rows_directly_and_uses_listen_notify()
    {
        await using var conn = await OpenAsApiAsync();
        var id = await ScalarAsync(conn, "INSERT INTO station (name, location) VALUES ('直连测试驿站', ST_SetSRID(ST_MakePoint(120.1, 30.2), 4326)::geography) RETURNING id");
        Assert.Equal(1, await new NpgsqlCommand($"UPDATE station SET capacity = 3 WHERE id = {id}", conn).ExecuteNonQueryAsync());
        Assert.Equal(1, await new NpgsqlCommand($"DELETE FROM station_audit WHERE station_id = {id} AND action = 'update'", conn).ExecuteNonQueryAsync());
        Assert.Equal(3, await ScalarAsync(conn, $"SELECT capacity FROM station WHERE id = {id}"));
        await new NpgsqlCommand("LISTEN stationmap_test; NOTIFY stationmap_test, 'x'", conn).ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Tables_a_later_migration_creates_as_the_owner_are_open_to_the_API_role()
    {
        await using (var owner = new NpgsqlConnection(PostgisDatabase.OwnerConnectionString(api.Database)))
        {
            await owner.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE later_migration (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)", owner).ExecuteNonQueryAsync();
        }
        await using var conn = await OpenAsApiAsync();
        Assert.Equal(1, await new NpgsqlCommand("INSERT INTO later_migration (note) VALUES ('row')", conn).ExecuteNonQueryAsync());
        Assert.Equal(1L, await ScalarAsync(conn, "SELECT count(*) FROM later_migration"));
        var e = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(conn, "DROP TABLE later_migration"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }
}
