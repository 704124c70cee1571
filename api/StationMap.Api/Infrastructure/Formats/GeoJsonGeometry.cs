using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Infrastructure.Formats;

/// <summary>
/// Writes NTS geometries (SRID 4326) as RFC 7946 GeoJSON geometry objects, in the caller's crs,
/// rounded to 6 decimals (about 0.1 m). The one place polygon output is normalised, so every
/// GeoJSON answer obeys the same rules:
/// <list type="bullet">
/// <item>right-hand rule (RFC 7946 §3.1.6): outer rings counter-clockwise, holes clockwise, decided
///   on the coordinates actually written (after crs conversion and rounding);</item>
/// <item>no repeated consecutive positions (rounding can merge neighbours; they are dropped);</item>
/// <item>rings left with fewer than four positions are dropped (a polygon whose outer ring goes is dropped);</item>
/// <item>specks: polygon parts and holes whose area is below <c>minPartAreaM2</c> are dropped. Callers pass
///   the area of the raster cell that traced the polygon (<see cref="GeoJsonGeometry.CellArea"/>): anything
///   smaller than one cell is an artefact of the grid, not a place.</item>
/// </list>
/// Polygons are written as MultiPolygon (unless asked for a single Polygon) so a feature's geometry
/// type does not depend on its shape.
/// </summary>
public static class GeoJsonGeometry
{
    const int Decimals = 6;
    const double MetresPerDegreeLat = 110_574;   // WGS-84, mid latitudes; enough to compare with a cell area
    const double MetresPerDegreeLonAtEquator = 111_320;

    /// <summary>The area (m²) of one raster cell of side <paramref name="cellM"/> metres: the speck threshold for traced polygons.</summary>
    public static double CellArea(double cellM) => cellM * cellM;

    /// <summary>A WGS-84 point written in <paramref name="crs"/>.</summary>
    public static JsonObject Point(double lon, double lat, Crs crs)
    {
        var (x, y) = CoordinateSystems.FromWgs84(crs, lon, lat);
        return Position(x, y);
    }

    /// <summary>A point whose coordinates are already in the output crs.</summary>
    public static JsonObject Position(double x, double y) =>
        new() { ["type"] = "Point", ["coordinates"] = new JsonArray(x, y) };

    /// <summary>A (Multi)Polygon as a normalised MultiPolygon (or, with <paramref name="polygon"/>, a Polygon when it is one); points as points.</summary>
    public static JsonObject? Write(Geometry? geometry, Crs crs, double minPartAreaM2 = 0, bool polygon = false)
    {
        if (geometry is null) return null;
        if (geometry is Point p) return p.IsEmpty ? null : Point(p.X, p.Y, crs);
        var parts = new JsonArray();
        foreach (var part in Polygons(geometry))
            if (Polygon(part, crs, minPartAreaM2) is { } rings) parts.Add(rings);
        if (polygon && parts.Count == 1 && geometry is Polygon)
        {
            var single = parts[0]!;
            parts.RemoveAt(0);
            return new JsonObject { ["type"] = "Polygon", ["coordinates"] = single };
        }
        return new JsonObject { ["type"] = "MultiPolygon", ["coordinates"] = parts };
    }

    /// <summary>The polygons of a Polygon, MultiPolygon or collection, in order.</summary>
    static IEnumerable<Polygon> Polygons(Geometry g)
    {
        for (var i = 0; i < g.NumGeometries; i++)
        {
            var part = g.GetGeometryN(i);
            if (part is Polygon { IsEmpty: false } polygon) yield return polygon;
            else if (part is GeometryCollection nested && !ReferenceEquals(nested, g)) foreach (var q in Polygons(nested)) yield return q;
        }
    }

    static JsonArray? Polygon(Polygon polygon, Crs crs, double minAreaM2)
    {
        var shell = Ring(polygon.ExteriorRing.Coordinates, crs);
        if (shell is null) return null;
        var shellArea = SignedArea(shell);
        if (AreaM2(shellArea, shell) < minAreaM2 || shellArea == 0) return null;
        var rings = new JsonArray { Emit(shell, counterClockwise: true, shellArea) };
        foreach (var hole in polygon.InteriorRings)
        {
            var ring = Ring(hole.Coordinates, crs);
            if (ring is null) continue;
            var area = SignedArea(ring);
            if (area == 0 || AreaM2(area, ring) < minAreaM2) continue;
            rings.Add(Emit(ring, counterClockwise: false, area));
        }
        return rings;
    }

    /// <summary>Converted, rounded positions with consecutive repeats removed and the ring closed; null when fewer than four remain.</summary>
    static List<(double X, double Y)>? Ring(Coordinate[] coordinates, Crs crs)
    {
        var ring = new List<(double X, double Y)>(coordinates.Length);
        foreach (var c in coordinates)
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, c.X, c.Y);
            var point = (Math.Round(lon, Decimals), Math.Round(lat, Decimals));
            if (ring.Count == 0 || ring[^1] != point) ring.Add(point);
        }
        if (ring.Count > 1 && ring[0] == ring[^1]) ring.RemoveAt(ring.Count - 1);
        if (ring.Count < 3) return null;
        ring.Add(ring[0]);
        return ring;
    }

    /// <summary>Shoelace sum in degrees²: positive when counter-clockwise (lon east, lat north).</summary>
    static double SignedArea(List<(double X, double Y)> ring)
    {
        double sum = 0;
        for (var i = 0; i + 1 < ring.Count; i++) sum += ring[i].X * ring[i + 1].Y - ring[i + 1].X * ring[i].Y;
        return sum / 2;
    }

    /// <summary>Degrees² → m² on a local equirectangular scale at the ring's latitude (good to a few per cent for city-sized rings).</summary>
    static double AreaM2(double signedDegrees2, List<(double X, double Y)> ring)
    {
        var lat = ring.Average(p => p.Y);
        return Math.Abs(signedDegrees2) * MetresPerDegreeLat * MetresPerDegreeLonAtEquator * Math.Cos(lat * Math.PI / 180);
    }

    static JsonArray Emit(List<(double X, double Y)> ring, bool counterClockwise, double signedArea)
    {
        var reverse = (signedArea > 0) != counterClockwise;
        var array = new JsonArray();
        for (var i = 0; i < ring.Count; i++)
        {
            var (x, y) = ring[reverse ? ring.Count - 1 - i : i];
            array.Add(new JsonArray(x, y));
        }
        return array;
    }
}
