namespace StationMap.Planning.Tests;

public class SetCoveringTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>The smallest k whose brute-force best k-set reaches the target (the independent oracle).</summary>
    private static int BruteForceMinimum(CoverageInstance instance, double target)
    {
        var tolerance = SetCovering.RelativeTolerance * instance.Weights.Sum();
        for (var k = 0; k <= instance.Covers.Length; k++)
            if (MaximalCovering.BruteForce(instance, k).Covered >= target - tolerance)
                return k;
        return -1;
    }

    public static TheoryData<int, double, double> Targets()
    {
        var data = new TheoryData<int, double, double>();
        foreach (var seed in new[] { 1, 2, 3, 4 })
            foreach (var share in new[] { 0.5, 0.8, 0.95, 1.0 })
                data.Add(seed, share, seed % 2 == 0 ? 0.25 : 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Exact_needs_no_more_sites_than_greedy_and_matches_the_brute_force_minimum(int seed, double shareOfMax, double alreadyShare)
    {
        var instance = RandomInstances.Spatial(seed, candidates: 16, points: 250, radius: 0.2, alreadyCoveredShare: alreadyShare);
        var max = RandomInstances.CoveredBy(instance, Enumerable.Range(0, instance.Covers.Length));
        var target = shareOfMax * max;

        var greedy = SetCovering.Greedy(instance, target, maxSites: 16);
        var exact = SetCovering.Exact(instance, target, maxSites: 16, Limit);
        var minimum = BruteForceMinimum(instance, target);

        Assert.True(greedy.Reachable);
        Assert.True(exact.Reachable);
        Assert.True(greedy.TargetReached, $"greedy covers {greedy.Siting.Covered} of target {target}");
        Assert.True(exact.TargetReached, $"exact covers {exact.Siting.Covered} of target {target}");
        Assert.Equal(SolveStatus.Optimal, exact.Siting.Status);
        Assert.Equal(minimum, exact.SitesNeeded);
        Assert.True(exact.SitesNeeded <= greedy.SitesNeeded, $"exact {exact.SitesNeeded} sites > greedy {greedy.SitesNeeded}");
        Assert.Equal(max, exact.MaxCoverable, 9);
        Assert.Equal(RandomInstances.CoveredBy(instance, exact.Siting.Sites), exact.Siting.Covered, 9);
    }

    [Fact]
    public void Greedy_set_cover_follows_the_greedy_maximal_covering_order()
    {
        var instance = RandomInstances.Spatial(7, candidates: 40, points: 800, radius: 0.15);
        var max = RandomInstances.CoveredBy(instance, Enumerable.Range(0, instance.Covers.Length));

        var cover = SetCovering.Greedy(instance, 0.9 * max, maxSites: 40);
        var mclp = MaximalCovering.Greedy(instance, cover.SitesNeeded);

        Assert.True(cover.TargetReached);
        Assert.Equal(mclp.Sites, cover.Siting.Sites);
        Assert.True(cover.Siting.Steps[^2].CumulativeCovered < 0.9 * max, "greedy must stop at the first site that reaches the target");
    }

    [Fact]
    public void An_unreachable_target_is_reported_with_the_most_that_can_be_covered()
    {
        // Point 3 (weight 5) is out of reach of every candidate: at most 5 of 10 can be covered.
        var instance = new CoverageInstance([2, 2, 1, 5], [[0, 1], [1, 2]]);

        var greedy = SetCovering.Greedy(instance, 10, maxSites: 5);
        var exact = SetCovering.Exact(instance, 10, maxSites: 5, Limit);

        foreach (var result in new[] { greedy, exact })
        {
            Assert.False(result.Reachable);
            Assert.False(result.TargetReached);
            Assert.Equal(5, result.MaxCoverable);
            Assert.Equal(10, result.Target);
        }
        // Greedy still shows how far the candidates get; exact reports the proof, not a plan.
        Assert.Equal(5, greedy.Siting.Covered);
        Assert.Empty(exact.Siting.Steps);
        Assert.Equal(SolveStatus.Optimal, exact.Siting.Status);
    }

    [Fact]
    public void A_reachable_target_beyond_the_site_limit_is_not_reached()
    {
        // Three disjoint candidates of weight 1 each: reaching 3 needs all three.
        var instance = new CoverageInstance([1, 1, 1], [[0], [1], [2]]);

        var greedy = SetCovering.Greedy(instance, 3, maxSites: 2);
        var exact = SetCovering.Exact(instance, 3, maxSites: 2, Limit);

        Assert.True(greedy.Reachable);
        Assert.False(greedy.TargetReached);
        Assert.Equal(2, greedy.SitesNeeded);
        Assert.True(exact.Reachable);
        Assert.False(exact.TargetReached);
        Assert.Empty(exact.Siting.Steps);
        Assert.Equal(SolveStatus.Optimal, exact.Siting.Status);
    }

    [Fact]
    public void A_target_already_met_by_existing_stations_needs_no_site()
    {
        var instance = new CoverageInstance([4, 1], [[1]], [true, false]);

        var greedy = SetCovering.Greedy(instance, 4, maxSites: 3);
        var exact = SetCovering.Exact(instance, 4, maxSites: 3, Limit);

        Assert.Equal(0, greedy.SitesNeeded);
        Assert.Equal(0, exact.SitesNeeded);
        Assert.True(greedy.TargetReached);
        Assert.True(exact.TargetReached);
    }

    [Fact]
    public void Full_coverage_computed_as_a_percentage_of_the_total_is_reached()
    {
        // 100 % of a total whose decimal weights do not add up exactly in binary.
        var weights = new[] { 0.1, 0.2, 0.3, 0.7, 1.1 };
        var instance = new CoverageInstance(weights, [[0, 1], [2, 3], [4], [0, 4]]);
        var target = 100.0 / 100.0 * weights.Sum();

        var exact = SetCovering.Exact(instance, target, maxSites: 4, Limit);
        var greedy = SetCovering.Greedy(instance, target, maxSites: 4);

        Assert.True(exact.TargetReached);
        Assert.Equal(3, exact.SitesNeeded);
        Assert.True(greedy.TargetReached);
        Assert.Equal(3, greedy.SitesNeeded);
    }
}
