namespace StationMap.Api.Infrastructure.OpeningHours;

public enum OpenStatus { Open, Closed, Unknown }

/// <summary>The state at an instant and when it next changes (in the station's local offset; null = not within 8 days).</summary>
public sealed record OpenState(OpenStatus Status, DateTimeOffset? NextChange, string? Comment);

/// <summary>
/// An opening span of a local day. A span that runs past midnight belongs to the day it starts
/// (<see cref="EndsNextDay"/>, <see cref="To"/> is the time on the next day); a span that ends at
/// midnight has <see cref="To"/> = 00:00 and <see cref="EndsNextDay"/> = true, written "24:00".
/// </summary>
public sealed record TimeRange(TimeOnly From, TimeOnly To, bool EndsNextDay)
{
    public string FromText => From.ToString("HH:mm");
    public string ToText => EndsNextDay && To == TimeOnly.MinValue ? "24:00" : To.ToString("HH:mm");
}

/// <summary>What the rules say about one local calendar day.</summary>
public sealed record DayHours(DateOnly Date, IReadOnlyList<TimeRange> Ranges, OpenStatus Status, string? Comment);
