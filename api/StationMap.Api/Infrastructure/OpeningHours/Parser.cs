namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>
/// Parser of the OpenStreetMap <c>opening_hours</c> grammar
/// (https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification) in its time-range mode:
/// selectors may come in any order within a rule, as the reference evaluator allows. Errors are
/// <see cref="FormatException"/>s that say what was wrong and where (1-based character position).
/// </summary>
internal sealed class Parser
{
    const int Day = 1440;
    static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    static readonly int[] DaysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    readonly List<Token> _t;
    readonly int _end;
    int _i;

    Parser(List<Token> tokens, int end)
    {
        _t = tokens;
        _end = end;
    }

    public static List<Rule> Parse(string text)
    {
        var rules = new List<Rule>();
        var groups = Tokenizer.Split(text);
        if (groups.All(g => g.Tokens.Count == 0)) throw new FormatException("expected a rule at position 1");
        foreach (var group in groups)
        {
            if (group.Tokens.Count == 0) continue; // an empty rule ("08:00-12:00;") says nothing
            var parser = new Parser(group.Tokens, text.Length + 1);
            var additional = false;
            while (parser._i < group.Tokens.Count)
            {
                var rule = new Rule { Additional = additional, Fallback = group.Fallback };
                var wrap = new List<TimeSelector>();
                parser.ParseGroup(rule, wrap);
                rules.Add(rule);
                if (wrap.Count > 0)
                {
                    var wrapped = new Rule { Wrapped = true, Modifier = rule.Modifier, Comment = rule.Comment };
                    wrapped.Date.AddRange(rule.Date);
                    wrapped.Times.AddRange(wrap);
                    rules.Add(wrapped);
                }
                additional = true;
            }
        }
        return rules;
    }

    Token? Peek(int ahead = 0) => _i + ahead < _t.Count ? _t[_i + ahead] : null;
    bool At(int ahead, TokenKind kind) => Peek(ahead)?.Kind == kind;
    bool AtSymbol(int ahead, char symbol) => Peek(ahead) is { } t && t.Is(symbol);
    Token Next() => _t[_i++];

    FormatException Error(string message, int ahead = 0)
    {
        var t = Peek(ahead);
        return new FormatException(t is { } token ? $"{message} at position {token.Position}, found '{token.Shown}'" : $"{message} at position {_end} (the end)");
    }

    static FormatException ErrorAt(string message, Token token) => new($"{message} at position {token.Position}");

    bool AtTime(int ahead = 0) =>
        (At(ahead, TokenKind.Number) && At(ahead + 1, TokenKind.TimeSep))
        || At(ahead, TokenKind.TimeVar)
        || (AtSymbol(ahead, '(') && At(ahead + 1, TokenKind.TimeVar))
        || (At(ahead, TokenKind.Number) && AtSymbol(ahead + 1, '-') && At(ahead + 2, TokenKind.Number));

