namespace StationMap.Api.Infrastructure.OpeningHours;

internal enum SolarEvent { Dawn, Sunrise, Sunset, Dusk }

/// <summary>A clock time in minutes from midnight, or a solar event plus an offset in minutes.</summary>
internal readonly record struct TimeValue(SolarEvent? Event, int Minutes)
{
    /// <summary>The value a variable time stands for when it is not resolved (as the reference assumes while parsing).</summary>
    public int Nominal => Event switch
    {
        SolarEvent.Dawn => 330 + Minutes,
        SolarEvent.Sunrise => 360 + Minutes,
        SolarEvent.Sunset => 1080 + Minutes,
        SolarEvent.Dusk => 1110 + Minutes,
        _ => Minutes,
    };
}

/// <summary>
/// A time span of a rule. <see cref="NominalTo"/> may exceed 1440 (the span runs into the next day;
/// that part is a separate, wrapped rule). <see cref="SpansMidnight"/>: the span may run past midnight
/// once its variable times are resolved.
/// </summary>
internal sealed record TimeSelector(TimeValue From, TimeValue To, int NominalTo, bool OpenEnd, bool WholeDay, bool SpansMidnight);

/// <summary>One rule of a value, as evaluated (an overnight span adds a wrapped rule for the next day).</summary>
internal sealed class Rule
{
    /// <summary>Date selector groups, all of which must match (one selector of each group).</summary>
    public List<List<IDateSelector>> Date { get; } = [];
    public List<TimeSelector> Times { get; } = [];
    public OpenStatus Modifier { get; set; } = OpenStatus.Open;
    public string? Comment { get; set; }
    public bool Additional { get; init; }
    public bool Fallback { get; init; }
    /// <summary>The part after midnight of the overnight spans of the rule before; its date selectors look at the day before.</summary>
    public bool Wrapped { get; init; }
}
