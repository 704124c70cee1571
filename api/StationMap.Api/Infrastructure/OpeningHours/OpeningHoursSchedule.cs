namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>
/// A parsed OpenStreetMap <c>opening_hours</c> value, evaluated in the station's time zone.
/// Supported: <c>24/7</c>; rules separated by <c>;</c> (a later rule replaces earlier ones on the days
/// it names), <c>,</c> (an additional rule that does not replace) and <c>||</c> (fallback for days no
/// earlier rule names); month selectors (<c>Jan-Mar</c>, <c>Dec 24-26</c>); weekdays (<c>Mo-Fr</c>,
/// <c>Sa,Su</c>, wrapping <c>Fr-Mo</c>); <c>PH</c>/<c>SH</c>; time spans incl. overnight
/// (<c>22:00-06:00</c>, belongs to the day it starts), <c>24:00</c> and open end (<c>18:00+</c>);
/// modifiers <c>open</c>, <c>off</c>/<c>closed</c>, <c>unknown</c>; quoted comments.
/// Choices: there is no holiday calendar, so a rule that names only PH/SH applies on no ordinary day;
/// an open end ("18:00+") is "unknown" from its start until midnight.
/// </summary>
public sealed class OpeningHoursSchedule
{
    readonly IReadOnlyList<Rule> _rules;

    OpeningHoursSchedule(string text, IReadOnlyList<Rule> rules)
    {
        Text = text;
        _rules = rules;
        IsAlwaysOpen = rules.Count == 1 && rules[0].IsTwentyFourSeven && rules[0].Modifier == OpenStatus.Open;
    }

    public string Text { get; }
    public bool IsAlwaysOpen { get; }