    /// <summary>One rule up to its end or to a ',' that starts an additional rule.</summary>
    void ParseGroup(Rule rule, List<TimeSelector> wrap)
    {
        var weekdays = new List<IDateSelector>();
        var holidays = new List<IDateSelector>();
        var months = new List<IDateSelector>();
        var monthDays = new List<IDateSelector>();
        var years = new List<IDateSelector>();
        var weeks = new List<IDateSelector>();
        var modifierGiven = false;
        var lastWasTime = false;
        var start = _i;
        while (_i < _t.Count)
        {
            var t = _t[_i];
            var wasTime = false;
            if (t.Kind == TokenKind.Weekday) ParseWeekdays(weekdays);
            else if (t.Kind == TokenKind.Always) { Next(); rule.Times.Add(new TimeSelector(default, new TimeValue(null, Day), Day, false, true, false)); }
            else if (t.Kind == TokenKind.Holiday) ParseHolidays(AtSymbol(1, ',') ? weekdays : holidays, weekdays);
            else if ((t.Kind == TokenKind.Month && (At(1, TokenKind.Number) || At(1, TokenKind.Weekday)))
                     || (t.Kind == TokenKind.Year && ((At(1, TokenKind.Month) && At(2, TokenKind.Number)) || At(1, TokenKind.Event)))
                     || t.Kind == TokenKind.Event)
                ParseMonthDays(monthDays, months);
            else if (t.Kind == TokenKind.Year) ParseYears(years);
            else if (t.Kind == TokenKind.Month) ParseMonths(months);
            else if (t.Kind == TokenKind.Week) ParseWeeks(weeks);
            else if (t.Kind == TokenKind.TimeSep && _i != start && _i != _t.Count - 1 && !lastWasTime) Next(); // "Jan-Mar: Mo-Fr …"
            else if (AtTime())
            {
                if (ParseTimes(rule, wrap)) { Commit(); return; }
                wasTime = true;
            }
            else if (t.Kind == TokenKind.State)
            {
                Next();
                rule.Modifier = t.Text switch { "open" => OpenStatus.Open, "unknown" => OpenStatus.Unknown, _ => OpenStatus.Closed };
                modifierGiven = true;
                if (AtSymbol(0, ',')) { Next(); Commit(); return; }
            }
            else if (t.Kind == TokenKind.Comment)
            {
                Next();
                rule.Comment = t.Text;
                if (!modifierGiven) rule.Modifier = OpenStatus.Unknown; // a comment alone means "unknown"
                modifierGiven = true;
                if (AtSymbol(0, ',')) { Next(); Commit(); return; }
            }
            else throw Error("unexpected token");
            lastWasTime = wasTime;
        }
        Commit();

        void Commit()
        {
            // The order the reference checks them in (widest first); the order does not change the result.
            foreach (var g in new[] { years, holidays, months, monthDays, weeks, weekdays })
                if (g.Count > 0) rule.Date.Add(g);
        }
    }

    // --- weekdays and holidays ---------------------------------------------------------------

    void ParseWeekdays(List<IDateSelector> target)
    {
        while (true)
        {
            var t = Peek();
            if (t is { Kind: TokenKind.Weekday } day && AtSymbol(1, '['))
            {
                Next(); Next();
                var numbers = new List<int>();
                while (true)
                {
                    var negative = AtSymbol(0, '-');
                    if (negative) Next();
                    if (!At(0, TokenKind.Number)) throw Error("expected a number from -5 to 5 in '[…]'");
                    var from = Next().Value * (negative ? -1 : 1);
                    var to = from;
                    if (!negative && AtSymbol(0, '-') && At(1, TokenKind.Number)) { Next(); to = Next().Value; }
                    if (from == 0 || from < -5 || from > 5 || to > 5) throw ErrorAt("expected a number from -5 to 5", _t[_i - 1]);
                    if (to < from) throw ErrorAt($"the range {from}-{to} runs backwards", _t[_i - 1]);
                    for (var n = from; n <= to; n++) numbers.Add(n);
                    if (AtSymbol(0, ',')) { Next(); continue; }
                    break;
                }
                if (!AtSymbol(0, ']')) throw Error("expected ']' or more numbers");
                Next();
                var add = MoveDays(6);
                foreach (var n in numbers) target.Add(new NthWeekdaySelector(day.Value, n, add));
            }
            else if (t is { Kind: TokenKind.Weekday } single)
            {
                Next();
                var to = single.Value;
                if (AtSymbol(0, '-') && At(1, TokenKind.Weekday)) { Next(); to = Next().Value; }
                var days = new bool[7];
                for (var d = single.Value; ; d = (d + 1) % 7) { days[d] = true; if (d == to) break; }
                target.Add(new WeekdaySelector(days));
            }
            else if (t is { Kind: TokenKind.Holiday })
            {
                ParseHolidays(target, target);
                return;
            }
            else if (AtSymbol(-1, ',')) throw Error("a ',' here would start an additional rule, which makes no sense after a weekday list", -1);
            else throw Error("expected a weekday");
            if (!AtSymbol(0, ',')) return;
            Next();
        }
    }

    void ParseHolidays(List<IDateSelector> target, List<IDateSelector> weekdays)
    {
        while (true)
        {
            if (At(0, TokenKind.Holiday))
            {
                var school = Next().Text == "SH";
                target.Add(new HolidaySelector(school, school ? 0 : MoveDays(1)));
            }
            else if (At(0, TokenKind.Weekday)) { ParseWeekdays(weekdays); return; }
            else if (AtSymbol(-1, ',')) throw Error("a ',' here would start an additional rule, which makes no sense after a holiday", -1);
            else throw Error("expected PH, SH or a weekday");
            if (!AtSymbol(0, ',')) return;
            Next();
        }
    }

