namespace StationMap.Planning;

/// <summary>
/// A covering problem over weighted demand points and candidate sites: candidate <c>j</c> covers
/// demand point <c>i</c> when <c>i</c> reaches <c>j</c> within the cut-off (computed by the caller on
/// the road network). Points already covered by existing stations count as covered from the start
/// and are never worth a new site.
/// </summary>
/// <param name="Weights">Demand weight per point (≥ 0, finite).</param>
/// <param name="Covers">For each candidate, the indexes of the demand points it covers (ascending, no duplicates).</param>
/// <param name="AlreadyCovered">Per point: covered by an existing station (null = none are).</param>
public sealed record CoverageInstance(double[] Weights, int[][] Covers, bool[]? AlreadyCovered = null);
