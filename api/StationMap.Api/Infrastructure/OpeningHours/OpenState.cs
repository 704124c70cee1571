namespace StationMap.Api.Infrastructure.OpeningHours;

public enum OpenStatus { Open, Closed, Unknown }

/// <summary>
/// The state at an instant, its comment, and when the state (open, closed, unknown) next changes, in the
/// station's local offset; null = not within 366 days. A change of comment alone is no change.
/// </summary>
public sealed record OpenState(OpenStatus Status, DateTimeOffset? NextChange, string? Comment);

/// <summary>
/// An open (or unknown) span of a local day, in local clock times. A span that runs past midnight
/// belongs to the day it starts (<see cref="EndsNextDay"/>, <see cref="To"/> is the time on the next
/// day); a span that ends at midnight has <see cref="To"/> = 00:00 and <see cref="EndsNextDay"/> = true,
/// written "24:00".
/// </summary>
public sealed record TimeRange(TimeOnly From, TimeOnly To, bool EndsNextDay, OpenStatus Status = OpenStatus.Open, string? Comment = null)
{
    public string FromText => From.ToString("HH:mm");
    public string ToText => EndsNextDay && To == TimeOnly.MinValue ? "24:00" : To.ToString("HH:mm");
}

public enum HolidayKind { Public, School, MakeupWorkday }

/// <summary>A day the holiday calendar names: a public or school holiday, or a make-up working day.</summary>
public sealed record Holiday(string Name, HolidayKind Kind);

/// <summary>What the rules say about one local calendar day, and the holiday it is, if any.</summary>
public sealed record DayHours(DateOnly Date, IReadOnlyList<TimeRange> Ranges, OpenStatus Status, string? Comment, Holiday? Holiday = null);
