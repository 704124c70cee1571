using System.Globalization;
using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Planning;

/// <summary>
/// The planner-input verbs of the API binary (wrapped by the <c>stationmap</c> script):
/// <c>import-districts FILE [--crs C]</c>, <c>import-demand FILE --layer NAME [--crs C] [--description TEXT]</c>,
/// <c>import-candidates FILE --layer NAME [--crs C] [--description TEXT]</c>. Errors are thrown as
/// <see cref="FormatException"/> / <see cref="IOException"/> / <see cref="InvalidOperationException"/> with a
/// message for the user (the dispatcher prints it without a stack trace); nothing is written on failure.
/// </summary>
public static class PlanningCommands
{
    static readonly string[] ValueOptions = ["--crs", "--layer", "--description"];

    public static async Task<int> ImportDistrictsAsync(NpgsqlDataSource data, string[] args, TextWriter output)
    {
        var file = File(args) ?? throw new FormatException("usage: import-districts FILE.geojson [--crs wgs84|gcj02|bd09]");
        var crs = Crs(args);
        var districts = DistrictImport.ReadFile(file, crs);
        await using var conn = await data.OpenConnectionAsync();
        var stored = await DistrictImport.ReplaceAllAsync(conn, districts, Path.GetFileName(file), isDemo: false);
        output.WriteLine($"imported {stored.Count} districts from {Path.GetFileName(file)} (crs {CoordinateSystems.Name(crs)}); the previous districts were replaced:");
        foreach (var d in stored)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {d.Id,5}  {d.Code ?? "-",-8}  {d.Name}  {d.AreaKm2:N1} km²{(d.Repaired ? "  (invalid polygon repaired)" : "")}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total {stored.Sum(d => d.AreaKm2):N1} km²"));
        return 0;
    }

    /// <summary>import-demand / import-candidates: kind is "demand" or "candidate".</summary>
    public static async Task<int> ImportLayerAsync(NpgsqlDataSource data, string kind, string[] args, TextWriter output, TextWriter errors)
    {
        var verb = kind == "demand" ? "import-demand" : "import-candidates";
        var file = File(args);
        var layer = Option(args, "--layer");
        if (file is null || layer is null)
            throw new FormatException($"usage: {verb} FILE.csv|FILE.geojson --layer NAME [--crs wgs84|gcj02|bd09] [--description TEXT]");
        if (!PointLayerStore.NamePattern().IsMatch(layer)) throw new FormatException($"--layer '{layer}': {PointLayerStore.NameRule}");
        var description = Option(args, "--description");
        if (description is { Length: > 1000 }) throw new FormatException("--description must be at most 1000 characters");
        var crs = Crs(args);
        if (!System.IO.File.Exists(file)) throw new FileNotFoundException($"file not found: {file}", file);
        var text = await System.IO.File.ReadAllTextAsync(file);
        var format = PointLayerReader.DetectFormat(null, Path.GetExtension(file), text)!;
        PointLayerRows rows;
        try { rows = PointLayerReader.Read(text, format, crs); }
        catch (FormatException e) { throw new FormatException($"{file}: {e.Message}"); }
        if (rows.Rows == 0) throw new FormatException($"{file}: the {format} file has no rows");
        if (rows.Errors.Count > 0)
        {
            foreach (var e in rows.Errors.Take(50))
                errors.WriteLine($"  {(format == "csv" ? "row" : "feature")} {e.Row}: {string.Join(" ", e.Errors.SelectMany(x => x.Value))}");
            if (rows.Errors.Count > 50) errors.WriteLine($"  … and {rows.Errors.Count - 50} more");
            throw new FormatException($"{rows.Errors.Count} of {rows.Rows} rows of {Path.GetFileName(file)} are invalid; nothing was written");
        }
        await using var conn = await data.OpenConnectionAsync();
        var view = await PointLayerStore.ReplaceAsync(conn, layer, kind, description, Path.GetFileName(file), isDemo: false, rows.Points);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {view.PointCount:N0} points into the {kind} layer '{view.Name}' (total weight {view.TotalWeight:N1}, crs {CoordinateSystems.Name(crs)}); " +
            $"the layer was replaced at {view.UpdatedAt:u}"));
        return 0;
    }

    static Crs Crs(string[] args)
    {
        var text = Option(args, "--crs");
        if (!CoordinateSystems.TryParse(text, out var crs)) throw new FormatException($"--crs must be wgs84, gcj02 or bd09; got '{text}'");
        return crs;
    }

    /// <summary>The first argument that is neither an option nor an option's value; an unknown option is an error.</summary>
    static string? File(string[] args)
    {
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (ValueOptions.Contains(args[i])) { i++; continue; }
            if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new FormatException($"unknown option {args[i]}");
            file ??= args[i];
        }
        return file;
    }

    static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
