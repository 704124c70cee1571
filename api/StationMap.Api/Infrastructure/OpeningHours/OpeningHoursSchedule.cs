namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>
/// A parsed OpenStreetMap <c>opening_hours</c> value (the whole grammar in time-range mode), evaluated
/// in a station's <see cref="EvaluationContext"/> as the reference evaluator opening_hours.js does:
/// <list type="bullet">
/// <item>Rules: <c>;</c> a normal rule replaces everything earlier rules said about the days it names,
/// including the part after midnight of an earlier overnight span; <c>off</c>/<c>closed</c> rules and
/// rules after <c>,</c> (additional) replace only the times they name; a rule after <c>||</c> (fallback)
/// applies at the times earlier rules leave closed.</item>
/// <item>Selectors: years (<c>2026</c>, <c>2025-2027</c>, <c>2026+</c>, <c>/n</c>), months, dates and
/// date ranges (<c>Dec 24-26</c>, <c>Jan 05-Feb 10</c>, <c>Dec Su[-1]</c>, <c>easter +1 day</c>), ISO weeks
/// (<c>week 01-26/2</c>), weekdays with nth of month (<c>Mo[1]</c>, <c>Sa[1] +2 days</c>), <c>PH</c>
/// (<c>PH +1 day</c>) and <c>SH</c>; times with sunrise, sunset, dawn and dusk and offsets, open ends
/// (<c>18:00+</c>: unknown until midnight, or 10 hours from 17:00, 8 hours from 22:00), spans to 48:00.</item>
/// <item>A comment without a modifier means unknown; on a public or school holiday a rule that names the
/// holiday carries the holiday's name as its comment unless it has its own.</item>
/// <item>Make-up working days (a deliberate difference from the reference, which knows none): on a date
/// where <see cref="IHolidayCalendar.IsMakeupWorkday"/> is true, weekday selectors (<c>Mo-Fr</c>) see a
/// Monday; dates, months, years, weeks and nth-of-month weekdays (<c>Sa[1]</c>) see the real date; PH
/// does not match.</item>
/// </list>
/// Local times come from <see cref="TimeZoneInfo"/>; a boundary in a daylight-saving gap moves forward
/// by the gap and an ambiguous one takes the earlier instant, as JavaScript dates do.
/// </summary>
public sealed class OpeningHoursSchedule
{
    const int Day = 1440;
    const string OpenEndComment = "Specified as open end. Closing time was guessed.";
    static readonly TimeSpan Horizon = TimeSpan.FromDays(366);

    readonly Rule[] _rules;
    readonly bool _weekStable;
    readonly bool _usesHolidays;

    OpeningHoursSchedule(string text, List<Rule> rules)
    {
        Text = text;
        _rules = [.. rules];
        var selectors = rules.SelectMany(r => r.Date).SelectMany(g => g).ToList();
        _usesHolidays = selectors.Any(s => s is HolidaySelector);
        _weekStable = selectors.All(s => s is WeekdaySelector or HolidaySelector)
                      && rules.SelectMany(r => r.Times).All(t => t.From.Event is null && t.To.Event is null);
        IsAlwaysOpen = rules.Count == 1 && rules[0].Date.Count == 0 && rules[0].Modifier == OpenStatus.Open && rules[0].Comment is null
                       && rules[0].Times.Count > 0 && rules[0].Times.Any(t => t.WholeDay);
    }

    public string Text { get; }

    /// <summary>True for <c>24/7</c> and equivalents: open at every instant, whatever the calendar.</summary>
    public bool IsAlwaysOpen { get; }