    /// <summary><c>+2 days</c> / <c>-1 day</c> after a selector, at most <paramref name="max"/>; 0 when absent.</summary>
    int MoveDays(int max)
    {
        if ((AtSymbol(0, '+') || AtSymbol(0, '-')) && At(1, TokenKind.Number) && At(2, TokenKind.CalcDay))
        {
            var sign = Next().Is('+') ? 1 : -1;
            var n = Next();
            Next();
            if (n.Value > max) throw ErrorAt($"a day offset can be at most {max} days", n);
            return sign * n.Value;
        }
        return 0;
    }

    // --- years, months, dates, weeks ---------------------------------------------------------

    void ParseYears(List<IDateSelector> target)
    {
        while (true)
        {
            if (!At(0, TokenKind.Year)) throw Error("expected a year");
            var from = Next();
            int? to = null;
            var period = 0;
            var plus = false;
            if (AtSymbol(0, '-') && At(1, TokenKind.Year))
            {
                Next();
                var last = Next();
                if (last.Value <= from.Value)
                    throw ErrorAt(last.Value == from.Value ? "a year range of one year: write the year alone" : "the year range runs backwards", from);
                to = last.Value;
            }
            if (AtSymbol(0, '/') && At(1, TokenKind.Number))
            {
                Next();
                var p = Next();
                if (p.Value == 0) throw ErrorAt("a period of zero years", p);
                period = p.Value;
            }
            else if (to is null && AtSymbol(0, '+')) { Next(); plus = true; }
            target.Add(new YearSelector(from.Value, to, period, plus));
            if (!AtSymbol(0, ',')) return;
            Next();
        }
    }

    void ParseMonths(List<IDateSelector> target)
    {
        while (true)
        {
            if (!At(0, TokenKind.Month)) throw Error("expected a month");
            var from = Next().Value;
            var to = from;
            if (AtSymbol(0, '-') && At(1, TokenKind.Month)) { Next(); to = Next().Value; }
            target.Add(new MonthSelector(from, to));
            if (!AtSymbol(0, ',')) return;
            Next();
            if (At(0, TokenKind.Month) && At(1, TokenKind.Number) && !At(2, TokenKind.TimeSep)) return; // "Jan,Feb 10" is a date list
        }
    }

    void ParseWeeks(List<IDateSelector> target)
    {
        Next(); // "week"
        while (true)
        {
            if (At(0, TokenKind.Week)) Next();
            if (!At(0, TokenKind.Number)) throw Error("expected a week number");
            var fromToken = Next();
            int from = fromToken.Value, to = from, period = 0;
            if (AtSymbol(0, '-') && At(1, TokenKind.Number))
            {
                Next();
                var toToken = Next();
                to = toToken.Value;
                if (from > to) throw ErrorAt("the week range runs backwards", toToken);
                if (AtSymbol(0, '/') && At(1, TokenKind.Number))
                {
                    Next();
                    var p = Next();
                    if (p.Value < 2 || p.Value > 26) throw ErrorAt("a week period must be 2 to 26", p);
                    period = p.Value;
                }
            }
            if (from < 1) throw ErrorAt("week numbers start at 1", fromToken);
            if (to > 53) throw ErrorAt("week numbers end at 53", fromToken);
            target.Add(new WeekSelector(from, to, period));
            if (!AtSymbol(0, ',')) return;
            Next();
        }
    }

