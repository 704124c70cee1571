using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StationMap.Api.Features.Holidays;

/// <summary>The kinds of day a holiday calendar holds (the <c>public_holiday.kind</c> values).</summary>
public static class HolidayKinds
{
    /// <summary>A public holiday (PH in opening_hours), bridging days of a 调休 arrangement included.</summary>
    public const string Holiday = "holiday";
    /// <summary>A Saturday or Sunday declared a working day (调休上班, 补班).</summary>
    public const string MakeupWorkday = "makeup_workday";
    /// <summary>A school holiday (SH in opening_hours).</summary>
    public const string SchoolHoliday = "school_holiday";
    public static readonly string[] All = [Holiday, MakeupWorkday, SchoolHoliday];
}

/// <summary>One day of a calendar.</summary>
/// <param name="Date">The local date.</param>
/// <param name="Kind">holiday | makeup_workday | school_holiday.</param>
/// <param name="Name">What the day is (春节, 春节补班, 寒假).</param>
public sealed record HolidayDay(DateOnly Date, string Kind, string Name);

/// <summary>One region's calendar for one year, as read from a file and checked, ready to replace what is stored.</summary>
/// <param name="Region">ISO 3166-1 alpha-2, optionally with a subdivision (CN, CN-ZJ).</param>
/// <param name="Year">The year the announcement is for; its days may reach into the December before or the January after.</param>
/// <param name="Basis">notice (the published arrangement) | statutory (only the days the law fixes, until the notice is out).</param>
/// <param name="Source">Where the days come from: the announcement's title, document number and URL.</param>
/// <param name="Note">Optional remark.</param>
/// <param name="Days">Every day, in date order.</param>
public sealed record HolidayYear(string Region, int Year, string Basis, string Source, string? Note, IReadOnlyList<HolidayDay> Days);

/// <summary>What the caller knows besides the file: the region and year it is loaded as, a source that replaces the file's.</summary>
public sealed record HolidayFileOptions(string? Region = null, int? Year = null, string? Source = null);

