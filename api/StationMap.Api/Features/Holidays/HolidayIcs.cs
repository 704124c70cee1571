using System.Globalization;
using System.Text;

namespace StationMap.Api.Features.Holidays;

/// <summary>
/// Holiday calendars as iCalendar (RFC 5545), the format Chinese holiday feeds publish. Lines may end
/// in CRLF or LF and are unfolded (a line starting with a space or tab continues the one before).
/// Every VEVENT is an all-day event: <c>DTSTART;VALUE=DATE:20260215</c> (or a bare 8-digit date), and
/// <c>DTEND</c> exclusive as RFC 5545 says (absent: one day; <c>DURATION:P9D</c> also works); a time of
/// day, a time zone or a recurrence rule is an error. <c>SUMMARY</c> is the day's name.
/// The kind of day, in this order:
/// <list type="number">
/// <item><c>CATEGORIES</c> containing <c>makeup_workday</c> (or <c>workday</c>, <c>补班</c>, <c>上班</c>),
/// <c>school_holiday</c> or <c>holiday</c>;</item>
/// <item>else a SUMMARY containing 班 is a make-up working day (feeds write 上班, 补班, 调休上班,
/// "上班(补春节假期)" or just 班);</item>
/// <item>else a public holiday.</item>
/// </list>
/// The source is the caller's, else the calendar's <c>SOURCE</c> or <c>URL</c> (RFC 7986) or <c>X-WR-CALDESC</c>.
/// The year is the caller's, else the year most of the days fall in. Errors name the line.
/// </summary>
public static class HolidayIcs
{
    static readonly string[] MakeupCategories = ["makeup_workday", "makeup-workday", "workday", "补班", "上班"];

