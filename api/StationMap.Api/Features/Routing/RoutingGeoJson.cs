using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Api.Features.Routing;

/// <summary>GeoJSON for travel-time polygons, with coordinates in the caller's crs.</summary>
public static class RoutingGeoJson
{
    public static JsonObject Feature(Geometry geometry, Crs crs, JsonObject properties) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = Geometry(geometry, crs),
        ["properties"] = properties,
    };

    public static JsonObject Geometry(Geometry geometry, Crs crs)
    {
        var polygons = geometry switch
        {
            Polygon p => [p],
            MultiPolygon mp => mp.Geometries.Cast<Polygon>().ToArray(),
            _ => Array.Empty<Polygon>(),
        };
        var array = new JsonArray();
        foreach (var polygon in polygons.Where(p => !p.IsEmpty))
        {
            var rings = new JsonArray { Ring(polygon.ExteriorRing, crs) };
            foreach (var hole in polygon.InteriorRings) rings.Add(Ring(hole, crs));
            array.Add(rings);
        }
        return new JsonObject { ["type"] = "MultiPolygon", ["coordinates"] = array };
    }

    static JsonArray Ring(LineString ring, Crs crs)
    {
        var result = new JsonArray();
        foreach (var c in ring.Coordinates)
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, c.X, c.Y);
            result.Add(new JsonArray(Math.Round(lon, 6), Math.Round(lat, 6)));
        }
        return result;
    }

    public static string ModeName(TravelMode mode) => mode.Name();
}