    public static bool TryParse(string? text, out OpeningHoursSchedule? schedule, out string? error)
    {
        schedule = null;
        if (string.IsNullOrWhiteSpace(text)) { error = "empty"; return false; }
        try
        {
            schedule = new OpeningHoursSchedule(text.Trim(), Parser.Parse(text));
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>The state at an instant for a station, and when its state next changes within 366 days (a change of comment alone does not count, as in the reference's getNextChange).</summary>
    public OpenState Evaluate(DateTimeOffset instant, EvaluationContext context) => Evaluate(instant, context, out _);

    /// <summary>
    /// As <see cref="Evaluate(DateTimeOffset, EvaluationContext)"/>; the same answer holds for every
    /// instant in [<paramref name="instant"/>, <paramref name="stableUntil"/>).
    /// </summary>
    public OpenState Evaluate(DateTimeOffset instant, EvaluationContext context, out DateTimeOffset stableUntil)
    {
        var zone = context.Zone;
        if (IsAlwaysOpen)
        {
            stableUntil = DateTimeOffset.MaxValue;
            return new OpenState(OpenStatus.Open, null, null);
        }
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var date = DateOnly.FromDateTime(local);
        var minute = local.Hour * 60 + local.Minute;
        var plans = new PlanCache(this, context);
        var today = plans.Get(date);
        var index = 0;
        while (today[index].End <= minute) index++;
        var current = today[index];

        // Walk the segments forward to the first that differs, day by day; a week-stable value with no
        // calendar cannot change after a week without change.
        var limit = _weekStable && !_usesHolidays && ReferenceEquals(context.Holidays, HolidayCalendar.None) ? 8 : 368;
        DateTimeOffset? change = null, firstDifferent = null;
        var segments = today;
        var d = date;
        for (var day = 0; day <= limit && change is null; day++)
        {
            if (day > 0) { d = date.AddDays(day); segments = plans.Get(d); index = -1; }
            for (var k = index + 1; k < segments.Length; k++)
            {
                if (segments[k].Status == current.Status && segments[k].Comment == current.Comment) continue;
                var at = ToInstant(d.ToDateTime(TimeOnly.MinValue).AddMinutes(segments[k].Start), zone);
                firstDifferent ??= at;
                // A comment-only boundary ends the cached answer but is no change of state: next_change is
                // the next change of open/closed/unknown, as the reference's getNextChange has it.
                if (segments[k].Hidden || segments[k].Status == current.Status) continue;
                change = at;
                break;
            }
        }

        if (change is { } c && c > instant)
        {
            if (c - instant <= Horizon)
            {
                stableUntil = firstDifferent is { } f && f < c ? f : c;
                return new OpenState(current.Status, c, current.Comment);
            }
            stableUntil = c - Horizon;
            if (firstDifferent is { } f2 && f2 < stableUntil) stableUntil = f2;
        }
        else
        {
            stableUntil = limit == 8 ? DateTimeOffset.MaxValue : instant.AddDays(1);
            if (firstDifferent is { } f3 && f3 > instant && f3 < stableUntil) stableUntil = f3;
        }
        return new OpenState(current.Status, null, current.Comment);
    }

    /// <summary>The days from <paramref name="from"/> as the station's context sees them.</summary>
    public IReadOnlyList<DayHours> Days(DateOnly from, int count, EvaluationContext context)
    {
        var plans = new PlanCache(this, context);
        var result = new List<DayHours>(count);
        for (var i = 0; i < count; i++)
        {
            var date = from.AddDays(i);
            var segments = plans.Get(date);
            var next = plans.Get(date.AddDays(1));
            var previous = plans.Get(date.AddDays(-1));
            var ranges = new List<TimeRange>();
            for (var k = 0; k < segments.Length; k++)
            {
                var s = segments[k];
                if (s.Status == OpenStatus.Closed) continue;
                // The part after midnight of a span from the day before is shown on that day.
                if (k == 0 && s.End < Day && Continues(previous[^1], s)) continue;
                var to = TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(s.End % Day));
                var endsNextDay = s.End == Day;
                if (s.End == Day && next[0].End < Day && Continues(s, next[0]))
                    to = TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(next[0].End));
                ranges.Add(new TimeRange(TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(s.Start)), to, endsNextDay, s.Status, s.Comment));
            }
            var status = ranges.Any(r => r.Status == OpenStatus.Open) ? OpenStatus.Open
                : ranges.Count > 0 ? OpenStatus.Unknown : OpenStatus.Closed;
            var comment = ranges.Select(r => r.Comment).FirstOrDefault(c => c is not null)
                          ?? segments.Select(s => s.Comment).FirstOrDefault(c => c is not null);
            result.Add(new DayHours(date, ranges, status, comment, HolidayOf(date, context.Holidays)));
        }
        return result;

        static bool Continues(Segment before, Segment after) =>
            before.End == Day && after.Start == 0 && before.Status == after.Status && before.Comment == after.Comment;
    }

    static Holiday? HolidayOf(DateOnly date, IHolidayCalendar calendar)
    {
        if (calendar.IsMakeupWorkday(date)) return new Holiday("调休上班", HolidayKind.MakeupWorkday);
        if (calendar.PublicHoliday(date) is { } ph) return new Holiday(ph, HolidayKind.Public);
        if (calendar.SchoolHoliday(date) is { } sh) return new Holiday(sh, HolidayKind.School);
        return null;
    }

