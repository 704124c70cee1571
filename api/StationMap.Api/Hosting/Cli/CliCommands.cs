using Npgsql;
using StationMap.Api.Features.Holidays;
using StationMap.Api.Features.Planning;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Migrations;

namespace StationMap.Api.Hosting.Cli;

/// <summary>
/// Command-line verbs of the API binary, used by the <c>stationmap</c> script:
/// <c>bootstrap</c> (as a superuser), <c>migrate</c>, <c>seed-demo [--if-empty] [--count N] [--seed S] [--area hangzhou|zhejiang]</c>,
/// <c>apikey create --role R [--name N]</c>, <c>apikey list</c>, <c>apikey revoke ID</c>, <c>import-osm</c>,
/// <c>generate-network</c>, <c>bench-regions</c> (see <see cref="RegionBench"/>), and the planner inputs <c>import-districts</c>, <c>import-demand</c>, <c>import-candidates</c>
/// (see <see cref="PlanningCommands"/>), <c>import-holidays</c> (see <see cref="HolidayCommands"/>); <c>opening-hours-eval</c>
/// and <c>solar-times</c> need no database (see <see cref="OpeningHoursCommands"/>).
/// The database is <c>ConnectionStrings__Stations</c>.
/// </summary>
public static class CliCommands
{
    static readonly string[] Verbs = ["bootstrap", "migrate", "seed-demo", "apikey", "import-osm", "generate-network", "import-districts", "import-demand", "import-candidates", "import-holidays", "bench-regions"];

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (Verbs.Contains(args[0]) || OpeningHoursCommands.Verbs.Contains(args[0]));

