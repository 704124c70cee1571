namespace StationMap.Routing;

/// <summary>
/// A road graph as flat arrays, exactly as stored in PostGIS (<c>stationmap.road_vertex</c> and
/// <c>stationmap.road_edge</c> of one graph version). Vertex and edge ids are dense, 0-based indexes.
/// This is the hand-over format between the importer / database loader and the routing engine.
/// </summary>
public sealed class GraphData
{
    public required long Version { get; init; }

    /// <summary>WGS-84 longitude of each vertex; index = vertex id.</summary>
    public required double[] VertexLon { get; init; }

    /// <summary>WGS-84 latitude of each vertex; index = vertex id.</summary>
    public required double[] VertexLat { get; init; }

    /// <summary>Start vertex of each edge (the first point of its geometry); index = edge id.</summary>
    public required int[] EdgeSource { get; init; }

    /// <summary>End vertex of each edge (the last point of its geometry).</summary>
    public required int[] EdgeTarget { get; init; }

    /// <summary>Geodesic length of each edge in metres.</summary>
    public required float[] EdgeLengthM { get; init; }

    /// <summary>
    /// Travel seconds source→target, indexed <c>[(int)mode][edge]</c>; <see cref="float.NaN"/> means the
    /// mode may not use the edge in that direction.
    /// </summary>
    public required float[][] ForwardSeconds { get; init; }

    /// <summary>Travel seconds target→source, indexed <c>[(int)mode][edge]</c>; NaN = forbidden.</summary>
    public required float[][] BackwardSeconds { get; init; }

    /// <summary>
    /// Edge geometry: the points of edge <c>e</c> are <c>GeometryLon/Lat[GeometryOffsets[e] .. GeometryOffsets[e+1])</c>,
    /// from source to target, both end vertices included. Length = edge count + 1.
    /// </summary>
    public required int[] GeometryOffsets { get; init; }

    public required double[] GeometryLon { get; init; }

    public required double[] GeometryLat { get; init; }

    public int VertexCount => VertexLon.Length;

    public int EdgeCount => EdgeSource.Length;
}
