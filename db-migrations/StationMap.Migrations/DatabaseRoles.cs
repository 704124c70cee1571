using System.Reflection;
using Npgsql;

namespace StationMap.Migrations;

/// <summary>The two login roles of a StationMap database and their passwords.</summary>
/// <param name="Owner">Owns the schema and every table; the migrations and bulk imports run as it. Not a superuser.</param>
/// <param name="App">What the API connects as: reads and writes rows, creates, alters and drops nothing.</param>
public sealed record DatabaseRoleSet(string Owner, string OwnerPassword, string App, string AppPassword)
{
    public const string DefaultOwner = "stationmap_owner";
    public const string DefaultApp = "stationmap_app";
}

/// <summary>
/// The one step that needs a superuser (bootstrap/roles.sql and bootstrap/database.sql, run by
/// <c>./stationmap</c> before every migration and by the tests for their template): creates or
/// updates the two roles, creates the PostGIS extension, makes the owner role own the database,
/// its schemas and objects (an existing database migrated as the superuser is taken over in place),
/// grants the app role row access only, and sets default privileges so tables that later
/// migrations create are covered too. Idempotent.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>Runs the bootstrap on the database of <paramref name="superuserConnectionString"/>.</summary>
    public static void Bootstrap(string superuserConnectionString, DatabaseRoleSet roles)
    {
        using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superuserConnectionString) { Pooling = false }.ConnectionString);
        conn.Open();
        Run(conn, "roles.sql", roles);
        Run(conn, "database.sql", roles);
    }

    /// <summary>Only the per-database part (roles exist already), e.g. for a database copied from a bootstrapped template.</summary>
    public static void GrantDatabase(string superuserConnectionString, DatabaseRoleSet roles)
    {
        using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superuserConnectionString) { Pooling = false }.ConnectionString);
        conn.Open();
        Run(conn, "database.sql", roles);
    }

    /// <summary>A connection string for <paramref name="role"/> built from another one (same host, port and database).</summary>
    public static string As(string connectionString, string role, string password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = password }.ConnectionString;

    static void Run(NpgsqlConnection conn, string script, DatabaseRoleSet roles)
    {
        using var tx = conn.BeginTransaction();
        // The names and passwords reach the SQL as settings of this transaction, never spliced into its text.
        using (var set = new NpgsqlCommand("""
            SELECT set_config('stationmap.owner_role', $1, true), set_config('stationmap.owner_password', $2, true),
                   set_config('stationmap.app_role', $3, true), set_config('stationmap.app_password', $4, true)
            """, conn, tx))
        {
            set.Parameters.AddWithValue(roles.Owner);
            set.Parameters.AddWithValue(roles.OwnerPassword);
            set.Parameters.AddWithValue(roles.App);
            set.Parameters.AddWithValue(roles.AppPassword);
            set.ExecuteNonQuery();
        }
        using (var cmd = new NpgsqlCommand(Sql(script), conn, tx)) cmd.ExecuteNonQuery();
        tx.Commit();
    }

    static string Sql(string script)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".bootstrap." + script, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}
