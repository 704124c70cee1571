namespace StationMap.Routing;

/// <summary>
/// How reached roads become polygons. Unset values take per-mode defaults (<see cref="ForMode"/>); the
/// record has value equality so it can be part of a cache key.
/// </summary>
public sealed record IsochroneOptions
{
    /// <summary>Raster cell size in metres (walk 30, e-bike 60, car 100 by default).</summary>
    public double? CellSizeM { get; init; }

    /// <summary>
    /// How far off the road a reached place extends, in metres. Closes city blocks between reached roads
    /// (default walk 120, e-bike 180, car 250) while a wider river or rail yard stays outside.
    /// </summary>
    public double? OffRoadMarginM { get; init; }

    /// <summary>Speed off the road in km/h: a place beside a road is reached later by distance / speed.</summary>
    public double OffRoadSpeedKmh { get; init; } = 5;

    /// <summary>Holes smaller than this (m²) are filled. Default: (2 × margin)².</summary>
    public double? MinHoleAreaM2 { get; init; }

    /// <summary>Douglas–Peucker tolerance in metres; default half of the cell actually used.</summary>
    public double? SimplifyToleranceM { get; init; }

    /// <summary>Upper bound on raster nodes; the cell grows when a search reaches farther.</summary>
    public int MaxGridNodes { get; init; } = 1_000_000;

    /// <summary>The options with every unset value filled in for <paramref name="mode"/>.</summary>
    public IsochroneOptions ForMode(TravelMode mode)
    {
        var cell = CellSizeM ?? mode switch { TravelMode.Walk => 30, TravelMode.Ebike => 60, _ => 100 };
        var margin = OffRoadMarginM ?? mode switch { TravelMode.Walk => 120, TravelMode.Ebike => 180, _ => 250 };
        if (!(cell > 0) || !double.IsFinite(cell))
        {
            throw new ArgumentOutOfRangeException(nameof(CellSizeM), "The cell size must be a positive number of metres.");
        }

        if (!(margin >= 0) || !double.IsFinite(margin) || !(OffRoadSpeedKmh > 0) || MaxGridNodes < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(OffRoadMarginM), "Margin, off-road speed and grid size must be positive.");
        }

        return this with
        {
            CellSizeM = cell,
            OffRoadMarginM = margin,
            MinHoleAreaM2 = MinHoleAreaM2 ?? 4 * margin * margin,
        };
    }
}
