namespace StationMap.Planning;

/// <summary>Exhaustive enumeration for <see cref="MaximalCovering.BruteForce"/>.</summary>
internal static class Combinatorics
{
    /// <summary>C(n, k), saturating at <see cref="long.MaxValue"/>.</summary>
    public static long Binomial(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        k = Math.Min(k, n - k);
        decimal c = 1;
        for (var i = 1; i <= k; i++)
        {
            c = c * (n - k + i) / i;
            if (c > long.MaxValue) return long.MaxValue;
        }
        return (long)c;
    }

    /// <summary>
    /// The k-subset of candidates with the largest covered weight, first in lexicographic order
    /// among equals. Depth-first with a per-point cover count, so each step costs one cover list;
    /// the running weight is kept per depth (never subtracted) so no rounding drift builds up.
    /// </summary>
    public static int[] BestSubset(PreparedInstance inst, int k)
    {
        var m = inst.Candidates;
        if (k == 0 || m == 0) return [];
        var count = new int[inst.Points];
        for (var i = 0; i < inst.Points; i++)
            if (inst.AlreadyCovered[i]) count[i] = 1;

        var current = new int[k];
        var best = new int[k];
        var bestWeight = double.NegativeInfinity;
        var weightAt = new double[k + 1];

        void Visit(int depth, int from)
        {
            if (depth == k)
            {
                if (weightAt[k] > bestWeight)
                {
                    bestWeight = weightAt[k];
                    current.CopyTo(best, 0);
                }
                return;
            }
            for (var j = from; j <= m - (k - depth); j++)
            {
                double gain = 0;
                foreach (var i in inst.Covers[j])
                    if (count[i]++ == 0) gain += inst.Weights[i];
                current[depth] = j;
                weightAt[depth + 1] = weightAt[depth] + gain;
                Visit(depth + 1, j + 1);
                foreach (var i in inst.Covers[j])
                    count[i]--;
            }
        }

        Visit(0, 0);
        return best;
    }
}
