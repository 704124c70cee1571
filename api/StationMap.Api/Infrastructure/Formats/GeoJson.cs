using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Infrastructure.Formats;

/// <summary>
/// RFC 7946 geometry (§3.1) as this API writes it: Point, Polygon or MultiPolygon, right-hand winding,
/// no repeated positions, lon/lat in the answer's <c>coordinate_system</c>; null for a feature without a place.
/// </summary>
public sealed record GeoJsonGeometrySchema(string Type, JsonElement Coordinates);

/// <summary>A GeoJSON Feature (RFC 7946 §3.2). <c>coordinate_system</c> is present when the Feature is the whole answer.</summary>
public sealed record Feature<TProperties>(string Type, long? Id, GeoJsonGeometrySchema? Geometry, TProperties Properties);

/// <summary>The foreign members of a FeatureCollection that has none beyond <c>coordinate_system</c>.</summary>
public sealed record NoMembers;

/// <summary>
/// Schema of a GeoJSON FeatureCollection (RFC 7946 §3.3). <c>coordinate_system</c> is this API's one
/// foreign member naming the coordinates' datum: <c>wgs84</c> (RFC 7946's own), or <c>gcj02</c>/<c>bd09</c>
/// when asked for with <c>crs=</c>. There is never a <c>crs</c> member (RFC 7946 §4 removed it).
/// The other top-level members (paging, graph version, parameters, …) are foreign members of the
/// export, written before <c>features</c>.
/// </summary>
public sealed record FeatureCollection<TProperties, TMembers>(string Type, string CoordinateSystem, IReadOnlyList<Feature<TProperties>> Features);

/// <summary>
/// The JSON members of a properties record that a GeoJSON feature carries in its geometry instead
/// (a station's lon/lat): left out of the feature's properties when it is written and when it is
/// described, so the two cannot disagree.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class GeoJsonGeometryMembersAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>The members <paramref name="type"/> leaves to the geometry (none without the attribute).</summary>
    public static IReadOnlyList<string> Of(Type type) =>
        type.GetCustomAttributes(typeof(GeoJsonGeometryMembersAttribute), false) is [GeoJsonGeometryMembersAttribute a] ? a.Names : [];
}

/// <summary>Media type and member names shared by every GeoJSON answer.</summary>
public static class GeoJson
{
    public const string ContentType = "application/geo+json";

    /// <summary>The foreign member that says which datum the coordinates are in (wgs84 | gcj02 | bd09).</summary>
    public const string CoordinateSystemMember = "coordinate_system";

    /// <summary>A Feature object; <paramref name="geometry"/> from <see cref="GeoJsonGeometry"/>.</summary>
    public static JsonObject Feature(JsonNode? geometry, JsonObject properties, JsonNode? id = null)
    {
        var feature = new JsonObject { ["type"] = "Feature" };
        if (id is not null) feature["id"] = id;
        feature["geometry"] = geometry;
        feature["properties"] = properties;
        return feature;
    }

    /// <summary>A record's properties (snake_case, as in the JSON answers) without the members its geometry carries (<see cref="GeoJsonGeometryMembersAttribute"/>).</summary>
    public static JsonObject Properties<T>(T value)
    {
        var props = JsonSerializer.SerializeToNode(value, ApiJson.Options)!.AsObject();
        foreach (var name in GeoJsonGeometryMembersAttribute.Of(typeof(T))) props.Remove(name);
        return props;
    }

    /// <summary>A FeatureCollection without foreign members other than <c>coordinate_system</c>.</summary>
    public static GeoJson<TProperties> Collection<TProperties>(Crs crs, IEnumerable<JsonObject> features) =>
        new(Document(features, null), crs);

    /// <summary>
    /// A FeatureCollection whose foreign members are <paramref name="members"/>, serialised like the
    /// JSON answers (snake_case, nulls written) before <c>features</c>: the record is both what is
    /// sent and what the OpenAPI document describes.
    /// </summary>
    public static GeoJson<TProperties, TMembers> Collection<TProperties, TMembers>(Crs crs, IEnumerable<JsonObject> features, TMembers members) =>
        new(Document(features, JsonSerializer.SerializeToNode(members, ApiJson.Options)!.AsObject()), crs);

    static JsonObject Document(IEnumerable<JsonObject> features, JsonObject? members)
    {
        var document = new JsonObject { ["type"] = "FeatureCollection" };
        if (members is not null)
            foreach (var (key, value) in members.ToList())
            {
                members.Remove(key);
                document[key] = value;
            }
        document["features"] = new JsonArray([.. features]);
        return document;
    }
}

/// <summary>
/// An RFC 7946 GeoJSON answer (<c>application/geo+json</c>). Whatever the handler built, the document
/// never carries <c>crs</c> and always carries <c>coordinate_system</c> (right after <c>type</c>).
/// The body is serialised once, so a cached result can be sent many times.
/// </summary>
public abstract class GeoJsonResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    readonly byte[] _body;

    protected GeoJsonResult(JsonObject document, Crs crs)
    {
        document.Remove("crs");
        document.Remove("crs_name");
        var ordered = new JsonObject();
        foreach (var (key, value) in document.ToList())
        {
            document.Remove(key);
            ordered[key] = value;
            if (key == "type") ordered[GeoJson.CoordinateSystemMember] = CoordinateSystems.Name(crs);
        }
        ordered[GeoJson.CoordinateSystemMember] ??= CoordinateSystems.Name(crs);
        Document = ordered;
        _body = JsonSerializer.SerializeToUtf8Bytes(ordered, ApiJson.Options);
    }

    /// <summary>The document as sent.</summary>
    public JsonObject Document { get; }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => GeoJson.ContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = GeoJson.ContentType;
        httpContext.Response.ContentLength = _body.Length;
        await httpContext.Response.Body.WriteAsync(_body, httpContext.RequestAborted);
    }
}

/// <summary>A GeoJSON FeatureCollection whose features' properties are <typeparamref name="TProperties"/> (the OpenAPI schema).</summary>
public sealed class GeoJson<TProperties>(JsonObject document, Crs crs) : GeoJsonResult(document, crs), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(FeatureCollection<TProperties, NoMembers>), [GeoJson.ContentType]));
}

/// <summary>A GeoJSON FeatureCollection with features of <typeparamref name="TProperties"/> and the top-level members of <typeparamref name="TMembers"/>.</summary>
public sealed class GeoJson<TProperties, TMembers>(JsonObject document, Crs crs) : GeoJsonResult(document, crs), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(FeatureCollection<TProperties, TMembers>), [GeoJson.ContentType]));
}

/// <summary>A single GeoJSON Feature whose properties are <typeparamref name="TProperties"/>.</summary>
public sealed class GeoJsonFeature<TProperties>(JsonObject feature, Crs crs) : GeoJsonResult(feature, crs), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(Feature<TProperties>), [GeoJson.ContentType]));
}
