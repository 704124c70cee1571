namespace StationMap.Planning;

/// <summary>
/// The part of an instance that matters to an exact model: demand points that are not yet covered,
/// have positive weight and are covered by at least one candidate, grouped by the exact set of
/// candidates that cover them. Two points with the same covering set are indistinguishable to
/// every solution (both covered or both not), so one variable with the summed weight replaces
/// them. On road-network data neighbouring points usually reach the same candidates, so this
/// shrinks the model by a large factor.
/// </summary>
internal sealed class CollapsedModel
{
    /// <summary>Summed weight per group, in the caller's units.</summary>
    public double[] GroupWeight { get; }

    /// <summary>Covering candidates per group (ascending).</summary>
    public int[][] GroupCandidates { get; }

    /// <summary>Σ over groups of the covering-set size: the number of terms in the y ≤ Σx constraints.</summary>
    public long NonZeros { get; }

    /// <summary>Candidates that cover at least one group (the only ones worth a variable).</summary>
    public int[] UsefulCandidates { get; }

    private CollapsedModel(double[] weight, int[][] candidates, long nonZeros, int[] useful)
    {
        GroupWeight = weight;
        GroupCandidates = candidates;
        NonZeros = nonZeros;
        UsefulCandidates = useful;
    }

    public static CollapsedModel Build(PreparedInstance inst) => Build(inst, long.MaxValue)!;

    /// <param name="inst">The validated instance.</param>
    /// <param name="stopAboveNonZeros">Give up (return null) as soon as the collapsed model has more nonzeros than this; a size check then costs no more than the part of the model it needs to see.</param>
    public static CollapsedModel? Build(PreparedInstance inst, long stopAboveNonZeros)
    {
        var n = inst.Points;
        bool Relevant(int i) => !inst.AlreadyCovered[i] && inst.Weights[i] > 0;

        // Transpose the cover lists (candidate → points) into point → candidates, in CSR form.
        // Candidates are visited in ascending order, so each point's list comes out sorted.
        var count = new int[n + 1];
        foreach (var cover in inst.Covers)
            foreach (var i in cover)
                if (Relevant(i)) count[i + 1]++;
        for (var i = 0; i < n; i++) count[i + 1] += count[i];
        var start = (int[])count.Clone();
        var flat = new int[count[n]];
        for (var j = 0; j < inst.Covers.Length; j++)
            foreach (var i in inst.Covers[j])
                if (Relevant(i)) flat[start[i]++] = j;

        var groups = new Dictionary<SetKey, int>();
        var weights = new List<double>();
        var sets = new List<int[]>();
        long nonZeros = 0;
        for (var i = 0; i < n; i++)
        {
            var length = count[i + 1] - count[i];
            if (length == 0) continue;   // not relevant, or no candidate reaches it
            var key = new SetKey(flat, count[i], length);
            if (groups.TryGetValue(key, out var g))
            {
                weights[g] += inst.Weights[i];
                continue;
            }
            groups.Add(key, weights.Count);
            weights.Add(inst.Weights[i]);
            sets.Add(flat.AsSpan(count[i], length).ToArray());
            nonZeros += length;
            if (nonZeros > stopAboveNonZeros) return null;
        }

        var useful = sets.SelectMany(s => s).Distinct().Order().ToArray();
        return new CollapsedModel(weights.ToArray(), sets.ToArray(), nonZeros, useful);
    }

    /// <summary>
    /// Integer objective coefficients for CP-SAT, which only takes integers. The scale is a power of
    /// two (so scaling itself is exact) chosen so that the total scaled weight is about 2^40: large
    /// enough that rounding each group to the nearest integer moves it by at most 2^-41 of the total
    /// weight (a fixed ×1000 would lose small weights entirely on a layer whose weights are
    /// fractions), small enough that every sum stays far below the 2^63 int64 limit and within the
    /// 2^53 range where CP-SAT's floating-point LP relaxation is exact. The optimum is therefore
    /// the optimum of the rounded weights; callers recompute the covered weight in doubles.
    /// </summary>
    /// <param name="scale">Integer units per unit of weight.</param>
    public long[] ScaledWeights(out double scale)
    {
        var total = GroupWeight.Sum();
        var scaled = new long[GroupWeight.Length];
        scale = 0;
        if (total <= 0) return scaled;
        var exponent = (int)Math.Floor(40 - Math.Log2(total));
        scale = Math.ScaleB(1.0, Math.Clamp(exponent, -1000, 1000));
        for (var g = 0; g < scaled.Length; g++)
            scaled[g] = (long)Math.Round(GroupWeight[g] * scale, MidpointRounding.AwayFromZero);
        return scaled;
    }

    /// <summary>A slice of the CSR array compared by content; the hash is computed once.</summary>
    private readonly struct SetKey : IEquatable<SetKey>
    {
        private readonly int[] _data;
        private readonly int _start;
        private readonly int _length;
        private readonly int _hash;

        public SetKey(int[] data, int start, int length)
        {
            _data = data;
            _start = start;
            _length = length;
            var h = new HashCode();
            h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan(start, length)));
            _hash = h.ToHashCode();
        }

        public bool Equals(SetKey other) =>
            _hash == other._hash && _data.AsSpan(_start, _length).SequenceEqual(other._data.AsSpan(other._start, other._length));

        public override bool Equals(object? obj) => obj is SetKey k && Equals(k);
        public override int GetHashCode() => _hash;
    }
}