    /// <summary>Month days, date ranges and movable days; a month followed by a time is a month selector.</summary>
    void ParseMonthDays(List<IDateSelector> target, List<IDateSelector> months)
    {
        while (true)
        {
            var hasYear = At(0, TokenKind.Year);
            var y = hasYear ? 1 : 0;
            if (!hasYear && At(0, TokenKind.Month) && At(1, TokenKind.Number) && At(2, TokenKind.TimeSep) && At(3, TokenKind.Number)
                && (AtSymbol(4, '-') || AtSymbol(4, '+')))
            {
                // "Dec 10:00-14:00": the month, then a time.
                ParseMonths(months);
                return;
            }
            var startAt = _i;
            var from = ParseDatePoint(out var simpleMonthDay);
            if (from is null)
            {
                if (At(0, TokenKind.Month)) { ParseMonths(months); return; }
                if (AtSymbol(-1, ',')) throw Error("a ',' here would start an additional rule, which makes no sense after a date", -1);
                return;
            }
            if (AtSymbol(0, '-') && (At(1, TokenKind.Year) ? At(2, TokenKind.Month) || At(2, TokenKind.Event) : At(1, TokenKind.Month) || At(1, TokenKind.Event))
                && (At(1, TokenKind.Year) == hasYear))
            {
                Next();
                var to = ParseDatePoint(out _) ?? throw Error("expected a date after '-'");
                CheckDate(from, startAt + y);
                target.Add(new DateRangeSelector(from, to));
            }
            else if (simpleMonthDay)
            {
                // Days of one month: "Dec 25", "Dec 24-26", "Dec 25,26", "Jan 01-31/2".
                _i = startAt + y + 1;
                while (true)
                {
                    var fromDay = Next();
                    var toDay = fromDay;
                    var period = 0;
                    if (AtSymbol(0, '-') && At(1, TokenKind.Number))
                    {
                        Next();
                        toDay = Next();
                        if (AtSymbol(0, '/') && At(1, TokenKind.Number))
                        {
                            Next();
                            var p = Next();
                            if (p.Value == 0) throw ErrorAt("a period of zero days", p);
                            period = p.Value;
                        }
                    }
                    if (toDay.Value < fromDay.Value) throw ErrorAt("the day range runs backwards", toDay);
                    CheckDay(from.Month, fromDay);
                    CheckDay(from.Month, toDay);
                    target.Add(new FebruaryAwareMonthDays(from.Year, from.Month, fromDay.Value, toDay.Value, period, toDay.Position != fromDay.Position).Selector);
                    if (AtSymbol(0, ',') && At(1, TokenKind.Number))
                    {
                        if (hasYear) { YearDayList(target, from); break; }
                        Next();
                        continue;
                    }
                    break;
                }
            }
            else if (from.Easter)
                target.Add(new EventSelector(from.Year, from.AddDays));
            else
            {
                // "Dec Su[-1]" alone: the month (the reference reads the weekday as a separate selector).
                _i = startAt;
                ParseMonths(months);
                return;
            }
            if (!AtSymbol(0, ',')) return;
            Next();
        }
    }

    /// <summary>
    /// The rest of a list of days after a year ("2027 Apr 05,06 Fr"), read as the reference reads it:
    /// each further entry takes its day from the token after the number, which it consumes too
    /// (a weekday or month stands for its index; anything else makes an entry that matches every day).
    /// </summary>
    void YearDayList(List<IDateSelector> target, DatePoint from)
    {
        while (AtSymbol(0, ',') && At(1, TokenKind.Number))
        {
            var stand = Peek(2);
            if (stand is null) throw Error("expected a day", 2);
            if (AtSymbol(3, '-') && At(4, TokenKind.Number)) throw Error("a day range in a list after a year is not supported", 3);
            _i += 3;
            if (stand.Value.Kind is TokenKind.Number or TokenKind.Weekday or TokenKind.Month)
            {
                var day = stand.Value with { Value = stand.Value.Value };
                CheckDay(from.Month, day);
                target.Add(new MonthDaysSelector(from.Year, from.Month, day.Value, day.Value, 0));
            }
            else target.Add(new AnyDaySelector()); // the reference's date is then invalid, and its test never fails
        }
    }