    /// <summary>A local wall-clock time as an instant: forward by the gap in a daylight-saving gap, the earlier instant when ambiguous.</summary>
    internal static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var before = zone.GetUtcOffset(local.AddHours(-3));
            var after = zone.GetUtcOffset(local.AddHours(3));
            var shifted = local + (after - before);
            return new DateTimeOffset(shifted, zone.GetUtcOffset(shifted));
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offset = zone.GetAmbiguousTimeOffsets(local).Max();
            return new DateTimeOffset(local, offset);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    // --- one local day -----------------------------------------------------------------------

    /// <summary>
    /// A stretch of a local day, in minutes from its midnight, [Start, End). <see cref="Hidden"/>: the
    /// reference never stops at its start when it looks for the next change (the minute after an open
    /// end that its "07:00+,12:00-16:00" rule closes), so neither does the next change here.
    /// </summary>
    internal readonly record struct Segment(int Start, int End, OpenStatus Status, string? Comment, bool Hidden = false);

    readonly record struct Interval(int Rule, int Selector, int Start, int End, bool OpenEnd);

    /// <summary>The segments of one local day, covering [0, 1440), adjacent ones differing.</summary>
    internal Segment[] Plan(DateOnly date, EvaluationContext context)
    {
        var calendar = context.Holidays;
        Span<int> matchedBuffer = stackalloc int[_rules.Length];
        var matchedCount = 0;
        (string Text, int Rule)? holidayName = null;
        for (var i = 0; i < _rules.Length; i++)
        {
            var rule = _rules[i];
            var day = rule.Wrapped ? date.AddDays(-1) : date;
            var matches = true;
            foreach (var group in rule.Date)
            {
                var any = false;
                foreach (var selector in group)
                {
                    if (!selector.Matches(day, calendar, out var name)) continue;
                    any = true;
                    if (name is not null && !rule.Wrapped) holidayName = (name, i);
                }
                if (!any) { matches = false; break; }
            }
            if (!matches) continue;
            var replaces = (rule.Date.Count > 0 || (i > 0 && rule.Modifier == OpenStatus.Open && _rules[i - 1].Date.Count == 0))
                           && rule.Modifier != OpenStatus.Closed && !rule.Wrapped && !rule.Additional && !rule.Fallback;
            if (replaces) matchedCount = 0;
            matchedBuffer[matchedCount++] = i;
        }
        var matched = matchedBuffer[..matchedCount];

        var intervals = new List<Interval>();
        SolarDay? solar = null;
        foreach (var i in matched)
        {
            var times = _rules[i].Times;
            for (var k = 0; k < times.Count; k++)
                if (Resolve(times[k], _rules[i].Wrapped, date, context, ref solar) is { } span && span.End > span.Start)
                    intervals.Add(new Interval(i, k, span.Start, span.End, times[k].OpenEnd));
        }

        var cuts = new SortedSet<int> { 0, Day };
        foreach (var iv in intervals)
        {
            cuts.Add(Math.Clamp(iv.Start, 0, Day));
            cuts.Add(Math.Clamp(iv.End, 0, Day));
        }
        HashSet<int>? hidden = null;
        foreach (var iv in intervals)
            if (iv.OpenEnd && iv.Start >= 0 && iv.Start + 1 < Day && cuts.Add(iv.Start + 1)) (hidden ??= []).Add(iv.Start + 1);
        var segments = new List<Segment>(cuts.Count);
        var previousCut = -1;
        foreach (var cut in cuts)
        {
            if (previousCut >= 0)
            {
                var (status, comment) = StateAt(previousCut, matched, intervals, holidayName);
                if (segments.Count > 0 && segments[^1].Status == status && segments[^1].Comment == comment)
                    segments[^1] = segments[^1] with { End = cut };
                else segments.Add(new Segment(previousCut, cut, status, comment, hidden?.Contains(previousCut) == true));
            }
            previousCut = cut;
        }
        return [.. segments];
    }

