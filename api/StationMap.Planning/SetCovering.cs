using System.Diagnostics;
using Google.OrTools.Sat;

namespace StationMap.Planning;

/// <summary>
/// "How many new stations reach a covered weight of X": the partial set covering problem — choose
/// the fewest candidates so that the covered weight (existing stations included) is at least the
/// target. Full coverage (the location set covering problem, LSCP) is the special case target =
/// total weight.
/// </summary>
public static class SetCovering
{
    /// <summary>
    /// Targets are compared with this tolerance relative to the total weight, so that a target
    /// computed as a percentage of the total (e.g. 100 % · total) is met by a plan whose covered
    /// weight differs from it only by summation order.
    /// </summary>
    public const double RelativeTolerance = 1e-9;

    /// <summary>
    /// Greedy partial set cover: adds sites by largest marginal gain (the same lazy greedy as
    /// <see cref="MaximalCovering.Greedy"/>) until the target is met, <paramref name="maxSites"/> sites
    /// are chosen, or nothing adds coverage. Its prefix of k sites is exactly the greedy MCLP answer
    /// for p = k, so the curve matches <c>suggest</c>'s.
    /// </summary>
    /// <param name="instance">Demand weights, cover lists and existing coverage.</param>
    /// <param name="targetCoveredWeight">Covered weight to reach, existing stations' weight included.</param>
    /// <param name="maxSites">Give up after this many sites.</param>
    public static SetCoveringResult Greedy(CoverageInstance instance, double targetCoveredWeight, int maxSites)
    {
        var clock = Stopwatch.StartNew();
        var inst = PreparedInstance.From(instance);
        Validate(targetCoveredWeight, maxSites);
        var goal = Goal(inst, targetCoveredWeight);
        var steps = LazyGreedy.Run(inst, maxSites, goal);
        var siting = MaximalCovering.Result(inst, steps, "greedy", SolveStatus.Heuristic, clock);
        return Wrap(inst, siting, targetCoveredWeight, goal);
    }

