using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Planning;

/// <summary>
/// Reads a planning request body (JSON, snake_case) strictly: bad JSON is a 400 naming <c>body</c>,
/// a field the request type does not have is a 400 naming it (<c>add[0].lng</c>), a value of the
/// wrong type a 400 naming its path. Nothing unvalidated reaches the solver.
/// </summary>
public static class PlanningBody
{
    public static async Task<T?> ReadAsync<T>(HttpRequest request, Validation v, CancellationToken ct) where T : class
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            v.Add("body", $"body: invalid JSON ({e.Message})");
            return null;
        }
        if (node is not JsonObject obj)
        {
            v.Add("body", "body must be a JSON object.");
            return null;
        }
        CheckFields(obj, typeof(T), "", v);
        if (!v.IsValid) return null;
        try
        {
            return obj.Deserialize<T>(ApiJson.Options) ?? throw new JsonException("null body");
        }
        catch (JsonException e)
        {
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            var name = string.IsNullOrEmpty(path) ? "body" : path;
            v.Add(name, $"{name} has the wrong JSON type or shape (see the request schema in /swagger)");
            return null;
        }
    }

    static readonly JsonNamingPolicy Names = JsonNamingPolicy.SnakeCaseLower;

    static void CheckFields(JsonObject obj, Type type, string prefix, Validation v)
    {
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => Names.ConvertName(p.Name), StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (!props.TryGetValue(key, out var prop))
            {
                v.Add(path, $"Unknown field '{path}'. Allowed: {string.Join(", ", props.Keys.Order())}.");
                continue;
            }
            var t = Nullable.GetUnderlyingType(prop.PropertyType) ?? prop.PropertyType;
            if (value is JsonObject child && IsRecord(t)) CheckFields(child, t, path, v);
            else if (value is JsonArray array && ElementType(t) is { } element && IsRecord(element))
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is JsonObject item) CheckFields(item, element, $"{path}[{i}]", v);
        }
    }

    static bool IsRecord(Type t) => t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t);

    static Type? ElementType(Type t) => t.IsArray ? t.GetElementType()
        : t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[0] : null;
}