    (OpenStatus, string?) StateAt(int minute, ReadOnlySpan<int> matched, List<Interval> intervals, (string Text, int Rule)? holidayName)
    {
        bool open = false, unknown = false;
        var matchRule = -1;
        (string Text, int Rule, bool OpenEnd)? comment = holidayName is { } h ? (h.Text, h.Rule, false) : null;
        foreach (var i in matched)
        {
            var rule = _rules[i];
            if (rule.Times.Count == 0 && (!rule.Fallback || !(open || unknown)))
            {
                (open, unknown, matchRule) = (rule.Modifier == OpenStatus.Open, rule.Modifier == OpenStatus.Unknown, i);
            }
            foreach (var iv in intervals)
            {
                if (iv.Rule != i || minute < iv.Start || minute >= iv.End) continue;
                if (rule.Fallback && (open || unknown)) continue;
                (open, unknown, matchRule) = (rule.Modifier == OpenStatus.Open, rule.Modifier == OpenStatus.Unknown, i);
                if (comment is { OpenEnd: true }) comment = null;
                if (iv.OpenEnd && (open || unknown))
                {
                    comment = (OpenEndComment, i, true);
                    (open, unknown) = (false, true);
                    // As the reference does for "07:00+,12:00-16:00": an open end followed by a span of the
                    // same rule that does not cover this minute is closed after its first minute.
                    if (!rule.Wrapped && iv.Selector + 1 < rule.Times.Count && minute > iv.Start
                        && !Covers(intervals, i, iv.Selector + 1, minute))
                        (open, unknown) = (false, false);
                }
            }
        }
        string? text = null;
        if (matchRule >= 0 && _rules[matchRule].Comment is { } own) text = own;
        else if (comment is { } c && c.Rule == matchRule) text = c.Text;
        return (unknown ? OpenStatus.Unknown : open ? OpenStatus.Open : OpenStatus.Closed, text);
    }

    static bool Covers(List<Interval> intervals, int rule, int selector, int minute)
    {
        foreach (var iv in intervals)
            if (iv.Rule == rule && iv.Selector == selector && minute >= iv.Start && minute < iv.End) return true;
        return false;
    }

    /// <summary>The minutes of <paramref name="date"/> a time selector covers (the part after midnight for a wrapped rule).</summary>
    static (int Start, int End)? Resolve(TimeSelector t, bool wrapped, DateOnly date, EvaluationContext context, ref SolarDay? solar)
    {
        if (t.WholeDay) return (0, Day);
        int? from = Minutes(t.From, date, context, ref solar);
        int? to = t.To.Event is null ? t.NominalTo : Minutes(t.To, date, context, ref solar);
        if (from is null || to is null) return null; // the variable time does not happen that day
        if (wrapped)
        {
            var end = t.To.Event is null ? t.NominalTo - Day : to.Value;
            if ((t.From.Event is not null || t.To.Event is not null) && end > from) return null;
            return (0, end);
        }
        if (t.SpansMidnight)
        {
            var end = to.Value;
            if (t.To.Event is not null && end <= from) end += Day;
            return (from.Value, Math.Min(end, Day));
        }
        return (from.Value, to.Value);
    }

    static int? Minutes(TimeValue value, DateOnly date, EvaluationContext context, ref SolarDay? solar)
    {
        if (value.Event is not { } ev) return value.Minutes;
        solar ??= SolarTimes.For(date, context.Latitude, context.Longitude, context.Zone);
        var at = ev switch
        {
            SolarEvent.Dawn => solar.Dawn,
            SolarEvent.Sunrise => solar.Sunrise,
            SolarEvent.Sunset => solar.Sunset,
            _ => solar.Dusk,
        };
        return at is { } local ? local.Hour * 60 + local.Minute + value.Minutes : null;
    }

    /// <summary>Day plans of one evaluation; for a week-stable value, days that look alike share a plan.</summary>
    sealed class PlanCache(OpeningHoursSchedule schedule, EvaluationContext context)
    {
        readonly Dictionary<long, Segment[]> _byKey = [];

        public Segment[] Get(DateOnly date)
        {
            if (!schedule._weekStable) return schedule.Plan(date, context);
            var key = Key(date);
            if (!_byKey.TryGetValue(key, out var plan)) _byKey[key] = plan = schedule.Plan(date, context);
            return plan;
        }

        /// <summary>What a week-stable value can see of a date: the weekdays and holidays around it.</summary>
        long Key(DateOnly date)
        {
            var calendar = context.Holidays;
            long key = (int)date.DayOfWeek;
            if (ReferenceEquals(calendar, HolidayCalendar.None)) return key;
            for (var shift = -2; shift <= 1; shift++)
            {
                var d = date.AddDays(shift);
                var bits = (calendar.IsMakeupWorkday(d) ? 1 : 0) | (calendar.PublicHoliday(d) is not null ? 2 : 0) | (calendar.SchoolHoliday(d) is not null ? 4 : 0);
                if (bits != 0) return date.DayNumber + (1L << 40); // holiday names matter: this day is its own
                key = key * 8 + bits;
            }
            return key;
        }
    }
}
