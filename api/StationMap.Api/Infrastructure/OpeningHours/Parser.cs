using System.Globalization;
using System.Text.RegularExpressions;

namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>
/// Recursive-descent parser for the supported subset of the opening_hours grammar
/// (https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification). Errors are
/// <see cref="FormatException"/>s that say what was expected and where (1-based character position).
/// </summary>
internal sealed partial class Parser(string text)
{
    static readonly string[] WeekdayNames = ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"];
    static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    static readonly int[] DaysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    [GeneratedRegex("""\G\s*(?:(?<word>24/7|[A-Za-z]+)|(?<sep>\|\||[;,\-+:])|(?<time>\d{1,2}:\d{2})|(?<num>\d+)|(?<comment>"[^"]*")|(?<bad>\S))""")]
    private static partial Regex TokenPattern();

    readonly List<(string Kind, string Value, int Position)> _tokens = Tokenize(text);
    int _i;

    static List<(string, string, int)> Tokenize(string text)
    {
        var tokens = new List<(string, string, int)>();
        var pos = 0;
        while (pos < text.Length)
        {
            if (string.IsNullOrWhiteSpace(text[pos..])) break;
            var m = TokenPattern().Match(text, pos);
            if (!m.Success) throw new FormatException($"unreadable text at position {pos + 1}");
            var group = m.Groups.Cast<Group>().Skip(1).First(g => g.Success);
            if (group.Name == "bad") throw new FormatException($"unexpected '{group.Value}' at position {group.Index + 1}");
            tokens.Add((group.Name, group.Value, group.Index + 1));
            pos = m.Index + m.Length;
        }
        return tokens;
    }

    (string Kind, string Value, int Position)? Peek(int ahead = 0) => _i + ahead < _tokens.Count ? _tokens[_i + ahead] : null;
    bool Is(string value, int ahead = 0) => Peek(ahead)?.Value == value;
    (string Kind, string Value, int Position) Next() => _tokens[_i++];

    FormatException Error(string expected)
    {
        var t = Peek();
        return new FormatException(t is null ? $"expected {expected} at the end" : $"expected {expected} at position {t.Value.Position}, found '{t.Value.Value}'");
    }

    public List<OpeningHoursSchedule.Rule> ParseAll()
    {
        var rules = new List<OpeningHoursSchedule.Rule>();
        var separator = OpeningHoursSchedule.Separator.Normal;
        while (true)
        {
            var rule = ParseRule();
            rule.Separator = separator;
            rules.Add(rule);
            if (Peek() is null) return rules;
            separator = Next().Value switch
            {
                ";" => OpeningHoursSchedule.Separator.Normal,
                "," => OpeningHoursSchedule.Separator.Additional,
                "||" => OpeningHoursSchedule.Separator.Fallback,
                var v => throw new FormatException($"expected ';', ',' or '||' between rules at position {_tokens[_i - 1].Position}, found '{v}'"),
            };
            if (Peek() is null) throw new FormatException("a rule separator must be followed by a rule");
        }
    }

    OpeningHoursSchedule.Rule ParseRule()
    {
        var rule = new OpeningHoursSchedule.Rule();
        var any = false;
        if (Is("24/7")) { Next(); rule.IsTwentyFourSeven = true; any = true; }
        else
        {
            if (IsMonth()) { ParseMonths(rule); any = true; }
            if (IsWeekday()) { ParseWeekdays(rule); any = true; }
            if (Peek()?.Kind == "time") { ParseTimes(rule); any = true; }
        }
        if (Peek()?.Kind == "word")
        {
            rule.Modifier = Peek()!.Value.Value.ToLowerInvariant() switch
            {
                "open" => OpenStatus.Open,
                "off" or "closed" => OpenStatus.Closed,
                "unknown" => OpenStatus.Unknown,
                var w when w is "sunrise" or "sunset" or "dawn" or "dusk" =>
                    throw new FormatException($"variable times ({w}) are not supported; use clock times like 06:00-18:00"),
                _ => throw Error(any ? "a modifier (open, off, closed, unknown) or a separator" : "a weekday (Mo-Su), month, time (08:00-18:00) or 24/7"),
            };
            Next();
            any = true;
        }
        if (Peek()?.Kind == "comment") { rule.Comment = Next().Value.Trim('"'); any = true; }
        if (!any) throw Error("a weekday (Mo-Su), month, time (08:00-18:00) or 24/7");
        return rule;
    }