    /// <summary>
    /// Exact minimum number of sites with CP-SAT, on the same collapsed groups and integer-scaled
    /// weights as <see cref="MaximalCovering.Exact"/>: x_j, y_g ∈ {0,1}; y_g ≤ Σ_{j covers g} x_j;
    /// Σ w_g·y_g ≥ target − already covered; Σ x_j ≤ maxSites; minimise Σ x_j. The scaled target is
    /// lowered by the worst-case rounding of the group weights (half a unit per group) so that no plan
    /// meeting the target in doubles is cut off; the chosen plan is then checked in doubles. The
    /// greedy plan, when it meets the target within <paramref name="maxSites"/>, is the hint.
    /// Unreachable targets (even every candidate falls short) are answered without calling CP-SAT.
    /// </summary>
    /// <param name="instance">Demand weights, cover lists and existing coverage.</param>
    /// <param name="targetCoveredWeight">Covered weight to reach, existing stations' weight included.</param>
    /// <param name="maxSites">Upper bound on the number of sites.</param>
    /// <param name="limit">Wall-clock time limit for CP-SAT.</param>
    /// <param name="cancellationToken">Stops the search; the call then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// Status Optimal: the fewest sites (or proof that none within <paramref name="maxSites"/> exist:
    /// no steps, TargetReached false). Feasible: a plan meeting the target, not proven minimal.
    /// Timeout: no plan found in time (no steps).
    /// </returns>
    public static SetCoveringResult Exact(CoverageInstance instance, double targetCoveredWeight, int maxSites, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var inst = PreparedInstance.From(instance);
        Validate(targetCoveredWeight, maxSites);
        if (limit <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The time limit must be positive.");

        cancellationToken.ThrowIfCancellationRequested();
        var goal = Goal(inst, targetCoveredWeight);
        var greedySteps = LazyGreedy.Run(inst, maxSites, goal);
        var greedyMeets = inst.CoveredWeight(greedySteps.Select(s => s.Candidate)) >= goal;

        // Nothing to add, or even every candidate falls short: no model needed, the answer is proven.
        if (inst.AlreadyCoveredWeight >= goal || inst.MaxCoverable() < goal)
            return Wrap(inst, MaximalCovering.Result(inst, [], "exact", SolveStatus.Optimal, clock), targetCoveredWeight, goal);
        // One site meets it: no fewer is possible.
        if (greedyMeets && greedySteps.Count == 1)
            return Wrap(inst, MaximalCovering.Result(inst, greedySteps, "exact", SolveStatus.Optimal, clock), targetCoveredWeight, goal);

        var model = CollapsedModel.Build(inst);
        var scaled = model.ScaledWeights(out var scale);
        var needed = (goal - inst.AlreadyCoveredWeight) * scale - 0.5 * scaled.Length;
        var neededScaled = (long)Math.Max(1, Math.Ceiling(needed));

        var cp = new CpModel();
        var x = new Dictionary<int, BoolVar>();
        foreach (var j in model.UsefulCandidates)
            x[j] = cp.NewBoolVar($"x{j}");
        var y = new BoolVar[model.GroupWeight.Length];
        for (var g = 0; g < y.Length; g++)
        {
            y[g] = cp.NewBoolVar($"y{g}");
            cp.Add(LinearExpr.Sum(model.GroupCandidates[g].Select(j => x[j])) >= y[g]);
        }
        cp.Add(LinearExpr.WeightedSum(y, scaled) >= neededScaled);
        cp.Add(LinearExpr.Sum(x.Values) <= maxSites);
        cp.Minimize(LinearExpr.Sum(x.Values));

        if (greedyMeets)
        {
            var greedySet = greedySteps.Select(s => s.Candidate).ToHashSet();
            foreach (var (j, v) in x)
                cp.AddHint(v, greedySet.Contains(j));
            for (var g = 0; g < y.Length; g++)
                cp.AddHint(y[g], model.GroupCandidates[g].Any(greedySet.Contains));
        }

        var (raw, chosen) = MaximalCovering.Solve(cp, limit, x, cancellationToken);
        var status = raw switch
        {
            CpSolverStatus.Optimal => SolveStatus.Optimal,
            CpSolverStatus.Feasible => SolveStatus.Feasible,
            // Proven: no plan of at most maxSites sites meets the target.
            CpSolverStatus.Infeasible => SolveStatus.Optimal,
            CpSolverStatus.Unknown => SolveStatus.Timeout,
            _ => throw new InvalidOperationException($"CP-SAT returned {raw} for a set covering model; this is a bug in the model."),
        };
        if (chosen.Length == 0)
            return Wrap(inst, MaximalCovering.Result(inst, [], "exact", status, clock), targetCoveredWeight, goal);

        var steps = LazyGreedy.Run(inst, chosen.Length, goal, chosen);
        // The relaxed scaled target may admit a plan a hair short in doubles; keep greedy's then.
        if (inst.CoveredWeight(steps.Select(s => s.Candidate)) < goal && greedyMeets)
            steps = greedySteps;
        return Wrap(inst, MaximalCovering.Result(inst, steps, "exact", status, clock), targetCoveredWeight, goal);
    }

    private static void Validate(double target, int maxSites)
    {
        if (!double.IsFinite(target))
            throw new ArgumentException($"The target covered weight is {target}; it must be finite.", "targetCoveredWeight");
        ArgumentOutOfRangeException.ThrowIfNegative(maxSites);
    }

    /// <summary>The target lowered by the tolerance; a plan meets the target when it covers at least this.</summary>
    private static double Goal(PreparedInstance inst, double target) => target - RelativeTolerance * inst.TotalWeight;

    private static SetCoveringResult Wrap(PreparedInstance inst, SitingResult siting, double target, double goal)
    {
        var max = inst.MaxCoverable();
        return new SetCoveringResult
        {
            Siting = siting,
            Target = target,
            TargetReached = siting.Covered >= goal,
            Reachable = max >= goal,
            MaxCoverable = max,
        };
    }
}
