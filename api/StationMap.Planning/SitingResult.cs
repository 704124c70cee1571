namespace StationMap.Planning;

/// <summary>How a siting result was obtained and what it promises.</summary>
public enum SolveStatus
{
    /// <summary>Proven optimal (brute force, or CP-SAT closed the bound on the integer-scaled weights).</summary>
    Optimal,

    /// <summary>A feasible solution from CP-SAT whose optimality was not proven within the time limit.</summary>
    Feasible,

    /// <summary>CP-SAT found no solution within the time limit; <see cref="SitingResult.Steps"/> is empty.</summary>
    Timeout,

    /// <summary>A greedy answer: no optimality claim, but within (1 − 1/e) of the optimum for maximal covering.</summary>
    Heuristic,
}

/// <summary>One chosen site, in the order it is worth adding.</summary>
/// <param name="Candidate">Index of the candidate in <see cref="CoverageInstance.Covers"/>.</param>
/// <param name="NewlyCovered">Demand weight this site covers that nothing earlier in the list (nor an existing station) covers.</param>
/// <param name="CumulativeCovered">Covered weight after adding this site, including weight already covered by existing stations.</param>
public sealed record SitingStep(int Candidate, double NewlyCovered, double CumulativeCovered);

/// <summary>
/// Sites to add, in order, with the coverage curve they trace. Weights are in the caller's demand
/// units (the library never normalises them); percentages are left to the caller
/// (<c>Covered / TotalWeight</c>).
/// </summary>
public sealed record SitingResult
{
    /// <summary>Chosen sites ordered so that the cumulative curve is meaningful (largest marginal gain first). Sites that add nothing are left out, so there may be fewer steps than requested.</summary>
    public required IReadOnlyList<SitingStep> Steps { get; init; }

    /// <summary>Covered weight with every step added, including <see cref="AlreadyCovered"/>; recomputed in doubles from the chosen set.</summary>
    public required double Covered { get; init; }

    /// <summary>Weight covered by existing stations before any new site (the curve's value at 0 stations).</summary>
    public required double AlreadyCovered { get; init; }

    /// <summary>Total demand weight of the instance.</summary>
    public required double TotalWeight { get; init; }

    /// <summary><c>"greedy"</c>, <c>"exact"</c> or <c>"brute-force"</c>.</summary>
    public required string Method { get; init; }

    public required SolveStatus Status { get; init; }

    /// <summary>Wall-clock time of the call, model building included.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The chosen candidate indexes in step order.</summary>
    public IReadOnlyList<int> Sites => Steps.Select(s => s.Candidate).ToArray();
}

/// <summary>
/// Answer to "how many new sites reach a covered weight of <see cref="Target"/>": the sites (in
/// curve order) and whether the target is reachable at all.
/// </summary>
public sealed record SetCoveringResult
{
    /// <summary>The sites and their curve. When the target is not reached this is the best effort within the site limit (greedy) or empty (exact).</summary>
    public required SitingResult Siting { get; init; }

    /// <summary>The covered weight asked for (existing stations' weight included).</summary>
    public required double Target { get; init; }

    /// <summary>True when <see cref="SitingResult.Covered"/> meets the target (within a relative tolerance of 1e-9 of the total weight).</summary>
    public required bool TargetReached { get; init; }

    /// <summary>True when opening every candidate would meet the target; false means no number of sites from this candidate set can.</summary>
    public required bool Reachable { get; init; }

    /// <summary>Covered weight with every candidate open (existing stations included): the ceiling of any plan.</summary>
    public required double MaxCoverable { get; init; }

    /// <summary>Number of new sites in the plan.</summary>
    public int SitesNeeded => Siting.Steps.Count;
}