    public static bool TryParse(string? text, out OpeningHoursSchedule? schedule, out string? error)
    {
        schedule = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "empty"; return false; }
        try
        {
            schedule = new OpeningHoursSchedule(text.Trim(), new Parser(text).ParseAll());
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Spans of one local day, in minutes from its midnight (end may exceed 1440 for overnight spans).</summary>
    internal List<Span> SpansOf(DateOnly date)
    {
        var spans = new List<Span>();
        var matchedAny = false;
        foreach (var rule in _rules)
        {
            var matches = rule.Matches(date);
            if (rule.Separator == Separator.Fallback)
            {
                if (!matchedAny && matches) { spans.AddRange(rule.Spans()); matchedAny = true; }
                continue;
            }
            if (!matches) continue;
            if (rule.Separator == Separator.Normal) spans.Clear();
            if (rule.Modifier == OpenStatus.Closed)
            {
                if (rule.Separator == Separator.Additional && rule.Times.Count > 0) spans = Subtract(spans, rule.Times);
                else spans.Clear();
            }
            else spans.AddRange(rule.Spans());
            matchedAny = true;
        }
        return spans;
    }

    public OpenState Evaluate(DateTimeOffset instant, TimeZoneInfo zone) =>
        Evaluate(TimeZoneInfo.ConvertTime(instant, zone).DateTime, zone, out _);

    /// <summary>The state at an instant for a station (its zone, position and holiday calendar).</summary>
    public OpenState Evaluate(DateTimeOffset instant, EvaluationContext context) => Evaluate(instant, context.Zone);

    /// <summary>
    /// The state at an instant for a station; the answer holds for every instant in
    /// [<paramref name="instant"/>, <paramref name="stableUntil"/>) (MaxValue: as far as the rules look).
    /// </summary>
    public OpenState Evaluate(DateTimeOffset instant, EvaluationContext context, out DateTimeOffset stableUntil)
    {
        var state = Evaluate(TimeZoneInfo.ConvertTime(instant, context.Zone).DateTime, context.Zone, out var until);
        stableUntil = until == DateTime.MaxValue ? DateTimeOffset.MaxValue : new DateTimeOffset(until, context.Zone.GetUtcOffset(until));
        return state;
    }

    /// <summary>The days from <paramref name="from"/> as the station's context sees them.</summary>
    public IReadOnlyList<DayHours> Days(DateOnly from, int count, EvaluationContext context) => Days(from, count);

    /// <summary>
    /// The state at a local wall-clock time of <paramref name="zone"/>. The answer depends on that local
    /// time alone and stays the same until <paramref name="stableUntil"/> (the first span boundary or
    /// midnight after it), so callers may reuse it for any local time in [local, stableUntil).
    /// </summary>
    public OpenState Evaluate(DateTime local, TimeZoneInfo zone, out DateTime stableUntil)
    {
        stableUntil = DateTime.MaxValue;
        if (IsAlwaysOpen) return new OpenState(OpenStatus.Open, null, null);
        var (status, comment) = StateAt(local);

        // Candidate change points: every span boundary from yesterday to 8 days ahead.
        var today = DateOnly.FromDateTime(local);
        var boundaries = new SortedSet<DateTime>();
        for (var d = -1; d <= 8; d++)
        {
            var date = today.AddDays(d);
            var midnight = date.ToDateTime(TimeOnly.MinValue);
            boundaries.Add(midnight);
            foreach (var s in SpansOf(date))
            {
                boundaries.Add(midnight.AddMinutes(s.Start));
                boundaries.Add(midnight.AddMinutes(s.End));
            }
        }
        foreach (var b in boundaries)
        {
            if (b <= local) continue;
            if (stableUntil == DateTime.MaxValue) stableUntil = b;
            var (next, _) = StateAt(b);
            if (next != status) return new OpenState(status, new DateTimeOffset(b, zone.GetUtcOffset(b)), comment);
        }
        return new OpenState(status, null, comment);
    }

    (OpenStatus Status, string? Comment) StateAt(DateTime local)
    {
        var date = DateOnly.FromDateTime(local);
        var minute = local.TimeOfDay.TotalMinutes;
        var hits = SpansOf(date).Where(s => s.Start <= minute && minute < s.End)
            .Concat(SpansOf(date.AddDays(-1)).Where(s => s.End > 1440 && s.Start <= minute + 1440 && minute + 1440 < s.End))
            .ToList();
        if (hits.Any(h => h.Status == OpenStatus.Open)) return (OpenStatus.Open, hits.First(h => h.Status == OpenStatus.Open).Comment);
        if (hits.Count > 0) return (OpenStatus.Unknown, hits[0].Comment);
        return (OpenStatus.Closed, null);
    }

    public IReadOnlyList<DayHours> Days(DateOnly from, int count) => Enumerable.Range(0, count).Select(i =>
    {
        var date = from.AddDays(i);
        var spans = SpansOf(date);
        var ranges = spans.Where(s => s.Status == OpenStatus.Open).OrderBy(s => s.Start)
            .Select(s => new TimeRange(TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(s.Start)),
                TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(s.End % 1440)), s.End >= 1440)).ToList();
        var status = ranges.Count > 0 ? OpenStatus.Open : spans.Count > 0 ? OpenStatus.Unknown : OpenStatus.Closed;
        return new DayHours(date, ranges, status, spans.Select(s => s.Comment).FirstOrDefault(c => c is not null));
    }).ToList();

    static List<Span> Subtract(List<Span> spans, IReadOnlyList<(int Start, int End)> cut)
    {
        var result = spans;
        foreach (var (cs, ce) in cut)
        {
            var next = new List<Span>();
            foreach (var s in result)
            {
                if (ce <= s.Start || cs >= s.End) { next.Add(s); continue; }
                if (s.Start < cs) next.Add(s with { End = cs });
                if (ce < s.End) next.Add(s with { Start = ce });
            }
            result = next;
        }
        return result;
    }

    internal enum Separator { Normal, Additional, Fallback }

    internal sealed record Span(int Start, int End, OpenStatus Status, string? Comment);

    internal sealed class Rule
    {
        public Separator Separator { get; set; }
        public bool IsTwentyFourSeven { get; set; }
        public List<(int FromMonth, int FromDay, int ToMonth, int ToDay)> Months { get; } = [];
        public bool[]? Weekdays { get; set; } // index = DayOfWeek; null = every day
        public bool HolidayOnly { get; set; }
        public List<(int Start, int End)> Times { get; } = [];
        /// <summary>Starts of open-ended spans ("18:00+"): state unknown from there to midnight.</summary>
        public List<int> OpenEnds { get; } = [];
        public OpenStatus Modifier { get; set; } = OpenStatus.Open;
        public string? Comment { get; set; }

        public bool Matches(DateOnly date)
        {
            if (HolidayOnly) return false;
            if (Weekdays is not null && !Weekdays[(int)date.DayOfWeek]) return false;
            if (Months.Count == 0) return true;
            var key = date.Month * 100 + date.Day;
            return Months.Any(m =>
            {
                int from = m.FromMonth * 100 + m.FromDay, to = m.ToMonth * 100 + m.ToDay;
                return from <= to ? key >= from && key <= to : key >= from || key <= to;
            });
        }

        public IEnumerable<Span> Spans()
        {
            if (Times.Count == 0 && OpenEnds.Count == 0) return [new Span(0, 1440, Modifier, Comment)];
            return Times.Select(t => new Span(t.Start, t.End, Modifier, Comment))
                .Concat(OpenEnds.Select(start => new Span(start, Math.Max(start, 1440), OpenStatus.Unknown, Comment ?? "open end")));
        }
    }
}