    public static async Task<int> RunAsync(string[] args)
    {
        if (OpeningHoursCommands.Verbs.Contains(args[0])) return OpeningHoursCommands.Run(args[0], Console.In,
            new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)));
        var cs = Environment.GetEnvironmentVariable("ConnectionStrings__Stations");
        if (string.IsNullOrEmpty(cs)) return Fail("ConnectionStrings__Stations is not set.");
        return await RunAsync(args, cs);
    }

    /// <summary>Runs a verb against the database <paramref name="cs"/>; 0 on success, 1 after printing "error: …" (no stack trace).</summary>
    internal static async Task<int> RunAsync(string[] args, string cs)
    {
        try
        {
            return args[0] switch
            {
                "bootstrap" => Bootstrap(cs),
                "migrate" => Migrate(cs),
                "seed-demo" => await SeedDemo(cs, args[1..]),
                "import-osm" => await ImportOsm(cs, args[1..]),
                "generate-network" => await GenerateNetwork(cs, args[1..]),
                "import-districts" => await WithData(cs, data => PlanningCommands.ImportDistrictsAsync(data, args[1..], Console.Out)),
                "import-demand" => await WithData(cs, data => PlanningCommands.ImportLayerAsync(data, "demand", args[1..], Console.Out, Console.Error)),
                "import-candidates" => await WithData(cs, data => PlanningCommands.ImportLayerAsync(data, "candidate", args[1..], Console.Out, Console.Error)),
                "import-holidays" => await WithData(cs, data => HolidayCommands.ImportAsync(data, args[1..], Console.Out)),
                "bench-regions" => await WithData(cs, data => RegionBench.RunAsync(data, args[1..], Console.Out)),
                _ => await ApiKeys(cs, args[1..]),
            };
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>
    /// <c>bootstrap</c>, connected as a superuser: the owner and app roles (names from
    /// STATIONMAP_OWNER_ROLE / STATIONMAP_APP_ROLE, passwords from STATIONMAP_OWNER_PASSWORD /
    /// STATIONMAP_APP_PASSWORD, kept out of the command line), PostGIS, ownership and grants.
    /// </summary>
    static int Bootstrap(string cs)
    {
        static string Env(string name, string? fallback = null) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
            : fallback ?? throw new InvalidOperationException($"{name} is not set.");
        var roles = new DatabaseRoleSet(
            Env("STATIONMAP_OWNER_ROLE", DatabaseRoleSet.DefaultOwner), Env("STATIONMAP_OWNER_PASSWORD"),
            Env("STATIONMAP_APP_ROLE", DatabaseRoleSet.DefaultApp), Env("STATIONMAP_APP_PASSWORD"));
        DatabaseRoles.Bootstrap(cs, roles);
        Console.WriteLine($"roles {roles.Owner} (owner) and {roles.App} (app) ready on {new NpgsqlConnectionStringBuilder(cs).Database}");
        return 0;
    }

    static int Migrate(string cs)
    {
        var applied = MigrationRunner.Migrate(cs);
        Console.WriteLine(applied.Count == 0 ? "database is up to date" : $"applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return 0;
    }

    static async Task<int> SeedDemo(string cs, string[] args)
    {
        var count = int.Parse(Option(args, "--count") ?? "300");
        var seed = int.Parse(Option(args, "--seed") ?? "20261122");
        if (!Enum.TryParse<DemoStations.Area>(Option(args, "--area") ?? "hangzhou", ignoreCase: true, out var area))
            return Fail("--area must be hangzhou (the default) or zhejiang");
        await using var data = DataSource(cs);
        await using var conn = await data.OpenConnectionAsync();
        if (args.Contains("--if-empty"))
        {
            // The demo city is one region, named by DemoRoadNetwork.Region; an empty database gets it (imported regions are left alone).
            if ((await RoadGraphStore.ActiveInfosAsync(conn)).Count == 0) await StoreNetwork(conn, DemoRoadNetwork.Generate(), DemoRoadNetwork.Region, "demo");
            await DemoPlanningSeed.SeedMissingAsync(conn, Console.Out, seed);
            if (await StationStore.AnyAsync(conn))
            {
                Console.WriteLine("stations present; demo stations not loaded");
                await Features.Live.DemoLiveHistory.SeedMissingAsync(conn, Console.Out, seed, DateTimeOffset.UtcNow);
                return 0;
            }
        }
        await using (var actor = new NpgsqlCommand("SELECT set_config('stationmap.actor', 'demo-generator', false)", conn))
            await actor.ExecuteNonQueryAsync();
        await StationCopy.WriteAsync(conn, DemoStations.Generate(count, seed, DateTimeOffset.UtcNow, area));
        await using (var analyze = new NpgsqlCommand("ANALYZE station", conn)) await analyze.ExecuteNonQueryAsync();
        Console.WriteLine($"loaded {count} DEMO stations (seed {seed}, area {area.ToString().ToLowerInvariant()})");
        if (!args.Contains("--if-empty")) await DemoPlanningSeed.SeedMissingAsync(conn, Console.Out, seed);
        else await Features.Live.DemoLiveHistory.SeedMissingAsync(conn, Console.Out, seed, DateTimeOffset.UtcNow);
        return 0;
    }

    /// <summary>
    /// <c>import-osm FILE [--region NAME] [--profile FILE]</c>: builds the road graph and swaps it in as region NAME
    /// (default: the file name up to its first dot, e.g. chengdu_central_2018), adding the region or replacing
    /// only its previous graph; other regions keep serving.
    /// </summary>
    static async Task<int> ImportOsm(string cs, string[] args)
    {
        var file = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && a != Option(args, "--region") && a != Option(args, "--profile"));
        if (file is null) return Fail("usage: import-osm FILE.osm|FILE.osm.pbf [--region NAME] [--profile road-profile.json]");
        var profile = Option(args, "--profile") is { } p ? RoadProfile.Load(p) : RoadProfile.Default();
        var region = Option(args, "--region") ?? Path.GetFileName(file).Split('.')[0];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Progress(string line) => Console.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:F1}s] {line}");
        Progress($"reading {file}");
        var built = OsmGraphBuilder.Build(file, profile, Progress);
        Progress($"built {built.Graph.VertexCount:N0} vertices, {built.Graph.EdgeCount:N0} edges");
        await using var data = DataSource(cs);
        await using var conn = await data.OpenConnectionAsync();
        var version = await RoadGraphStore.SaveAndActivateAsync(conn, built, region, "osm", Path.GetFileName(file),
            RoadGraphStore.OsmAttribution, profile.ToJson(), Progress);
        Console.WriteLine($"imported road graph version {version} ({region}): {built.Graph.VertexCount} vertices, {built.Graph.EdgeCount} edges " +
                          $"in {clock.Elapsed.TotalSeconds:F1}s; it is now active (other regions unchanged)");
        return 0;
    }

    /// <summary><c>generate-network [--cells N] [--seed S]</c>: a generated city network (N × N blocks of 150 m), e.g. for benchmarks.</summary>
    static async Task<int> GenerateNetwork(string cs, string[] args)
    {
        var cells = int.Parse(Option(args, "--cells") ?? "110");
        var seed = int.Parse(Option(args, "--seed") ?? "20261122");
        if (!Enum.TryParse<DemoStations.Area>(Option(args, "--area") ?? "hangzhou", ignoreCase: true, out var area))
            return Fail("--area must be hangzhou (the default) or zhejiang");
        if (cells is < 2 or > 2000) return Fail("--cells must be between 2 and 2000");
        var built = DemoRoadNetwork.Generate(seed, cells, 120.0, 30.05, 150);
        await using var data = DataSource(cs);
        await using var conn = await data.OpenConnectionAsync();
        await StoreNetwork(conn, built, $"generated {cells}×{cells} grid", "synthetic");
        return 0;
    }

    static async Task StoreNetwork(NpgsqlConnection conn, BuiltGraph built, string region, string source)
    {
        var version = await RoadGraphStore.SaveAndActivateAsync(conn, built, region, source, null, null, RoadProfile.Default().ToJson());
        Console.WriteLine($"generated road network version {version} ({region}, DEMO DATA): {built.Graph.VertexCount} vertices, {built.Graph.EdgeCount} edges");
    }

    static async Task<int> ApiKeys(string cs, string[] args)
    {
        await using var data = DataSource(cs);
        var keys = new ApiKeyStore(data);
        switch (args.FirstOrDefault())
        {
            case "create":
                var role = Option(args, "--role") ?? "";
                if (!ApiKeyAuth.Roles.Contains(role)) return Fail($"--role must be one of {string.Join(", ", ApiKeyAuth.Roles)}");
                var @operator = Option(args, "--operator")?.Trim();
                if (role == ApiKeyAuth.Operator && string.IsNullOrEmpty(@operator))
                    return Fail("an operator key needs --operator NAME (the station operator it speaks for, e.g. --operator 顺丰速运)");
                if (role != ApiKeyAuth.Operator && @operator is not null) return Fail("--operator is only for --role operator");
                if (@operator is { Length: > 200 }) return Fail("--operator is at most 200 characters");
                var key = ApiKeyAuth.NewKey();
                var name = Option(args, "--name") ?? $"{role}-{DateTime.UtcNow:yyyyMMddHHmmss}";
                await keys.CreateAsync(name, role, ApiKeyAuth.Hash(key), key[..7], @operator: @operator);
                Console.Error.WriteLine($"created {role} key '{name}'{(@operator is null ? "" : $" for operator {@operator}")}; it is shown only once:");
                Console.WriteLine(key);
                return 0;
            case "list":
                foreach (var k in await keys.ListAsync())
                    Console.WriteLine($"{k.Id}\t{k.Role}{(k.Operator is null ? "" : $" ({k.Operator})")}\t{k.Name}\t{k.KeyPrefix}…\tcreated {k.CreatedAt:u}{(k.RevokedAt is null ? "" : $"\trevoked {k.RevokedAt:u}")}");
                return 0;
            case "revoke" when args.Length > 1 && long.TryParse(args[1], out var id):
                return await keys.RevokeAsync(id) ? Ok($"revoked key {id}") : Fail($"no active key {id}");
            default:
                return Fail("usage: apikey create --role reader|editor|admin|operator [--operator NAME] [--name NAME] | apikey list | apikey revoke ID");
        }
    }

    static async Task<int> WithData(string cs, Func<NpgsqlDataSource, Task<int>> command)
    {
        await using var data = DataSource(cs);
        return await command(data);
    }

    static NpgsqlDataSource DataSource(string cs)
    {
        var b = new NpgsqlDataSourceBuilder(cs);
        // Bulk loads (100,000 stations through the audit trigger, a large road graph) outlast the
        // default 30 s command timeout on a busy machine; the CLI waits for them.
        b.ConnectionStringBuilder.CommandTimeout = 900;
        b.UseNetTopologySuite();
        return b.Build();
    }

    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    static int Ok(string message) { Console.WriteLine(message); return 0; }
    static int Fail(string message) { Console.Error.WriteLine($"error: {message}"); return 1; }
}
