using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Buffer;

namespace StationMap.Routing;

/// <summary>
/// The area a road graph answers for: the convex hull of its vertices widened by a margin (the snap
/// limit, so a point near the outermost road still belongs to the region), as a WGS-84 polygon.
/// Computed in a local metric projection centred on the graph, so the margin is in metres.
/// </summary>
public static class RegionHull
{
    public const double DefaultMarginM = 500;

    /// <summary>The widened hull of <paramref name="data"/>'s vertices; null for a graph without vertices.</summary>
    public static Polygon? Compute(GraphData data, double marginM = DefaultMarginM)
    {
        ArgumentNullException.ThrowIfNull(data);
        var n = data.VertexCount;
        if (n == 0)
        {
            return null;
        }

        double minLon = double.MaxValue, maxLon = double.MinValue, minLat = double.MaxValue, maxLat = double.MinValue;
        for (var v = 0; v < n; v++)
        {
            minLon = Math.Min(minLon, data.VertexLon[v]);
            maxLon = Math.Max(maxLon, data.VertexLon[v]);
            minLat = Math.Min(minLat, data.VertexLat[v]);
            maxLat = Math.Max(maxLat, data.VertexLat[v]);
        }

        var projection = new LocalProjection((minLon + maxLon) / 2, (minLat + maxLat) / 2);
        var points = new Coordinate[n];
        for (var v = 0; v < n; v++)
        {
            points[v] = new Coordinate(projection.X(data.VertexLon[v]), projection.Y(data.VertexLat[v]));
        }

        var factory = RoutingEngine.GeometryFactory;
        var hull = factory.CreateMultiPointFromCoords(points).ConvexHull();
        var widened = hull.Buffer(marginM, new BufferParameters { QuadrantSegments = 4 });
        var shell = widened is Polygon p ? p.ExteriorRing.Coordinates : widened.ConvexHull().Coordinates;
        var ring = new Coordinate[shell.Length];
        for (var i = 0; i < shell.Length; i++)
        {
            ring[i] = new Coordinate(projection.Lon(shell[i].X), projection.Lat(shell[i].Y));
        }

        return factory.CreatePolygon(ring);
    }
}
