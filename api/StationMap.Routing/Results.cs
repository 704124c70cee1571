using NetTopologySuite.Geometries;

namespace StationMap.Routing;

/// <summary>
/// Vertices reached by a bounded search, in non-decreasing order of <see cref="Seconds"/> (seconds from the
/// origin for a forward search, to the origin for a reverse one).
/// </summary>
public sealed class ReachResult
{
    internal ReachResult(TravelMode mode, SearchDirection direction, double boundSeconds, int[] vertices, double[] seconds, ReachedSpan[] spans)
    {
        Mode = mode;
        Direction = direction;
        BoundSeconds = boundSeconds;
        Vertices = vertices;
        Seconds = seconds;
        Spans = spans;
    }

    public TravelMode Mode { get; }
    public SearchDirection Direction { get; }
    public double BoundSeconds { get; }
    public IReadOnlyList<int> Vertices { get; }
    public IReadOnlyList<double> Seconds { get; }

    /// <summary>
    /// Parts of edges reached within the bound (including frontier edges reached part-way and the start
    /// edge); empty unless requested. An edge reached from both ends appears twice.
    /// </summary>
    public IReadOnlyList<ReachedSpan> Spans { get; }
}

/// <summary>
/// Edge <see cref="Edge"/> is reached between fractions <see cref="FromFraction"/> and <see cref="ToFraction"/>
/// (0 = source, 1 = target), with the times at both ends of the span.
/// </summary>
public readonly record struct ReachedSpan(int Edge, double FromFraction, double ToFraction, double SecondsAtFrom, double SecondsAtTo);

/// <summary>One cut-off of an isochrone: a valid WGS-84 Polygon or MultiPolygon and its area.</summary>
public sealed record IsochroneBand(double Minutes, Geometry Geometry, double AreaKm2);

/// <summary>Nested isochrone bands (smallest first) from one search.</summary>
public sealed record IsochroneResult(
    long GraphVersion,
    TravelMode Mode,
    SearchDirection Direction,
    SnapResult? Origin,
    IReadOnlyList<IsochroneBand> Bands,
    double CellSizeM,
    int ReachedVertexCount);

/// <summary>
/// For every vertex, the nearest source (index into the sources given) and its seconds: from the source for
/// a forward search, to the source for a reverse one. -1 / +∞ where no source is within the bound.
/// </summary>
public sealed class NearestSourceResult
{
    internal NearestSourceResult(TravelMode mode, SearchDirection direction, double boundSeconds, SnapResult[] sources, int[] source, double[] seconds)
    {
        Mode = mode;
        Direction = direction;
        BoundSeconds = boundSeconds;
        Sources = sources;
        SourceOf = source;
        SecondsOf = seconds;
    }

    public TravelMode Mode { get; }
    public SearchDirection Direction { get; }
    public double BoundSeconds { get; }
    public IReadOnlyList<SnapResult> Sources { get; }

    /// <summary>Index of the nearest source per vertex; -1 when none within the bound.</summary>
    public IReadOnlyList<int> SourceOf { get; }

    /// <summary>Seconds to/from the nearest source per vertex; +∞ when none within the bound.</summary>
    public IReadOnlyList<double> SecondsOf { get; }

    internal int[] SourceArray => (int[])SourceOf;
    internal double[] SecondsArray => (double[])SecondsOf;

    private Dictionary<int, int[]>? _byEdge;

    /// <summary>Source indexes per edge (built once on first use): the same-edge check of a point costs O(1), not O(sources).</summary>
    internal IReadOnlyDictionary<int, int[]> SourcesByEdge => LazyInitializer.EnsureInitialized(ref _byEdge, () =>
        Enumerable.Range(0, Sources.Count).GroupBy(i => Sources[i].Edge).ToDictionary(g => g.Key, g => g.ToArray()));
}
