namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>
/// Everything an <c>opening_hours</c> value needs besides its text: the station's time zone, its
/// position (for sunrise, sunset, dawn and dusk) and the holiday calendar of its region (PH, SH and
/// make-up working days).
/// </summary>
public sealed record EvaluationContext(TimeZoneInfo Zone, double Latitude, double Longitude, IHolidayCalendar Holidays)
{
    /// <summary>Central Hangzhou with no holidays: for values evaluated without a station.</summary>
    public static EvaluationContext Default(TimeZoneInfo zone) => new(zone, 30.2741, 120.1551, HolidayCalendar.None);
}

/// <summary>The days of one region that are not ordinary: public holidays, school holidays, make-up working days.</summary>
public interface IHolidayCalendar
{
    /// <summary>Changes whenever the calendar changes, so cached evaluations can be keyed on it.</summary>
    long Version { get; }

    /// <summary>The public holiday's name on this local date, or null.</summary>
    string? PublicHoliday(DateOnly date);

    /// <summary>The school holiday's name on this local date, or null.</summary>
    string? SchoolHoliday(DateOnly date);

    /// <summary>True on a make-up working day (调休): a weekend day the State Council declares a working day.</summary>
    bool IsMakeupWorkday(DateOnly date);
}

/// <summary>A fixed calendar built from lists of dates.</summary>
public sealed class HolidayCalendar(
    IReadOnlyDictionary<DateOnly, string> publicHolidays,
    IReadOnlyDictionary<DateOnly, string> schoolHolidays,
    IReadOnlySet<DateOnly> makeupWorkdays,
    long version = 0) : IHolidayCalendar
{
    public static readonly HolidayCalendar None = new(new Dictionary<DateOnly, string>(), new Dictionary<DateOnly, string>(), new HashSet<DateOnly>());

    public long Version { get; } = version;
    public string? PublicHoliday(DateOnly date) => publicHolidays.GetValueOrDefault(date);
    public string? SchoolHoliday(DateOnly date) => schoolHolidays.GetValueOrDefault(date);
    public bool IsMakeupWorkday(DateOnly date) => makeupWorkdays.Contains(date);
}

/// <summary>The holiday calendar of each region (the national one is <c>CN</c>).</summary>
public interface IHolidayCalendars
{
    IHolidayCalendar For(string region);
}

/// <summary>No holidays anywhere: until a calendar is loaded.</summary>
public sealed class NoHolidayCalendars : IHolidayCalendars
{
    public IHolidayCalendar For(string region) => HolidayCalendar.None;
}