/// <summary>A file that cannot be loaded: every problem found, each naming its line (ICS) or field (JSON). Nothing is written.</summary>
public sealed class HolidayFormatException(IReadOnlyList<string> errors)
    : FormatException(errors.Count == 1 ? errors[0] : $"{errors.Count} problems: {string.Join("; ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Reads a year of holidays from either of the two formats <c>./stationmap import-holidays</c> and
/// <c>PUT /api/v1/holidays/{region}/{year}</c> take, and checks it the same way for both:
/// <list type="bullet">
/// <item>JSON (the project's format, README "Public holidays"): <c>{"region", "year", "basis"?, "source", "note"?,
/// "holidays": [{"name", "date"} | {"name", "from", "to"}], "makeup_workdays": [{"date", "name"?}], "school_holidays": [...]}</c>,
/// ranges inclusive;</item>
/// <item>ICS (RFC 5545): all-day VEVENTs, see <see cref="HolidayIcs"/>.</item>
/// </list>
/// Checks: region and year well-formed (and equal to the ones the caller loads it as), a source, at least one day,
/// every date within the year (December before and January after allowed), names of 1–100 characters, make-up
/// working days on a Saturday or Sunday, no date both a holiday and a make-up working day, no date given twice with
/// different names.
/// </summary>
public static partial class HolidayFile
{
    public const int MaxNameLength = 100;
    public const int MaxSourceLength = 1000;
    /// <summary>The longest range one entry may span: a typo in a year ("2026-02-15" to "2027-02-23") is caught, not loaded as 374 holidays.</summary>
    const int MaxRangeDays = 62;
    const int MaxErrors = 20;

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    public static partial Regex RegionPattern();

    public const string RegionRule = "a region is an ISO 3166-1 alpha-2 code, optionally with a subdivision (CN, CN-ZJ)";

    /// <summary>"json" when the text is a JSON object, "ics" when it is a VCALENDAR, else null.</summary>
    public static string? DetectFormat(string text)
    {
        var start = text.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (start.StartsWith("{")) return "json";
        if (start.StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase)) return "ics";
        return null;
    }

    /// <summary>Reads <paramref name="text"/> in <paramref name="format"/> (json | ics | null = detect); throws <see cref="HolidayFormatException"/>.</summary>
    public static HolidayYear Read(string text, string? format, HolidayFileOptions options)
    {
        format ??= DetectFormat(text)
            ?? throw new HolidayFormatException(["line 1: neither a JSON object nor an iCalendar file (BEGIN:VCALENDAR)"]);
        return format switch
        {
            "json" => ReadJson(text, options),
            "ics" => HolidayIcs.Read(text, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "json or ics"),
        };
    }

    static readonly string[] TopFields = ["region", "year", "basis", "source", "note", "holidays", "makeup_workdays", "school_holidays"];
    static readonly string[] DayFields = ["name", "date", "from", "to"];

    static HolidayYear ReadJson(string text, HolidayFileOptions options)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(text, documentOptions: new() { CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e)
        {
            throw new HolidayFormatException([$"line {(e.LineNumber ?? 0) + 1}: invalid JSON ({FirstSentence(e.Message)})"]);
        }
        if (root is not JsonObject doc) throw new HolidayFormatException(["the document must be a JSON object"]);
        var days = new DayList();
        foreach (var (key, _) in doc)
            if (!TopFields.Contains(key)) days.Error($"{key}: unknown field (allowed: {string.Join(", ", TopFields)})");

        var region = JsonString(doc, "region", days);
        var year = doc["year"] switch
        {
            null => (int?)null,
            JsonValue v when v.TryGetValue<int>(out var y) => y,
            _ => days.Error<int?>("year: must be a whole number", null),
        };
        var basis = JsonString(doc, "basis", days) ?? "notice";
        var source = JsonString(doc, "source", days);
        var note = JsonString(doc, "note", days);

        foreach (var (field, kind) in new[] { ("holidays", HolidayKinds.Holiday), ("makeup_workdays", HolidayKinds.MakeupWorkday), ("school_holidays", HolidayKinds.SchoolHoliday) })
        {
            switch (doc[field])
            {
                case null: continue;
                case JsonArray list:
                    for (var i = 0; i < list.Count; i++) ReadJsonEntry(list[i], $"{field}[{i}]", kind, days);
                    break;
                default:
                    days.Error($"{field}: must be an array");
                    break;
            }
        }
        return Finish(region, year, basis, source, note, days, options, regionField: "region", yearField: "year", sourceField: "source");
    }

    static void ReadJsonEntry(JsonNode? node, string path, string kind, DayList days)
    {
        if (node is not JsonObject entry) { days.Error($"{path}: must be an object"); return; }
        foreach (var (key, _) in entry)
            if (!DayFields.Contains(key)) days.Error($"{path}.{key}: unknown field (allowed: {string.Join(", ", DayFields)})");
        var name = JsonString(entry, "name", days, path);
        if (name is null && kind == HolidayKinds.MakeupWorkday) name = "调休上班";
        if (name is null) { days.Error($"{path}.name: required"); return; }
        var date = JsonDate(entry, "date", days, path);
        var from = JsonDate(entry, "from", days, path);
        var to = JsonDate(entry, "to", days, path);
        if (entry.ContainsKey("date") == (entry.ContainsKey("from") || entry.ContainsKey("to")))
        {
            days.Error($"{path}: give either \"date\" or \"from\" and \"to\"");
            return;
        }
        if (kind == HolidayKinds.MakeupWorkday && !entry.ContainsKey("date"))
        {
            days.Error($"{path}: a make-up working day is one \"date\"");
            return;
        }
        if (entry.ContainsKey("date")) { if (date is { } d) days.Add(d, kind, name, path); return; }
        if (!entry.ContainsKey("from") || !entry.ContainsKey("to")) { days.Error($"{path}: \"from\" and \"to\" go together"); return; }
        if (from is { } f && to is { } t) days.AddRange(f, t, kind, name, path, $"{path}.to");
    }

    static string? JsonString(JsonObject obj, string field, DayList days, string? path = null)
    {
        var node = obj[field];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        days.Error($"{(path is null ? "" : path + ".")}{field}: must be a string");
        return null;
    }

    static DateOnly? JsonDate(JsonObject obj, string field, DayList days, string path)
    {
        if (!obj.ContainsKey(field)) return null;
        var text = JsonString(obj, field, days, path);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        days.Error($"{path}.{field}: '{text}' is not a date (YYYY-MM-DD)");
        return null;
    }

    /// <summary>The checks both formats share; the field names say where a value came from in the error messages.</summary>
    internal static HolidayYear Finish(string? region, int? year, string basis, string? source, string? note, DayList days,
        HolidayFileOptions options, string regionField, string yearField, string sourceField)
    {
        if (options.Region is { } wantedRegion)
        {
            if (region is not null && region != wantedRegion) days.Error($"{regionField}: the file is for region {region}, not {wantedRegion}");
            region = wantedRegion;
        }
        if (region is null) days.Error($"{regionField}: required");
        else if (!RegionPattern().IsMatch(region)) days.Error($"{regionField}: '{region}': {RegionRule}");

        if (options.Year is { } wantedYear)
        {
            if (year is not null && year != wantedYear) days.Error($"{yearField}: the file is for {year}, not {wantedYear}");
            year = wantedYear;
        }
        year ??= days.MostCommonYear();
        if (year is null) days.Error($"{yearField}: required");
        else if (year is < 2000 or > 2100) days.Error($"{yearField}: {year} is not between 2000 and 2100");

        if (basis is not ("notice" or "statutory")) days.Error($"basis: '{basis}' must be notice or statutory");
        source = options.Source ?? source;
        if (string.IsNullOrWhiteSpace(source)) days.Error($"{sourceField}: required: the announcement the days come from (title, document number, URL)");
        else if (source.Length > MaxSourceLength) days.Error($"{sourceField}: longer than {MaxSourceLength} characters");
        if (note is { Length: > MaxSourceLength }) days.Error($"note: longer than {MaxSourceLength} characters");

        if (year is { } y and >= 2000 and <= 2100) days.CheckWithin(y);
        days.CheckDays();
        if (days.Errors.Count > 0) throw new HolidayFormatException(days.Errors.Take(MaxErrors).Concat(days.Errors.Count > MaxErrors ? [$"… and {days.Errors.Count - MaxErrors} more"] : []).ToList());
        return new HolidayYear(region!, year!.Value, basis, source!.Trim(), string.IsNullOrWhiteSpace(note) ? null : note.Trim(), days.Result());
    }

    static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return (i > 0 ? message[..i] : message).TrimEnd('.');
    }

    /// <summary>The days read so far, each with where it came from (a JSON path or an ICS line), and the errors.</summary>
    internal sealed class DayList
    {
        readonly List<(HolidayDay Day, string Where)> _days = [];
        public List<string> Errors { get; } = [];

        public void Error(string message) => Errors.Add(message);

        public T Error<T>(string message, T value) { Errors.Add(message); return value; }

        public void Add(DateOnly date, string kind, string name, string where)
        {
            name = name.Trim();
            if (name.Length == 0) { Error($"{where}: the name is empty"); return; }
            if (name.Length > MaxNameLength) { Error($"{where}: the name is longer than {MaxNameLength} characters"); return; }
            _days.Add((new HolidayDay(date, kind, name), where));
        }

        /// <summary>Every day from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
        public void AddRange(DateOnly from, DateOnly to, string kind, string name, string where, string toWhere)
        {
            if (to < from) { Error($"{toWhere}: {to:yyyy-MM-dd} is before the first day {from:yyyy-MM-dd}"); return; }
            if (to.DayNumber - from.DayNumber >= MaxRangeDays) { Error($"{toWhere}: the range is longer than {MaxRangeDays} days"); return; }
            for (var d = from; d <= to; d = d.AddDays(1)) Add(d, kind, name, where);
        }

        public int? MostCommonYear() =>
            _days.Count == 0 ? null : _days.GroupBy(d => d.Day.Date.Year).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

        public void CheckWithin(int year)
        {
            var first = new DateOnly(year - 1, 12, 1);
            var last = new DateOnly(year + 1, 1, 31);
            foreach (var (day, where) in _days)
                if (day.Date < first || day.Date > last)
                    Error($"{where}: {day.Date:yyyy-MM-dd} is outside {year} (a year's days may reach from {first:yyyy-MM-dd} to {last:yyyy-MM-dd})");
        }

        public void CheckDays()
        {
            if (_days.Count == 0) Error("no days: the file has no holidays, make-up working days or school holidays");
            var seen = new Dictionary<(DateOnly, string), (string Name, string Where)>();
            foreach (var (day, where) in _days)
            {
                if (day.Kind == HolidayKinds.MakeupWorkday && day.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                    Error($"{where}: {day.Date:yyyy-MM-dd} is a {day.Date.DayOfWeek}; a make-up working day is a Saturday or Sunday");
                if (seen.TryGetValue((day.Date, day.Kind), out var first))
                {
                    if (first.Name != day.Name) Error($"{where}: {day.Date:yyyy-MM-dd} is already {first.Name} ({first.Where})");
                    continue;
                }
                seen[(day.Date, day.Kind)] = (day.Name, where);
                var other = day.Kind switch { HolidayKinds.Holiday => HolidayKinds.MakeupWorkday, HolidayKinds.MakeupWorkday => HolidayKinds.Holiday, _ => null };
                if (other is not null && seen.TryGetValue((day.Date, other), out var clash))
                    Error($"{where}: {day.Date:yyyy-MM-dd} is both a holiday and a make-up working day ({clash.Where})");
            }
        }

        public IReadOnlyList<HolidayDay> Result() =>
            _days.Select(d => d.Day).DistinctBy(d => (d.Date, d.Kind)).OrderBy(d => d.Date).ThenBy(d => d.Kind, StringComparer.Ordinal).ToList();
    }
}
