namespace StationMap.Routing.Tests;

/// <summary>An independent shortest-path oracle: Bellman–Ford straight over the GraphData edge arrays.</summary>
internal static class Oracle
{
    public static double[] BellmanFord(GraphData g, TravelMode mode, SearchDirection direction, params (int Vertex, double Seconds)[] seeds)
    {
        var dist = Enumerable.Repeat(double.PositiveInfinity, g.VertexCount).ToArray();
        foreach (var (v, t) in seeds)
        {
            dist[v] = Math.Min(dist[v], t);
        }

        var fwd = g.ForwardSeconds[(int)mode];
        var bwd = g.BackwardSeconds[(int)mode];
        for (var round = 0; round < g.VertexCount; round++)
        {
            var changed = false;
            for (var e = 0; e < g.EdgeCount; e++)
            {
                int s = g.EdgeSource[e], t = g.EdgeTarget[e];

                // Forward search relaxes along the travel direction, reverse search against it.
                if (!float.IsNaN(fwd[e]))
                {
                    changed |= direction == SearchDirection.Forward ? Relax(dist, s, t, fwd[e]) : Relax(dist, t, s, fwd[e]);
                }

                if (!float.IsNaN(bwd[e]))
                {
                    changed |= direction == SearchDirection.Forward ? Relax(dist, t, s, bwd[e]) : Relax(dist, s, t, bwd[e]);
                }
            }

            if (!changed)
            {
                break;
            }
        }

        return dist;
    }

    private static bool Relax(double[] dist, int from, int to, double cost)
    {
        if (dist[from] + cost < dist[to])
        {
            dist[to] = dist[from] + cost;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The graph with edge <paramref name="edge"/> split at <paramref name="fraction"/> by a new last vertex,
    /// costs shared in proportion: searching from that vertex is what a fractional start must equal.
    /// </summary>
    public static GraphData SplitEdge(GraphData g, int edge, double fraction)
    {
        int n = g.VertexCount, m = g.EdgeCount;
        var p = n;
        var src = g.EdgeSource.Append(p).ToArray();
        var tgt = g.EdgeTarget.Append(g.EdgeTarget[edge]).ToArray();
        tgt[edge] = p;
        var fwd = new float[TravelModes.Count][];
        var bwd = new float[TravelModes.Count][];
        for (var k = 0; k < TravelModes.Count; k++)
        {
            var f = g.ForwardSeconds[k];
            var b = g.BackwardSeconds[k];
            fwd[k] = f.Append((float)((1 - fraction) * f[edge])).ToArray();
            bwd[k] = b.Append((float)((1 - fraction) * b[edge])).ToArray();
            fwd[k][edge] = (float)(fraction * f[edge]);
            bwd[k][edge] = (float)(fraction * b[edge]);
        }

        // Geometry is irrelevant to times: give every edge a straight two-point geometry.
        var lon = new List<double>();
        var lat = new List<double>();
        var vLon = g.VertexLon.Append(g.VertexLon[g.EdgeSource[edge]]).ToArray();
        var vLat = g.VertexLat.Append(g.VertexLat[g.EdgeSource[edge]]).ToArray();
        var offsets = new int[m + 2];
        for (var e = 0; e <= m; e++)
        {
            offsets[e] = lon.Count;
            lon.Add(vLon[src[e]]);
            lat.Add(vLat[src[e]]);
            lon.Add(vLon[tgt[e]]);
            lat.Add(vLat[tgt[e]]);
        }

        offsets[m + 1] = lon.Count;
        return new GraphData
        {
            Version = g.Version,
            VertexLon = vLon,
            VertexLat = vLat,
            EdgeSource = src,
            EdgeTarget = tgt,
            EdgeLengthM = new float[m + 1],
            ForwardSeconds = fwd,
            BackwardSeconds = bwd,
            GeometryOffsets = offsets,
            GeometryLon = lon.ToArray(),
            GeometryLat = lat.ToArray(),
        };
    }

    /// <summary>The graph with every edge turned around (source and target swapped, geometry reversed).</summary>
    public static GraphData Transpose(GraphData g)
    {
        var lon = new double[g.GeometryLon.Length];
        var lat = new double[g.GeometryLat.Length];
        for (var e = 0; e < g.EdgeCount; e++)
        {
            int a = g.GeometryOffsets[e], z = g.GeometryOffsets[e + 1] - 1;
            for (var k = a; k <= z; k++)
            {
                lon[k] = g.GeometryLon[a + z - k];
                lat[k] = g.GeometryLat[a + z - k];
            }
        }

        return new GraphData
        {
            Version = g.Version,
            VertexLon = g.VertexLon,
            VertexLat = g.VertexLat,
            EdgeSource = g.EdgeTarget,
            EdgeTarget = g.EdgeSource,
            EdgeLengthM = g.EdgeLengthM,
            ForwardSeconds = g.ForwardSeconds,
            BackwardSeconds = g.BackwardSeconds,
            GeometryOffsets = g.GeometryOffsets,
            GeometryLon = lon,
            GeometryLat = lat,
        };
    }
}