    public static HolidayYear Read(string text, HolidayFileOptions options)
    {
        var days = new HolidayFile.DayList();
        var lines = Unfold(text);
        if (lines.Count == 0 || !lines[0].Text.Equals("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
            throw new HolidayFormatException([$"line {(lines.Count == 0 ? 1 : lines[0].Number)}: an iCalendar file starts with BEGIN:VCALENDAR"]);

        string? source = null, url = null, description = null;
        var stack = new Stack<string>();
        Event? current = null;
        var ended = false;
        foreach (var line in lines)
        {
            if (ended) { days.Error($"line {line.Number}: content after END:VCALENDAR"); break; }
            if (!TrySplit(line.Text, out var name, out var parameters, out var value))
            {
                days.Error($"line {line.Number}: not a NAME:VALUE content line");
                continue;
            }
            if (name == "BEGIN")
            {
                var component = value.ToUpperInvariant();
                if (component == "VEVENT" && stack.Count == 1 && stack.Peek() == "VCALENDAR") current = new Event(line.Number);
                stack.Push(component);
                continue;
            }
            if (name == "END")
            {
                var component = value.ToUpperInvariant();
                if (stack.Count == 0 || stack.Peek() != component)
                {
                    throw new HolidayFormatException([.. days.Errors,
                        $"line {line.Number}: END:{value} does not close {(stack.Count == 0 ? "anything" : "BEGIN:" + stack.Peek())}"]);
                }
                stack.Pop();
                if (component == "VEVENT" && current is not null && stack.Count == 1) { AddEvent(current, days); current = null; }
                if (component == "VCALENDAR") ended = true;
                continue;
            }
            if (stack.Count == 1)
            {
                switch (name)
                {
                    case "SOURCE": source = value; break;
                    case "URL": url = value; break;
                    case "X-WR-CALDESC": description = Unescape(value); break;
                }
                continue;
            }
            if (current is null || stack.Peek() != "VEVENT") continue;   // VTIMEZONE, VALARM and the like say nothing about days
            switch (name)
            {
                case "DTSTART": current.Start = Date(parameters, value, line.Number, "DTSTART", days); current.StartSeen = true; break;
                case "DTEND": current.End = Date(parameters, value, line.Number, "DTEND", days); current.EndLine = line.Number; break;
                case "DURATION": current.Duration = Duration(value, line.Number, days); current.EndLine = line.Number; break;
                case "SUMMARY": current.Summary = Unescape(value); break;
                case "CATEGORIES":
                    current.Categories.AddRange(SplitList(value).Select(c => Unescape(c).Trim().ToLowerInvariant()));
                    break;
                case "RRULE" or "RDATE":
                    days.Error($"line {line.Number}: {name}: recurring events are not supported; list each year's days");
                    break;
            }
        }
        if (!ended) days.Error($"line {lines[^1].Number}: the calendar does not end with END:VCALENDAR");

        var fileSource = source ?? url ?? description;
        return HolidayFile.Finish(null, null, "notice", fileSource, null, days, options,
            regionField: "region", yearField: "year", sourceField: "source (SOURCE, URL or X-WR-CALDESC)");
    }

    sealed class Event(int line)
    {
        public int Line { get; } = line;
        public bool StartSeen { get; set; }
        public DateOnly? Start { get; set; }
        public DateOnly? End { get; set; }
        public int? Duration { get; set; }
        public int EndLine { get; set; }
        public string? Summary { get; set; }
        public List<string> Categories { get; } = [];
    }

    static void AddEvent(Event e, HolidayFile.DayList days)
    {
        var where = $"line {e.Line} (VEVENT{(e.Summary is null ? "" : " " + e.Summary)})";
        if (!e.StartSeen) { days.Error($"{where}: no DTSTART"); return; }
        if (e.Start is not { } start) return;   // the date's own error is reported
        if (string.IsNullOrWhiteSpace(e.Summary)) { days.Error($"{where}: no SUMMARY (the day's name)"); return; }
        var endExclusive = e.End ?? (e.Duration is { } n ? start.AddDays(n) : start.AddDays(1));
        if (endExclusive <= start)
        {
            days.Error($"line {e.EndLine}: DTEND {endExclusive:yyyyMMdd} is not after DTSTART {start:yyyyMMdd} (DTEND is exclusive)");
            return;
        }
        days.AddRange(start, endExclusive.AddDays(-1), Kind(e), e.Summary, where, $"line {e.EndLine}");
    }

    static string Kind(Event e)
    {
        if (e.Categories.Any(c => MakeupCategories.Contains(c))) return HolidayKinds.MakeupWorkday;
        if (e.Categories.Any(c => c is "school_holiday" or "school-holiday")) return HolidayKinds.SchoolHoliday;
        if (e.Categories.Contains("holiday")) return HolidayKinds.Holiday;
        return e.Summary!.Contains('班') ? HolidayKinds.MakeupWorkday : HolidayKinds.Holiday;
    }

    static DateOnly? Date(Dictionary<string, string> parameters, string value, int line, string property, HolidayFile.DayList days)
    {
        if (parameters.TryGetValue("VALUE", out var type) && !type.Equals("DATE", StringComparison.OrdinalIgnoreCase))
        {
            days.Error($"line {line}: {property} must be an all-day date ({property};VALUE=DATE:YYYYMMDD), not VALUE={type}");
            return null;
        }
        if (value.Length != 8 || parameters.ContainsKey("TZID"))
        {
            days.Error($"line {line}: {property} '{value}' must be an all-day date (YYYYMMDD), not a time of day");
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        days.Error($"line {line}: {property} '{value}' is not a date (YYYYMMDD)");
        return null;
    }

    /// <summary>P[n]D or P[n]W only: all-day events last whole days.</summary>
    static int? Duration(string value, int line, HolidayFile.DayList days)
    {
        var v = value.TrimStart('+').ToUpperInvariant();
        if (v.Length > 2 && v[0] == 'P' && int.TryParse(v[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            if (v[^1] == 'D') return n;
            if (v[^1] == 'W') return n * 7;
        }
        days.Error($"line {line}: DURATION '{value}' must be whole days (P3D) or weeks (P1W)");
        return null;
    }

    readonly record struct Line(int Number, string Text);

    /// <summary>Logical lines with the number of the physical line each starts on; blank lines are dropped.</summary>
    static List<Line> Unfold(string text)
    {
        var result = new List<Line>();
        var physical = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        StringBuilder? current = null;
        var start = 0;
        for (var i = 0; i < physical.Length; i++)
        {
            var p = physical[i];
            if (p.Length > 0 && (p[0] == ' ' || p[0] == '\t') && current is not null) { current.Append(p, 1, p.Length - 1); continue; }
            if (current is not null && current.Length > 0) result.Add(new Line(start, current.ToString()));
            current = new StringBuilder(p);
            start = i + 1;
        }
        if (current is not null && current.Length > 0) result.Add(new Line(start, current.ToString()));
        return result;
    }

    /// <summary>NAME *(;PARAM=VALUE) : VALUE, with quoted parameter values that may hold ':' or ';'.</summary>
    static bool TrySplit(string line, out string name, out Dictionary<string, string> parameters, out string value)
    {
        parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        name = value = "";
        var quoted = false;
        var colon = -1;
        for (var i = 0; i < line.Length && colon < 0; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            else if (line[i] == ':' && !quoted) colon = i;
        }
        if (colon <= 0) return false;
        var head = line[..colon];
        value = line[(colon + 1)..];
        var parts = SplitOutsideQuotes(head, ';');
        name = parts[0].Trim().ToUpperInvariant();
        if (name.Length == 0) return false;
        foreach (var p in parts.Skip(1))
        {
            var eq = p.IndexOf('=');
            if (eq <= 0) return false;
            parameters[p[..eq].Trim()] = p[(eq + 1)..].Trim('"');
        }
        return true;
    }

    static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var quoted = false;
        var from = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (text[i] == separator && !quoted) { parts.Add(text[from..i]); from = i + 1; }
        }
        parts.Add(text[from..]);
        return parts;
    }

    /// <summary>A TEXT list: commas separate values unless escaped (\,).</summary>
    static IEnumerable<string> SplitList(string value)
    {
        var from = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\') { i++; continue; }
            if (value[i] == ',') { yield return value[from..i]; from = i + 1; }
        }
        yield return value[from..];
    }

    /// <summary>RFC 5545 TEXT escapes: \\ \; \, \n \N.</summary>
    static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                sb.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else sb.Append(value[i]);
        }
        return sb.ToString();
    }
}