    /// <summary>A month day, easter or a constrained weekday of a month, with an optional year; null when none is here.</summary>
    DatePoint? ParseDatePoint(out bool simpleMonthDay)
    {
        simpleMonthDay = false;
        int? year = At(0, TokenKind.Year) ? Next().Value : null;
        if (At(0, TokenKind.Event))
        {
            Next();
            return new DatePoint(year, 0, 0, true, 0, 0, MoveDays(200));
        }
        if (At(0, TokenKind.Month) && At(1, TokenKind.Weekday) && AtSymbol(2, '['))
        {
            var month = Next().Value;
            var weekday = Next().Value;
            Next();
            var negative = AtSymbol(0, '-');
            if (negative) Next();
            if (!At(0, TokenKind.Number)) throw Error("expected a number from -5 to 5");
            var n = Next();
            var nth = n.Value * (negative ? -1 : 1);
            if (nth == 0 || nth < -5 || nth > 5) throw ErrorAt("expected a number from -5 to 5", n);
            if (!AtSymbol(0, ']')) throw Error("expected ']'");
            Next();
            return new DatePoint(year, month, 0, false, weekday, nth, MoveDays(6));
        }
        if (At(0, TokenKind.Month) && At(1, TokenKind.Number))
        {
            var month = Next().Value;
            var day = Next();
            simpleMonthDay = true;
            return new DatePoint(year, month, day.Value, false, 0, 0, 0) { };
        }
        if (year is not null) _i--;
        return null;
    }

    void CheckDate(DatePoint point, int monthAt)
    {
        if (point.IsFixed) CheckDay(point.Month, _t[monthAt + 1]);
    }

    static void CheckDay(int month, Token day)
    {
        if (day.Value < 1 || day.Value > DaysInMonth[month])
            throw ErrorAt($"day {day.Value} does not exist in {MonthNames[month]}", day);
    }

    /// <summary>
    /// The reference builds month days as calendar dates, so a February range that ends on the last
    /// day of the month ("Feb 01-28") only exists in leap years; this keeps that behaviour.
    /// </summary>
    sealed class FebruaryAwareMonthDays(int? year, int month, int from, int to, int period, bool isRange)
    {
        public IDateSelector Selector => month == 1 && isRange ? new LeapOnlyFebruary(year, from, to, period) : new MonthDaysSelector(year, month, from, to, period);
    }

    sealed class LeapOnlyFebruary(int? year, int from, int to, int period) : IDateSelector
    {
        readonly MonthDaysSelector _inner = new(year, 1, from, to, period);

        public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
        {
            name = null;
            if (to + 1 > DateTime.DaysInMonth(date.Year, 2)) return false;
            return _inner.Matches(date, holidays, out name);
        }
    }

    // --- times -------------------------------------------------------------------------------

    /// <summary>A list of time spans; true when a ',' after it starts an additional rule (consumed).</summary>
    bool ParseTimes(Rule rule, List<TimeSelector> wrap)
    {
        while (true)
        {
            if (At(0, TokenKind.Number) && AtSymbol(1, '-') && At(2, TokenKind.Number) && !At(3, TokenKind.TimeSep))
            {
                // "09-18": whole hours without minutes.
                var fromHour = Next();
                Next();
                var toHour = Next();
                var f = fromHour.Value * 60;
                var e = toHour.Value * 60;
                if (f >= Day) throw ErrorAt("the time span starts outside the day", fromHour);
                if (e < f) e += Day;
                if (e > 2 * Day) throw ErrorAt("a time span cannot run past two midnights", toHour);
                Add(rule, wrap, new TimeValue(null, f), new TimeValue(null, e), e, false);
            }
            else
            {
                var fromToken = Peek()!.Value;
                var from = ParseTimeValue(allowPast24: false);
                if (AtSymbol(0, '+'))
                {
                    Next();
                    AddOpenEnd(rule, wrap, from, from.Nominal, false, fromToken);
                }
                else
                {
                    if (!AtSymbol(0, '-'))
                    {
                        if (AtSymbol(0, '/')) throw Error("repeating times (points in time) are not supported in opening hours");
                        throw Error("expected '-' and an end time (a single point in time is not an opening span)");
                    }
                    Next();
                    if (!AtTime() || (At(0, TokenKind.Number) && !At(1, TokenKind.TimeSep))) throw Error("expected an end time after '-'");
                    var toToken = Peek()!.Value;
                    var to = ParseTimeValue(allowPast24: true);
                    if (AtSymbol(0, '/')) throw Error("repeating times (points in time) are not supported in opening hours");
                    if (from.Event is null && from.Minutes >= Day) throw ErrorAt("the time span starts outside the day", fromToken);
                    var nominalTo = to.Nominal;
                    var nominalFrom = from.Nominal;
                    if (nominalTo < nominalFrom || (from.Event is null && to.Event is null && nominalFrom == nominalTo)) nominalTo += Day;
                    if (nominalTo > 2 * Day) throw ErrorAt("a time span cannot run past two midnights", toToken);
                    if (AtSymbol(0, '+'))
                    {
                        // "10:00-12:00+": an open end from the end time (listed first, as the reference does), and the span.
                        Next();
                        // An end before the start puts the open end on the next day; a variable end time is
                        // still resolved on the day itself, as the reference does.
                        var nominalStart = to.Nominal < from.Nominal ? to.Nominal + Day : to.Nominal;
                        var endAsStart = to.Event is null ? new TimeValue(null, nominalStart) : to;
                        AddOpenEnd(rule, wrap, endAsStart, nominalStart, true, toToken);
                    }
                    Add(rule, wrap, from, to, nominalTo, false);
                }
            }
            if (!AtSymbol(0, ',')) return false;
            Next();
            if (AtTime()) continue;
            if (AtSymbol(0, '(')) throw Error("expected a variable time (e.g. sunrise) after '('");
            if (At(0, TokenKind.Number)) throw Error("expected a time (HH:MM)");
            return true; // an additional rule begins here
        }
    }

