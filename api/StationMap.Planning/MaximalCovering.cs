using System.Diagnostics;
using Google.OrTools.Sat;

namespace StationMap.Planning;

/// <summary>
/// Maximal covering location problem (MCLP, Church &amp; ReVelle 1974): choose at most p new sites
/// among the candidates to maximise the demand weight covered, counting points already covered by
/// existing stations as covered but never as a gain.
/// </summary>
public static class MaximalCovering
{
    /// <summary>Largest candidate count for which <see cref="IsSmallEnough"/> recommends <see cref="Exact"/>.</summary>
    public const int ExactMaxCandidates = 3_000;

    /// <summary>Largest number of nonzeros (Σ over collapsed demand groups of their covering-set size) for which <see cref="IsSmallEnough"/> recommends <see cref="Exact"/>.</summary>
    public const long ExactMaxNonZeros = 25_000;

    /// <summary>Above this many subsets <see cref="BruteForce"/> refuses to run.</summary>
    public const long BruteForceMaxSubsets = 5_000_000;

    /// <summary>
    /// Greedy MCLP with lazy evaluation: repeatedly adds the candidate with the largest marginal
    /// covered weight (ties: lowest candidate index). Guaranteed within a factor (1 − 1/e) ≈ 0.632 of
    /// the optimum because the covered weight is monotone submodular (Nemhauser, Wolsey &amp; Fisher
    /// 1978); in practice on coverage data it is usually within a few percent. Stops early, with
    /// fewer than p steps, when no candidate covers anything new.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid instance (message names the point or candidate) or negative p.</exception>
    public static SitingResult Greedy(CoverageInstance instance, int p)
    {
        var clock = Stopwatch.StartNew();
        var inst = PreparedInstance.From(instance);
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        var steps = LazyGreedy.Run(inst, p, double.PositiveInfinity);
        return Result(inst, steps, "greedy", SolveStatus.Heuristic, clock);
    }

    /// <summary>
    /// Whether <see cref="Exact"/> is worth trying interactively: at most
    /// <see cref="ExactMaxCandidates"/> candidates and at most <see cref="ExactMaxNonZeros"/>
    /// nonzeros after collapsing identical demand points. The model has one boolean per useful
    /// candidate and per demand group and one linking constraint per group, so its size — and the
    /// LP relaxation's cost, which dominates the proof — grows with the nonzero count. Measured on
    /// two workers with random spatial instances (10 sites): 2,200 nonzeros proved optimal in 0.6 s,
    /// 17,000 in 3.9 s, 49,000 in 16 s, while at 200,000 CP-SAT produced no bound at all within
    /// 20 s. Above the limit the greedy answer (within a few percent in practice) is the better use
    /// of a request's time; <see cref="Exact"/> still works there but will usually stop at its time
    /// limit with the greedy solution it was seeded with (status Feasible). The check stops
    /// collapsing as soon as the limit is passed.
    /// </summary>
    public static bool IsSmallEnough(CoverageInstance instance)
    {
        var inst = PreparedInstance.From(instance);
        if (inst.Candidates > ExactMaxCandidates) return false;
        return CollapsedModel.Build(inst, stopAboveNonZeros: ExactMaxNonZeros) is not null;
    }

