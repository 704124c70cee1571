using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;

namespace StationMap.Migrations;

/// <summary>
/// Applies the numbered, forward-only SQL scripts embedded from <c>db-migrations/StationMap.Migrations/sql</c>
/// with DbUp, journalled in <c>public.schemaversions</c>.
/// </summary>
public static class MigrationRunner
{
    static UpgradeEngine Engine(string connectionString, IUpgradeLog? log) =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), IsMigration)
            .WithTransactionPerScript()
            .JournalToPostgresqlTable("public", "schemaversions")
            .LogTo(log ?? new NoOpUpgradeLog())
            .Build();

    /// <summary>Applies every pending script; throws with the failing script's name on error.</summary>
    public static IReadOnlyList<string> Migrate(string connectionString, bool verbose = false)
    {
        var result = Engine(connectionString, verbose ? new ConsoleUpgradeLog() : null).PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Migration {result.ErrorScript?.Name ?? "(unknown)"} failed: {result.Error.Message}", result.Error);
        }
        return result.Scripts.Select(s => s.Name).ToList();
    }

    /// <summary>Names of every embedded script, as DbUp journals them.</summary>
    public static IReadOnlyList<string> ScriptNames() =>
        Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(IsMigration).Order().ToList();

    // The numbered scripts in sql/; bootstrap/ holds the superuser step (DatabaseRoles), not a migration.
    static bool IsMigration(string resource) =>
        resource.StartsWith("StationMap.Migrations.sql.", StringComparison.Ordinal) && resource.EndsWith(".sql", StringComparison.Ordinal);

    /// <summary>Names of scripts not yet applied (empty when the database is current).</summary>
    public static IReadOnlyList<string> Pending(string connectionString) =>
        Engine(connectionString, null).GetScriptsToExecute().Select(s => s.Name).ToList();
}
