using System.Globalization;

namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>A selector of whole local days (year, month, date, week, weekday, holiday).</summary>
internal interface IDateSelector
{
    /// <summary>True when <paramref name="date"/> is selected; <paramref name="name"/> is a holiday's name, if any.</summary>
    bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name);

    /// <summary>True when the selector depends on something besides the weekday.</summary>
    bool DependsOnDate => true;
}

/// <summary>Weekdays (index 0 = Sunday). A make-up working day is seen as a Monday.</summary>
internal sealed class WeekdaySelector(bool[] days) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        var weekday = holidays.IsMakeupWorkday(date) ? DayOfWeek.Monday : date.DayOfWeek;
        return days[(int)weekday];
    }

    public bool DependsOnDate => false;
}

/// <summary>The nth weekday of a month (<c>Mo[1]</c>, <c>Su[-1]</c>), moved by <c>+n days</c>; on the real calendar.</summary>
internal sealed class NthWeekdaySelector(int weekday, int nth, int addDays) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        for (var months = -1; months <= 1; months++)
        {
            var first = new DateOnly(date.Year, date.Month, 1).AddMonths(months);
            if (Nth(first.Year, first.Month, weekday, nth) is { } target && target.AddDays(addDays) == date) return true;
        }
        return false;
    }

    /// <summary>The nth (negative: from the end) weekday of a month, or null when the month has none.</summary>
    public static DateOnly? Nth(int year, int month, int weekday, int nth)
    {
        if (nth > 0)
        {
            var first = new DateOnly(year, month, 1);
            var day = first.AddDays((weekday - (int)first.DayOfWeek + 7) % 7 + (nth - 1) * 7);
            return day.Month == month ? day : null;
        }
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        var back = last.AddDays(-(((int)last.DayOfWeek - weekday + 7) % 7) + (nth + 1) * 7);
        return back.Month == month ? back : null;
    }
}

/// <summary><c>PH</c> or <c>SH</c>, a public holiday moved by a day (<c>PH +1 day</c>). No public holiday on a make-up working day.</summary>
internal sealed class HolidaySelector(bool school, int addDays) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        if (school)
        {
            name = holidays.SchoolHoliday(date);
            return name is not null;
        }
        var source = date.AddDays(-addDays);
        name = holidays.IsMakeupWorkday(source) ? null : holidays.PublicHoliday(source);
        if (name is null) return false;
        if (addDays > 0) name = "Day after " + name;
        else if (addDays < 0) name = "Day before " + name;
        return true;
    }
}

/// <summary><c>2026</c>, <c>2025-2027</c>, <c>2026+</c>, <c>2020/2</c>, <c>2020-2030/2</c>.</summary>
internal sealed class YearSelector(int from, int? to, int period, bool openEnded) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        var year = date.Year;
        if (year < from) return false;
        if (to is { } last && year > last) return false;
        if (period > 0) return (year - from) % period == 0;
        return openEnded || to is not null || year == from;
    }
}

/// <summary><c>Jan</c>, <c>Jan-Mar</c>, wrapping <c>Nov-Feb</c>.</summary>
internal sealed class MonthSelector(int from, int to) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        var month = date.Month - 1;
        return from <= to ? month >= from && month <= to : month >= from || month <= to;
    }
}

/// <summary>ISO weeks <c>week 01-26</c>, <c>week 1-53/2</c>.</summary>
internal sealed class WeekSelector(int from, int to, int period) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        var week = ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue));
        if (week < from || week > to) return false;
        return period == 0 || (week - from) % period == 0;
    }
}

/// <summary>One end of a date range: a fixed date, easter or the nth weekday of a month, with an optional year and day offset.</summary>
internal sealed record DatePoint(int? Year, int Month, int Day, bool Easter, int Weekday, int Nth, int AddDays)
{
    public bool IsFixed => !Easter && Nth == 0;

    public DateOnly? In(int year)
    {
        var y = Year ?? year;
        if (Easter) return EasterSunday(y).AddDays(AddDays);
        if (Nth != 0) return NthWeekdaySelector.Nth(y, Month + 1, Weekday, Nth)?.AddDays(AddDays);
        // A day past the end of the month rolls over, as a calendar date would (Feb 29 in a common year is Mar 1).
        return new DateOnly(y, Month + 1, 1).AddDays(Day - 1);
    }

    /// <summary>Easter Sunday (Gregorian, anonymous algorithm).</summary>
    public static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451, month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }
}

/// <summary>
/// A range between two date points (<c>Jan 05-Feb 10</c>, <c>Dec 24-Jan 02</c>, <c>easter-Apr 30</c>,
/// <c>2026 Dec 24-2027 Jan 02</c>); a range whose end comes before its start selects the days outside it.
/// </summary>
internal sealed class DateRangeSelector(DatePoint from, DatePoint to) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        if (from.In(date.Year) is not { } start || to.In(date.Year) is not { } endPoint) return false;
        // The end day is included, except for easter, which the reference takes as an exclusive end.
        var end = to.Easter ? endPoint : endPoint.AddDays(1);
        var inside = true;
        if (end < start) { (start, end) = (end, start); inside = false; }
        if (date < start) return !inside;
        if (date < end) return inside;
        return !inside;
    }
}

/// <summary>Days of one month: <c>Dec 25</c>, <c>Dec 24-26</c>, <c>2026 Dec 24</c>, <c>Jan 01-31/2</c>.</summary>
internal sealed class MonthDaysSelector(int? year, int month, int fromDay, int toDay, int period) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        if (date.Month - 1 != month || (year is { } y && date.Year != y)) return false;
        if (fromDay > DateTime.DaysInMonth(date.Year, month + 1)) return false;
        if (date.Day < fromDay || date.Day > toDay) return false;
        return period == 0 || (date.Day - fromDay) % period == 0;
    }
}

/// <summary>A single movable day: <c>easter</c>, <c>easter +1 day</c>, <c>2026 easter</c>.</summary>
internal sealed class EventSelector(int? year, int addDays) : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        var day = DatePoint.EasterSunday(year ?? date.Year).AddDays(addDays);
        // As the reference does: a given year fixes the month and day, which then match in that year and after.
        return date >= day && day.Month == date.Month && day.Day == date.Day;
    }
}

/// <summary>Every day (what the reference's test of an invalid date amounts to).</summary>
internal sealed class AnyDaySelector : IDateSelector
{
    public bool Matches(DateOnly date, IHolidayCalendar holidays, out string? name)
    {
        name = null;
        return true;
    }
}