    bool IsWeekday(int ahead = 0) => Peek(ahead) is { Kind: "word" } t && (Array.IndexOf(WeekdayNames, t.Value) >= 0 || t.Value is "PH" or "SH");
    bool IsMonth(int ahead = 0) => Peek(ahead) is { Kind: "word" } t && Array.IndexOf(MonthNames, t.Value) >= 0;

    void ParseWeekdays(OpeningHoursSchedule.Rule rule)
    {
        var days = new bool[7];
        var anyDay = false;
        var holiday = false;
        while (true)
        {
            var t = Next();
            if (t.Value is "PH" or "SH") holiday = true;
            else
            {
                var from = Array.IndexOf(WeekdayNames, t.Value);
                var to = from;
                if (Is("-"))
                {
                    Next();
                    if (!IsWeekday() || Peek()!.Value.Value is "PH" or "SH") throw Error("a weekday after '-'");
                    to = Array.IndexOf(WeekdayNames, Next().Value);
                }
                for (var d = from; ; d = (d + 1) % 7) { days[d] = true; if (d == to) break; }
                anyDay = true;
            }
            if (Is(",") && IsWeekday(1)) { Next(); continue; }
            break;
        }
        rule.Weekdays = anyDay ? days : null;
        // "PH" alone names only public holidays: with no holiday calendar it applies on no ordinary day.
        rule.HolidayOnly = holiday && !anyDay;
    }

    void ParseMonths(OpeningHoursSchedule.Rule rule)
    {
        while (true)
        {
            var fromMonth = Array.IndexOf(MonthNames, Next().Value) + 1;
            var hasDay = Peek()?.Kind == "num";
            var fromDay = hasDay ? Day(fromMonth) : 1;
            int toMonth = fromMonth, toDay = hasDay ? fromDay : DaysInMonth[fromMonth - 1];
            if (Is("-"))
            {
                Next();
                if (IsMonth()) { toMonth = Array.IndexOf(MonthNames, Next().Value) + 1; toDay = Peek()?.Kind == "num" ? Day(toMonth) : DaysInMonth[toMonth - 1]; }
                else if (Peek()?.Kind == "num") toDay = Day(toMonth);
                else throw Error("a month or day after '-'");
            }
            rule.Months.Add((fromMonth, fromDay, toMonth, toDay));
            if (Is(",") && IsMonth(1)) { Next(); continue; }
            break;
        }
    }

    int Day(int month)
    {
        var t = Next();
        var day = int.Parse(t.Value, CultureInfo.InvariantCulture);
        if (day < 1 || day > DaysInMonth[month - 1]) throw new FormatException($"day {day} does not exist in {MonthNames[month - 1]} (position {t.Position})");
        return day;
    }

    void ParseTimes(OpeningHoursSchedule.Rule rule)
    {
        while (true)
        {
            var start = Minutes(Next(), allowPast24: false);
            if (Is("+")) { Next(); rule.OpenEnds.Add(start); }
            else
            {
                if (!Is("-")) throw Error("'-' and an end time");
                Next();
                if (Peek()?.Kind != "time") throw Error("an end time (HH:MM)");
                var end = Minutes(Next(), allowPast24: true);
                if (end <= start) end += 1440; // overnight: belongs to the day it starts
                if (end - start > 1440) throw new FormatException("a time span cannot be longer than 24 hours");
                rule.Times.Add((start, end));
                if (Is("+")) { Next(); rule.OpenEnds.Add(end); }
            }
            if (Is(",") && Peek(1)?.Kind == "time") { Next(); continue; }
            break;
        }
    }

    static int Minutes((string Kind, string Value, int Position) t, bool allowPast24)
    {
        var parts = t.Value.Split(':');
        int h = int.Parse(parts[0], CultureInfo.InvariantCulture), m = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var maxHour = allowPast24 ? 48 : 23;
        if (h > maxHour || m > 59 || (h == 48 && m > 0) || parts[1].Length != 2)
            throw new FormatException($"'{t.Value}' is not a valid time (position {t.Position})");
        return h * 60 + m;
    }
}
