namespace StationMap.Planning;

/// <summary>
/// A validated <see cref="CoverageInstance"/> with cover lists normalised to strictly ascending
/// order (callers' lists are used as-is when they already are, which is the contract; a duplicate
/// index would otherwise count a point twice in a gain) and the per-point "already covered" flags
/// resolved.
/// </summary>
internal sealed class PreparedInstance
{
    public double[] Weights { get; }
    public int[][] Covers { get; }
    public bool[] AlreadyCovered { get; }
    public double TotalWeight { get; }
    public double AlreadyCoveredWeight { get; }

    public int Points => Weights.Length;
    public int Candidates => Covers.Length;

    private PreparedInstance(double[] weights, int[][] covers, bool[] alreadyCovered, double total, double already)
    {
        Weights = weights;
        Covers = covers;
        AlreadyCovered = alreadyCovered;
        TotalWeight = total;
        AlreadyCoveredWeight = already;
    }

    /// <summary>Checks the instance and throws <see cref="ArgumentException"/> naming the offending point or candidate.</summary>
    public static PreparedInstance From(CoverageInstance instance, string paramName = "instance")
    {
        ArgumentNullException.ThrowIfNull(instance, paramName);
        var weights = instance.Weights ?? throw new ArgumentException("Weights must not be null.", paramName);
        var covers = instance.Covers ?? throw new ArgumentException("Covers must not be null.", paramName);
        var n = weights.Length;

        double total = 0;
        for (var i = 0; i < n; i++)
        {
            var w = weights[i];
            if (!double.IsFinite(w) || w < 0)
                throw new ArgumentException($"Weights[{i}] is {w}; demand weights must be finite and ≥ 0.", paramName);
            total += w;
        }
        if (!double.IsFinite(total))
            throw new ArgumentException("The sum of the demand weights overflows a double.", paramName);

        bool[] already;
        if (instance.AlreadyCovered is null)
            already = new bool[n];
        else if (instance.AlreadyCovered.Length != n)
            throw new ArgumentException(
                $"AlreadyCovered has {instance.AlreadyCovered.Length} entries but there are {n} demand points.", paramName);
        else
            already = instance.AlreadyCovered;

        double alreadyWeight = 0;
        for (var i = 0; i < n; i++)
            if (already[i]) alreadyWeight += weights[i];

        int[][]? normalised = null;
        for (var j = 0; j < covers.Length; j++)
        {
            var list = covers[j] ?? throw new ArgumentException($"Covers[{j}] is null; use an empty array for a candidate that covers nothing.", paramName);
            var ascending = true;
            for (var k = 0; k < list.Length; k++)
            {
                var i = list[k];
                if ((uint)i >= (uint)n)
                    throw new ArgumentException($"Covers[{j}][{k}] = {i} is not a demand point index (0..{n - 1}).", paramName);
                if (k > 0 && list[k - 1] >= i) ascending = false;
            }
            if (!ascending)
            {
                normalised ??= (int[][])covers.Clone();
                normalised[j] = list.Distinct().Order().ToArray();
            }
        }

        return new PreparedInstance(weights, normalised ?? covers, already, total, alreadyWeight);
    }

    /// <summary>Covered weight (existing stations included) when exactly the given candidates are added; summed in point order so that equal sets give bit-identical numbers.</summary>
    public double CoveredWeight(IEnumerable<int> sites)
    {
        var covered = (bool[])AlreadyCovered.Clone();
        foreach (var j in sites)
            foreach (var i in Covers[j])
                covered[i] = true;
        double sum = 0;
        for (var i = 0; i < covered.Length; i++)
            if (covered[i]) sum += Weights[i];
        return sum;
    }

    /// <summary>Covered weight with every candidate open: the most any plan can reach.</summary>
    public double MaxCoverable() => CoveredWeight(Enumerable.Range(0, Candidates));
}
