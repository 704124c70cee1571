namespace StationMap.Routing;

/// <summary>Which way travel time is measured relative to the origin(s) of a search.</summary>
public enum SearchDirection
{
    /// <summary>Seconds from the origin to each place: "where can I get to from here".</summary>
    Forward = 0,

    /// <summary>Seconds from each place to the origin: "who can reach here" (station service areas).</summary>
    Reverse = 1,
}
