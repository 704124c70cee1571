using System.Globalization;
using Npgsql;

namespace StationMap.Api.Features.Holidays;

/// <summary>
/// <c>import-holidays FILE [--region CN] [--year YYYY] [--source TEXT]</c>: loads a year of holidays from a JSON or
/// iCalendar file (<see cref="HolidayFile"/>), replacing that region-year in one transaction. The region of an
/// iCalendar file is <c>--region</c> (default CN); a JSON file names its own, which <c>--region</c> must then match.
/// Problems are thrown as <see cref="FormatException"/> naming the line or field; nothing is written on failure.
/// </summary>
public static class HolidayCommands
{
    static readonly string[] ValueOptions = ["--region", "--year", "--source"];
    const string Usage = "usage: import-holidays FILE.json|FILE.ics [--region CN] [--year YYYY] [--source TEXT]";

    public static async Task<int> ImportAsync(NpgsqlDataSource data, string[] args, TextWriter output)
    {
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (ValueOptions.Contains(args[i]))
            {
                if (i + 1 >= args.Length) throw new FormatException($"{args[i]} needs a value; {Usage}");
                i++;
                continue;
            }
            if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new FormatException($"unknown option {args[i]}; {Usage}");
            if (file is not null) throw new FormatException($"one file at a time; {Usage}");
            file = args[i];
        }
        if (file is null) throw new FormatException(Usage);
        var region = Option(args, "--region");
        int? year = null;
        if (Option(args, "--year") is { } y)
            year = int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new FormatException($"--year '{y}' is not a year");
        if (!File.Exists(file)) throw new FileNotFoundException($"file not found: {file}", file);

        var text = await File.ReadAllTextAsync(file);
        var format = HolidayFile.DetectFormat(text) ?? throw new FormatException($"{file}: neither a JSON object nor an iCalendar file (BEGIN:VCALENDAR)");
        HolidayYear parsedYear;
        try
        {
            parsedYear = HolidayFile.Read(text, format, new HolidayFileOptions(format == "ics" ? region ?? "CN" : region, year, Option(args, "--source")));
        }
        catch (HolidayFormatException e)
        {
            throw new FormatException($"{file}: nothing was written:\n  {string.Join("\n  ", e.Errors)}");
        }
        await using var conn = await data.OpenConnectionAsync();
        StoredHolidayYear stored;
        try { stored = await HolidayStore.ReplaceYearAsync(conn, parsedYear); }
        catch (HolidayFormatException e) { throw new FormatException($"{file}: nothing was written:\n  {string.Join("\n  ", e.Errors)}"); }

        var counts = stored.Days.GroupBy(d => d.Kind).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded {stored.Region} {stored.Year} ({stored.Basis}) from {Path.GetFileName(file)}: {counts.GetValueOrDefault(HolidayKinds.Holiday)} holidays, " +
            $"{counts.GetValueOrDefault(HolidayKinds.MakeupWorkday)} make-up working days, {counts.GetValueOrDefault(HolidayKinds.SchoolHoliday)} school holidays; " +
            $"the year was replaced"));
        output.WriteLine($"  source: {stored.Source}");
        foreach (var run in Runs(stored.Days))
            output.WriteLine($"  {run.From:yyyy-MM-dd}{(run.To == run.From ? "         " : " – " + run.To.ToString("MM-dd", CultureInfo.InvariantCulture) + " ")}  {run.Kind,-15} {run.Name}");
        return 0;
    }

    /// <summary>Consecutive days of the same kind and name, for a short listing.</summary>
    static IEnumerable<(DateOnly From, DateOnly To, string Kind, string Name)> Runs(IReadOnlyList<HolidayDay> days)
    {
        (DateOnly From, DateOnly To, string Kind, string Name)? run = null;
        foreach (var d in days.OrderBy(d => d.Kind, StringComparer.Ordinal).ThenBy(d => d.Date))
        {
            if (run is { } r && r.Kind == d.Kind && r.Name == d.Name && r.To.AddDays(1) == d.Date) { run = r with { To = d.Date }; continue; }
            if (run is not null) yield return run.Value;
            run = (d.Date, d.Date, d.Kind, d.Name);
        }
        if (run is not null) yield return run.Value;
    }

    static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