    /// <summary>
    /// Exact MCLP with OR-Tools CP-SAT. Model, after collapsing identical demand points into groups g
    /// (see <see cref="CollapsedModel"/>): x_j ∈ {0,1} per candidate that covers some group,
    /// y_g ∈ {0,1} per group; Σ x_j ≤ p; y_g ≤ Σ_{j covers g} x_j; maximise Σ w_g·y_g with the weights
    /// scaled to integers. "At most p" rather than "exactly p" because coverage is monotone: an
    /// optimal set of fewer sites can always be padded, so nothing is lost, and the model stays
    /// feasible when p exceeds the useful candidates. The greedy solution is given as a hint, so
    /// CP-SAT starts from it and the result is never worse than greedy; if rounding of the weights
    /// ever made the CP-SAT set cover less in doubles than the greedy set, the greedy set is
    /// returned. Runs on two workers (the servers have two cores).
    /// </summary>
    /// <param name="instance">Demand weights, cover lists and existing coverage.</param>
    /// <param name="p">Maximum number of new sites.</param>
    /// <param name="limit">Wall-clock time limit for CP-SAT.</param>
    /// <param name="cancellationToken">Stops the search (e.g. when the HTTP request is aborted); the call then throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>
    /// Optimal or Feasible with the chosen sites ordered by marginal gain (a greedy pass restricted
    /// to the chosen set, so the cumulative curve is meaningful), sites that add nothing left out;
    /// or Timeout with no steps when CP-SAT found no solution in time.
    /// </returns>
    public static SitingResult Exact(CoverageInstance instance, int p, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var inst = PreparedInstance.From(instance);
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        if (limit <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The time limit must be positive.");

        cancellationToken.ThrowIfCancellationRequested();
        var greedySteps = LazyGreedy.Run(inst, p, double.PositiveInfinity);
        // Greedy stopped before p sites only because nothing adds coverage any more: everything
        // coverable is covered, which no set can beat.
        if (p == 0 || greedySteps.Count < p)
            return Result(inst, greedySteps, "exact", SolveStatus.Optimal, clock);
        var model = CollapsedModel.Build(inst);

        var scaled = model.ScaledWeights(out _);
        var cp = new CpModel();
        var x = new Dictionary<int, BoolVar>();
        foreach (var j in model.UsefulCandidates)
            x[j] = cp.NewBoolVar($"x{j}");
        cp.Add(LinearExpr.Sum(x.Values) <= p);

        var y = new BoolVar[model.GroupWeight.Length];
        for (var g = 0; g < y.Length; g++)
        {
            y[g] = cp.NewBoolVar($"y{g}");
            cp.Add(LinearExpr.Sum(model.GroupCandidates[g].Select(j => x[j])) >= y[g]);
        }
        cp.Maximize(LinearExpr.WeightedSum(y, scaled));

        var greedySet = greedySteps.Select(s => s.Candidate).ToHashSet();
        foreach (var (j, v) in x)
            cp.AddHint(v, greedySet.Contains(j));
        for (var g = 0; g < y.Length; g++)
            cp.AddHint(y[g], model.GroupCandidates[g].Any(greedySet.Contains));

        var (raw, chosen) = Solve(cp, limit, x, cancellationToken);
        var status = raw switch
        {
            CpSolverStatus.Optimal => SolveStatus.Optimal,
            CpSolverStatus.Feasible => SolveStatus.Feasible,
            CpSolverStatus.Unknown => SolveStatus.Timeout,
            _ => throw new InvalidOperationException($"CP-SAT returned {raw} for a maximal covering model, which is always feasible."),
        };
        if (status == SolveStatus.Timeout)
            return Result(inst, [], "exact", SolveStatus.Timeout, clock);

        var steps = LazyGreedy.Run(inst, p, double.PositiveInfinity, chosen);
        if (inst.CoveredWeight(steps.Select(s => s.Candidate)) < inst.CoveredWeight(greedySet))
            steps = greedySteps;
        return Result(inst, steps, "exact", status, clock);
    }

    /// <summary>
    /// Exhaustive search over every set of min(p, candidates) candidates (coverage is monotone, so
    /// no smaller set can beat the best set of that size); the first best set in lexicographic order
    /// wins. For tests and tiny instances only.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="BruteForceMaxSubsets"/> subsets to enumerate.</exception>
    public static SitingResult BruteForce(CoverageInstance instance, int p)
    {
        var clock = Stopwatch.StartNew();
        var inst = PreparedInstance.From(instance);
        ArgumentOutOfRangeException.ThrowIfNegative(p);
        var k = Math.Min(p, inst.Candidates);
        var subsets = Combinatorics.Binomial(inst.Candidates, k);
        if (subsets > BruteForceMaxSubsets)
            throw new ArgumentException(
                $"Brute force over C({inst.Candidates}, {k}) subsets exceeds {BruteForceMaxSubsets:N0}; use Exact.", nameof(p));

        var best = Combinatorics.BestSubset(inst, k);
        var steps = LazyGreedy.Run(inst, k, double.PositiveInfinity, best);
        return Result(inst, steps, "brute-force", SolveStatus.Optimal, clock);
    }

    /// <summary>
    /// CP-SAT parameters for covering models. Two workers (the servers have two cores shared with the
    /// API). The two full-problem workers are chosen explicitly: CP-SAT's default portfolio for two
    /// workers is one <c>default_lp</c> worker plus local search, and presolve turns the linking
    /// constraints y ≤ Σx into clauses, which <c>default_lp</c> (linearization level 1) leaves out of
    /// its LP — so its bound never moves and small MCLP instances run to the time limit without a
    /// proof. <c>max_lp</c> linearizes the clauses (the strong MCLP LP relaxation) and proves
    /// optimality in well under a second on instances with a few thousand nonzeros;
    /// <c>default_lp</c> alongside keeps the fast SAT-style search for improving solutions.
    /// </summary>
    internal const string SolverParameters = "num_workers:2 subsolvers:\"max_lp\" subsolvers:\"default_lp\" random_seed:1";

    /// <summary>Runs CP-SAT; the chosen candidates are those with x_j = 1 (empty without a solution).</summary>
    internal static (CpSolverStatus Status, int[] Chosen) Solve(CpModel cp, TimeSpan limit, Dictionary<int, BoolVar> x, CancellationToken cancellationToken)
    {
        using var solver = new CpSolver
        {
            StringParameters = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"max_time_in_seconds:{limit.TotalSeconds} {SolverParameters}"),
        };
        CpSolverStatus status;
        using var finished = new ManualResetEventSlim();
        // A stop request that arrives before CP-SAT has set up its search is not remembered, so
        // after a cancellation keep asking every 50 ms until Solve returns.
        var watcher = cancellationToken.CanBeCanceled
            ? Task.Run(() =>
            {
                WaitHandle.WaitAny([cancellationToken.WaitHandle, finished.WaitHandle]);
                while (cancellationToken.IsCancellationRequested && !finished.Wait(50))
                    solver.StopSearch();
            })
            : Task.CompletedTask;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            status = solver.Solve(cp);
        }
        finally
        {
            finished.Set();
            watcher.Wait();
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (status is not (CpSolverStatus.Optimal or CpSolverStatus.Feasible)) return (status, []);
        return (status, x.Where(kv => solver.BooleanValue(kv.Value)).Select(kv => kv.Key).Order().ToArray());
    }

    internal static SitingResult Result(PreparedInstance inst, List<SitingStep> steps, string method, SolveStatus status, Stopwatch clock) =>
        new()
        {
            Steps = steps,
            Covered = inst.CoveredWeight(steps.Select(s => s.Candidate)),
            AlreadyCovered = inst.AlreadyCoveredWeight,
            TotalWeight = inst.TotalWeight,
            Method = method,
            Status = status,
            Elapsed = clock.Elapsed,
        };
}
