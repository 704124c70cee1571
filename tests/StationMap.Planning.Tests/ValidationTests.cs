namespace StationMap.Planning.Tests;

public class ValidationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public static TheoryData<string, CoverageInstance, string> BadInstances() => new()
    {
        { "negative weight", new CoverageInstance([1, -2], [[0]]), "Weights[1]" },
        { "NaN weight", new CoverageInstance([double.NaN], [[0]]), "Weights[0]" },
        { "infinite weight", new CoverageInstance([double.PositiveInfinity], [[0]]), "Weights[0]" },
        { "overflowing total", new CoverageInstance([double.MaxValue, double.MaxValue], [[0]]), "sum of the demand weights" },
        { "cover index past the end", new CoverageInstance([1, 1], [[0], [1, 2]]), "Covers[1][1] = 2" },
        { "negative cover index", new CoverageInstance([1], [[-1]]), "Covers[0][0] = -1" },
        { "null cover list", new CoverageInstance([1], [null!]), "Covers[0] is null" },
        { "already-covered length mismatch", new CoverageInstance([1, 1], [[0]], [true]), "AlreadyCovered has 1" },
    };

    [Theory]
    [MemberData(nameof(BadInstances))]
    public void Every_solver_rejects_an_invalid_instance_naming_the_problem(string why, CoverageInstance instance, string expected)
    {
        var calls = new Action[]
        {
            () => MaximalCovering.Greedy(instance, 1),
            () => MaximalCovering.Exact(instance, 1, Limit),
            () => MaximalCovering.BruteForce(instance, 1),
            () => MaximalCovering.IsSmallEnough(instance),
            () => SetCovering.Greedy(instance, 1, 1),
            () => SetCovering.Exact(instance, 1, 1, Limit),
        };
        foreach (var call in calls)
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.True(error.Message.Contains(expected), $"{why}: message '{error.Message}' does not mention '{expected}'");
        }
    }

    [Fact]
    public void Negative_counts_non_finite_targets_and_non_positive_limits_are_rejected()
    {
        var instance = new CoverageInstance([1], [[0]]);

        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => MaximalCovering.Greedy(instance, -1)).ParamName);
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => MaximalCovering.BruteForce(instance, -1)).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => MaximalCovering.Exact(instance, 1, TimeSpan.Zero)).ParamName);
        Assert.Equal("maxSites", Assert.Throws<ArgumentOutOfRangeException>(() => SetCovering.Greedy(instance, 1, -1)).ParamName);
        Assert.Equal("targetCoveredWeight", Assert.Throws<ArgumentException>(() => SetCovering.Exact(instance, double.NaN, 1, Limit)).ParamName);
    }
}