    /// <summary>An open end: unknown until midnight, or for 10 hours from 17:00, 8 hours from 22:00.</summary>
    static void AddOpenEnd(Rule rule, List<TimeSelector> wrap, TimeValue from, int start, bool extended, Token at)
    {
        var end = start >= 22 * 60 ? start + 8 * 60 : start >= 17 * 60 ? start + 10 * 60 : Day;
        if (!extended && start >= Day) throw ErrorAt("the open end starts outside the day", at);
        if (end > 2 * Day) throw ErrorAt("a time span cannot run past two midnights", at);
        Add(rule, wrap, from, new TimeValue(null, end), end, true);
    }

    static void Add(Rule rule, List<TimeSelector> wrap, TimeValue from, TimeValue to, int nominalTo, bool openEnd)
    {
        if (from.Event is null && to.Event is null && from.Minutes == 0 && nominalTo == Day)
        {
            rule.Times.Add(new TimeSelector(from, to, Day, false, true, false));
            return;
        }
        // With a variable start the span may run past midnight once resolved (sunset-sunrise).
        var spansMidnight = nominalTo > Day || (from.Event is not null && !openEnd);
        var selector = new TimeSelector(from, to, nominalTo, openEnd, false, spansMidnight);
        rule.Times.Add(selector);
        if (nominalTo > Day) wrap.Add(selector);
    }

    TimeValue ParseTimeValue(bool allowPast24)
    {
        if (At(0, TokenKind.TimeVar)) return new TimeValue(EventOf(Next()), 0);
        if (AtSymbol(0, '('))
        {
            Next();
            var ev = EventOf(Next());
            if (!AtSymbol(0, '+') && !AtSymbol(0, '-')) throw Error("expected '+' or '-' in a variable time calculation");
            var sign = Next().Is('+') ? 1 : -1;
            if (!(At(0, TokenKind.Number) && At(1, TokenKind.TimeSep) && At(2, TokenKind.Number)))
                throw Error("expected a time offset (HH:MM) in a variable time calculation");
            var offset = ClockMinutes(allowPast24: true);
            if (!AtSymbol(0, ')')) throw Error("expected ')'");
            Next();
            return new TimeValue(ev, sign * offset);
        }
        return new TimeValue(null, ClockMinutes(allowPast24));
    }

    static SolarEvent EventOf(Token t) => t.Text switch
    {
        "dawn" => SolarEvent.Dawn,
        "sunrise" => SolarEvent.Sunrise,
        "sunset" => SolarEvent.Sunset,
        _ => SolarEvent.Dusk,
    };

    int ClockMinutes(bool allowPast24)
    {
        var hour = Next();
        Next(); // ':'
        if (!At(0, TokenKind.Number)) throw Error("expected the minutes of a time");
        var minute = Next();
        if (minute.Value > 59) throw ErrorAt("minutes are greater than 59", minute);
        return hour.Value * 60 + minute.Value;
    }
}
