namespace StationMap.Routing;

/// <summary>How a worker moves over the road network. The numeric values index per-mode arrays.</summary>
public enum TravelMode
{
    Walk = 0,
    Ebike = 1,
    Car = 2,
}

public static class TravelModes
{
    public const int Count = 3;

    public static readonly TravelMode[] All = [TravelMode.Walk, TravelMode.Ebike, TravelMode.Car];

    /// <summary>The wire name used in the API and in column names (<c>walk</c>, <c>ebike</c>, <c>car</c>).</summary>
    public static string Name(this TravelMode mode) => mode switch
    {
        TravelMode.Walk => "walk",
        TravelMode.Ebike => "ebike",
        TravelMode.Car => "car",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParse(string? text, out TravelMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "walk": mode = TravelMode.Walk; return true;
            case "ebike": mode = TravelMode.Ebike; return true;
            case "car": mode = TravelMode.Car; return true;
            default: mode = default; return false;
        }
    }
}
