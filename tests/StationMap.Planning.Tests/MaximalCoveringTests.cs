namespace StationMap.Planning.Tests;

public class MaximalCoveringTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static TheoryData<int, int, double> SmallInstances()
    {
        var data = new TheoryData<int, int, double>();
        foreach (var seed in new[] { 1, 2, 3, 4, 5, 6 })
            foreach (var p in new[] { 1, 2, 3, 5 })
                data.Add(seed, p, seed % 2 == 0 ? 0.2 : 0);
        return data;
    }

    private static CoverageInstance Small(int seed, double alreadyShare) =>
        RandomInstances.Spatial(seed, candidates: 20, points: 300, radius: 0.18, alreadyCoveredShare: alreadyShare);

    private static void AssertClose(double expected, double actual, string what)
    {
        var tolerance = 1e-6 * Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual}");
    }

    [Theory]
    [MemberData(nameof(SmallInstances))]
    public void Exact_reaches_the_brute_force_optimum_on_small_random_instances(int seed, int p, double alreadyShare)
    {
        var instance = Small(seed, alreadyShare);

        var brute = MaximalCovering.BruteForce(instance, p);
        var exact = MaximalCovering.Exact(instance, p, Limit);

        Assert.Equal(SolveStatus.Optimal, brute.Status);
        Assert.Equal(SolveStatus.Optimal, exact.Status);
        Assert.Equal("exact", exact.Method);
        Assert.Equal("brute-force", brute.Method);
        Assert.True(exact.Steps.Count <= p);
        AssertClose(brute.Covered, exact.Covered, $"seed {seed}, p {p}");
        AssertClose(RandomInstances.CoveredBy(instance, exact.Sites), exact.Covered, "exact covered weight recomputed independently");
        AssertClose(RandomInstances.CoveredBy(instance, brute.Sites), brute.Covered, "brute-force covered weight recomputed independently");
    }

    [Theory]
    [MemberData(nameof(SmallInstances))]
    public void Greedy_is_at_most_the_optimum_and_at_least_one_minus_one_over_e_of_its_gain(int seed, int p, double alreadyShare)
    {
        var instance = Small(seed, alreadyShare);

        var greedy = MaximalCovering.Greedy(instance, p);
        var brute = MaximalCovering.BruteForce(instance, p);
        var exact = MaximalCovering.Exact(instance, p, Limit);

        Assert.Equal(SolveStatus.Heuristic, greedy.Status);
        Assert.Equal("greedy", greedy.Method);
        Assert.True(greedy.Covered <= brute.Covered + 1e-9 * brute.TotalWeight, $"greedy {greedy.Covered} > optimum {brute.Covered}");
        Assert.True(greedy.Covered <= exact.Covered, $"greedy {greedy.Covered} > exact {exact.Covered}");
        // The guarantee holds for the gain over existing coverage (the submodular function with f(∅) = 0).
        var bound = (1 - 1 / Math.E) * (brute.Covered - brute.AlreadyCovered);
        Assert.True(greedy.Covered - greedy.AlreadyCovered >= bound - 1e-9, $"greedy gain {greedy.Covered - greedy.AlreadyCovered} < (1 − 1/e)·optimal gain {bound}");
    }

    [Theory]
    [InlineData(11, 10)]
    [InlineData(12, 25)]
    [InlineData(13, 60)]
    public void Greedy_curve_is_monotone_and_adds_up_to_the_covered_weight(int seed, int p)
    {
        var instance = RandomInstances.Spatial(seed, candidates: 80, points: 2_000, radius: 0.1, alreadyCoveredShare: 0.3);

        var result = MaximalCovering.Greedy(instance, p);

        Assert.NotEmpty(result.Steps);
        var previous = result.AlreadyCovered;
        var previousGain = double.PositiveInfinity;
        foreach (var step in result.Steps)
        {
            Assert.True(step.NewlyCovered > 0, $"step {step.Candidate} adds nothing");
            // Submodularity: the greedy's marginal gains never increase.
            Assert.True(step.NewlyCovered <= previousGain + 1e-9, "marginal gains must not increase along the greedy order");
            Assert.True(step.CumulativeCovered >= previous, "cumulative covered weight must not decrease");
            Assert.Equal(previous + step.NewlyCovered, step.CumulativeCovered, 9);
            previous = step.CumulativeCovered;
            previousGain = step.NewlyCovered;
        }
        Assert.Equal(result.Covered, result.Steps[^1].CumulativeCovered, 6);
        Assert.Equal(RandomInstances.CoveredBy(instance, result.Sites), result.Covered, 6);
        Assert.Equal(result.Steps.Count, result.Sites.Distinct().Count());
    }

    [Fact]
    public void Greedy_matches_a_plain_non_lazy_greedy_step_by_step()
    {
        // The lazy evaluation must change the cost, not the answer: compare with re-evaluating every
        // candidate in every round (ties to the lowest index).
        var instance = RandomInstances.Spatial(21, candidates: 60, points: 1_500, radius: 0.12, alreadyCoveredShare: 0.2);
        const int p = 15;

        var covered = (bool[])instance.AlreadyCovered!.Clone();
        var expected = new List<int>();
        for (var round = 0; round < p; round++)
        {
            var bestGain = 0.0;
            var best = -1;
            for (var j = 0; j < instance.Covers.Length; j++)
            {
                var gain = instance.Covers[j].Where(i => !covered[i]).Sum(i => instance.Weights[i]);
                if (gain > bestGain) { bestGain = gain; best = j; }
            }
            if (best < 0) break;
            expected.Add(best);
            foreach (var i in instance.Covers[best]) covered[i] = true;
        }

        Assert.Equal(expected, MaximalCovering.Greedy(instance, p).Sites);
    }

    [Fact]
    public void Exact_beats_greedy_on_the_classic_instance_where_greedy_is_not_optimal()
    {
        // Left points 0–2 and right points 3–5, weight 1 each. Candidate 0 straddles the middle and
        // covers two on each side (4), candidates 1 and 2 cover one whole side each (3). With p = 2
        // greedy takes 0 first and then gains only 1 more (5); the optimum is {1, 2} (6).
        var instance = new CoverageInstance(
            [1, 1, 1, 1, 1, 1],
            [[0, 1, 3, 4], [0, 1, 2], [3, 4, 5]]);

        var greedy = MaximalCovering.Greedy(instance, 2);
        var exact = MaximalCovering.Exact(instance, 2, Limit);
        var brute = MaximalCovering.BruteForce(instance, 2);

        Assert.Equal([0, 1], greedy.Sites);
        Assert.Equal(5, greedy.Covered);
        Assert.Equal(6, exact.Covered);
        Assert.Equal(6, brute.Covered);
        Assert.Equal([1, 2], exact.Sites);
        Assert.Equal([1, 2], brute.Sites);
        Assert.Equal(SolveStatus.Optimal, exact.Status);
        Assert.Equal([3.0, 6.0], exact.Steps.Select(s => s.CumulativeCovered));
    }

    [Fact]
    public void Already_covered_points_count_in_the_cumulative_weight_but_never_as_gain()
    {
        // Candidate 0 covers the heavy points 0 and 1, which existing stations already cover, plus
        // point 2 (weight 1); candidate 1 covers point 3 (weight 2). Candidate 2 covers only
        // already-covered points and must never be chosen.
        var instance = new CoverageInstance(
            [100, 50, 1, 2, 7],
            [[0, 1, 2], [3], [0, 1]],
            [true, true, false, false, false]);

        foreach (var result in new[]
                 {
                     MaximalCovering.Greedy(instance, 3),
                     MaximalCovering.Exact(instance, 3, Limit),
                     MaximalCovering.BruteForce(instance, 3),
                 })
        {
            Assert.Equal(150, result.AlreadyCovered);
            Assert.Equal(160, result.TotalWeight);
            Assert.Equal([1, 0], result.Sites);
            Assert.Equal([2.0, 1.0], result.Steps.Select(s => s.NewlyCovered));
            Assert.Equal([152.0, 153.0], result.Steps.Select(s => s.CumulativeCovered));
            Assert.Equal(153, result.Covered);
        }
    }

    [Fact]
    public void Ties_go_to_the_lowest_candidate_index()
    {
        var instance = new CoverageInstance([1, 1, 1, 1], [[2, 3], [0, 1], [0, 1], [2, 3]]);

        var greedy = MaximalCovering.Greedy(instance, 1);

        Assert.Equal([0], greedy.Sites);
        Assert.Equal([0, 1], MaximalCovering.Greedy(instance, 4).Sites);
    }

    [Fact]
    public void Greedy_stops_early_when_no_candidate_adds_anything()
    {
        var instance = new CoverageInstance([3, 0, 2], [[0], [0], [1], []]);

        var result = MaximalCovering.Greedy(instance, 4);

        Assert.Equal([0], result.Sites);
        Assert.Equal(3, result.Covered);
        Assert.Equal(5, result.TotalWeight);
    }

    [Fact]
    public void Unsorted_or_duplicate_cover_lists_are_treated_as_sets()
    {
        var instance = new CoverageInstance([1, 2, 4], [[2, 0, 2, 0], [1]]);

        var greedy = MaximalCovering.Greedy(instance, 1);
        var exact = MaximalCovering.Exact(instance, 1, Limit);

        Assert.Equal(5, greedy.Steps[0].NewlyCovered);
        Assert.Equal(5, exact.Covered);
    }

    [Fact]
    public void An_instance_without_candidates_yields_no_sites()
    {
        var instance = new CoverageInstance([1, 2], [], [true, false]);

        foreach (var result in new[]
                 {
                     MaximalCovering.Greedy(instance, 3),
                     MaximalCovering.Exact(instance, 3, Limit),
                     MaximalCovering.BruteForce(instance, 3),
                 })
        {
            Assert.Empty(result.Steps);
            Assert.Equal(1, result.Covered);
            Assert.Equal(1, result.AlreadyCovered);
            Assert.Equal(3, result.TotalWeight);
        }
    }

    [Fact]
    public void P_zero_yields_no_sites_and_the_existing_coverage()
    {
        var instance = Small(3, 0.2);

        foreach (var result in new[]
                 {
                     MaximalCovering.Greedy(instance, 0),
                     MaximalCovering.Exact(instance, 0, Limit),
                     MaximalCovering.BruteForce(instance, 0),
                 })
        {
            Assert.Empty(result.Steps);
            Assert.Equal(result.AlreadyCovered, result.Covered);
        }
    }

    [Fact]
    public void Zero_weights_yield_no_sites()
    {
        var instance = new CoverageInstance([0, 0, 0], [[0, 1], [2]]);

        Assert.Empty(MaximalCovering.Greedy(instance, 2).Steps);
        var exact = MaximalCovering.Exact(instance, 2, Limit);
        Assert.Empty(exact.Steps);
        Assert.Equal(SolveStatus.Optimal, exact.Status);
        Assert.Equal(0, MaximalCovering.BruteForce(instance, 2).Covered);
    }

    [Fact]
    public void P_larger_than_the_candidate_count_opens_every_useful_candidate()
    {
        var instance = Small(5, 0);
        var everything = RandomInstances.CoveredBy(instance, Enumerable.Range(0, instance.Covers.Length));

        var greedy = MaximalCovering.Greedy(instance, 50);
        var exact = MaximalCovering.Exact(instance, 50, Limit);
        var brute = MaximalCovering.BruteForce(instance, 50);

        Assert.Equal(everything, greedy.Covered, 9);
        Assert.Equal(everything, exact.Covered, 9);
        Assert.Equal(everything, brute.Covered, 9);
        Assert.True(greedy.Steps.Count <= instance.Covers.Length);
        Assert.Equal(SolveStatus.Optimal, exact.Status);
    }

    [Fact]
    public void Brute_force_refuses_an_enumeration_that_is_too_large()
    {
        var instance = RandomInstances.Uniform(1, candidates: 100, points: 50, coverSize: 5);

        var error = Assert.Throws<ArgumentException>(() => MaximalCovering.BruteForce(instance, 10));

        Assert.Contains("C(100, 10)", error.Message);
    }

    [Fact]
    public void Small_instances_are_small_enough_for_exact_and_huge_ones_are_not()
    {
        Assert.True(MaximalCovering.IsSmallEnough(Small(1, 0)));

        var tooManyCandidates = new CoverageInstance([1], Enumerable.Range(0, MaximalCovering.ExactMaxCandidates + 1).Select(_ => new[] { 0 }).ToArray());
        Assert.False(MaximalCovering.IsSmallEnough(tooManyCandidates));

        // 1,000 candidates × 400 random points each out of 100,000: about 400,000 nonzeros even after collapsing.
        Assert.False(MaximalCovering.IsSmallEnough(RandomInstances.Uniform(2, candidates: 1_000, points: 100_000, coverSize: 400)));
    }

    [Fact]
    public void Identical_demand_points_are_collapsed_before_judging_the_size()
    {
        // 300,000 points all covered by the same two candidates: 600,000 raw nonzeros, but one
        // group of two after collapsing.
        const int n = 300_000;
        var all = Enumerable.Range(0, n).ToArray();
        var instance = new CoverageInstance(Enumerable.Repeat(1.0, n).ToArray(), [all, all]);

        Assert.True(MaximalCovering.IsSmallEnough(instance));
        var exact = MaximalCovering.Exact(instance, 1, Limit);
        Assert.Single(exact.Steps);
        Assert.Equal(n, exact.Covered);
        Assert.Equal(SolveStatus.Optimal, exact.Status);
    }

    [Fact]
    public void Exact_is_never_below_greedy_on_a_larger_instance()
    {
        var instance = RandomInstances.Spatial(31, candidates: 150, points: 3_000, radius: 0.08, alreadyCoveredShare: 0.1);
        Assert.True(MaximalCovering.IsSmallEnough(instance));

        var greedy = MaximalCovering.Greedy(instance, 8);
        var exact = MaximalCovering.Exact(instance, 8, Limit);

        // Proven well within the limit: guards the solver parameters (CP-SAT's default two-worker
        // portfolio leaves the linking clauses out of its LP and never closes the bound here).
        Assert.Equal(SolveStatus.Optimal, exact.Status);
        Assert.True(exact.Covered >= greedy.Covered, $"exact {exact.Covered} < greedy {greedy.Covered}");
        var gains = exact.Steps.Select(s => s.NewlyCovered).ToArray();
        Assert.Equal(gains.OrderByDescending(g => g), gains);
    }

    [Fact]
    public void Exact_stops_searching_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => MaximalCovering.Exact(Small(1, 0), 3, Limit, cancelled.Token));

        // A model far beyond IsSmallEnough, which would run to its two-minute limit: cancelling
        // must end the search early instead of waiting for the limit.
        var large = RandomInstances.Uniform(3, candidates: 600, points: 20_000, coverSize: 300);
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => MaximalCovering.Exact(large, 10, TimeSpan.FromMinutes(2), soon.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"cancellation took {clock.Elapsed}");
    }
}
