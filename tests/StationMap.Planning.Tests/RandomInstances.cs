namespace StationMap.Planning.Tests;

/// <summary>
/// Seeded random covering instances with spatial structure: demand points and candidates are
/// scattered in a unit square and a candidate covers the points within a radius, the way a travel
/// time cut-off does on a road network (neighbouring candidates overlap, some points are out of
/// reach of every candidate).
/// </summary>
internal static class RandomInstances
{
    public static CoverageInstance Spatial(int seed, int candidates, int points, double radius, double alreadyCoveredShare = 0)
    {
        var random = new Random(seed);
        var px = new double[points];
        var py = new double[points];
        var weights = new double[points];
        var already = new bool[points];
        for (var i = 0; i < points; i++)
        {
            px[i] = random.NextDouble();
            py[i] = random.NextDouble();
            // Heavy-tailed weights with some zeros, like order counts per grid cell.
            weights[i] = random.NextDouble() < 0.1 ? 0 : Math.Round(Math.Exp(random.NextDouble() * 3), 3);
            already[i] = random.NextDouble() < alreadyCoveredShare;
        }

        var covers = new int[candidates][];
        for (var j = 0; j < candidates; j++)
        {
            var cx = random.NextDouble();
            var cy = random.NextDouble();
            var r = radius * (0.5 + random.NextDouble());
            covers[j] = Enumerable.Range(0, points)
                .Where(i => (px[i] - cx) * (px[i] - cx) + (py[i] - cy) * (py[i] - cy) <= r * r)
                .ToArray();
        }
        return new CoverageInstance(weights, covers, alreadyCoveredShare > 0 ? already : null);
    }

    /// <summary>Uniformly random covers of about <paramref name="coverSize"/> points each (no spatial structure): the worst case for collapsing.</summary>
    public static CoverageInstance Uniform(int seed, int candidates, int points, int coverSize)
    {
        var random = new Random(seed);
        var weights = new double[points];
        for (var i = 0; i < points; i++) weights[i] = random.NextDouble() * 10;
        var covers = new int[candidates][];
        for (var j = 0; j < candidates; j++)
        {
            var set = new HashSet<int>();
            while (set.Count < coverSize) set.Add(random.Next(points));
            covers[j] = set.Order().ToArray();
        }
        return new CoverageInstance(weights, covers);
    }

    /// <summary>Covered weight of a set of candidates computed directly, independent of the library.</summary>
    public static double CoveredBy(CoverageInstance instance, IEnumerable<int> sites)
    {
        var covered = instance.AlreadyCovered is null ? new bool[instance.Weights.Length] : (bool[])instance.AlreadyCovered.Clone();
        foreach (var j in sites)
            foreach (var i in instance.Covers[j])
                covered[i] = true;
        return instance.Weights.Where((_, i) => covered[i]).Sum();
    }
}
