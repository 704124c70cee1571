using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// The query filter, set once on the API group (<see cref="ForApi"/>): it rejects query parameters an
/// endpoint does not know (a typo such as <c>amenity=</c> for <c>amenities=</c> would otherwise be
/// silently ignored and return unfiltered results) and any <see cref="IQueryValue"/> that did not parse,
/// each as a 400 naming the parameter. The names an endpoint knows are read from its handler: the
/// <c>[FromQuery(Name = …)]</c> names of its <c>[AsParameters]</c> records and <c>[FromQuery]</c> parameters.
/// </summary>
public static class QueryParameters
{
    public static RouteGroupBuilder ForApi(this RouteGroupBuilder group)
    {
        group.AddEndpointFilterFactory((factory, next) =>
        {
            var allowed = new HashSet<string>(NamesOf(factory.MethodInfo), StringComparer.OrdinalIgnoreCase);
            var values = ValuesOf(factory.MethodInfo);
            return async context =>
            {
                var v = new Validation();
                var query = context.HttpContext.Request.Query;
                foreach (var name in query.Keys.Where(k => !allowed.Contains(k)))
                    v.Add(name, allowed.Count == 0
                        ? $"Unknown query parameter '{name}': this endpoint takes none."
                        : $"Unknown query parameter '{name}'. Allowed: {string.Join(", ", allowed.Order())}.");
                // A repeated parameter (lon=1&lon=2) reaches the binder joined with a comma, which the
                // number parser reads as a thousands separator (12): refuse it instead.
                foreach (var q in query.Where(q => allowed.Contains(q.Key) && q.Value.Count > 1))
                    v.Add(q.Key, $"{q.Key} is given more than once; give it once (lists are comma-separated in one value).");
                foreach (var (index, property, name) in values)
                    if (property.GetValue(context.Arguments[index]) is IQueryValue { Error: { } error })
                        v.Add(query.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? name,
                            string.Format(System.Globalization.CultureInfo.InvariantCulture, error, name));
                return v.IsValid ? await next(context) : v.Problem();
            };
        });
        return group;
    }

    /// <summary>The query names a handler binds.</summary>
    static IEnumerable<string> NamesOf(MethodInfo method)
    {
        foreach (var p in method.GetParameters())
        {
            if (p.GetCustomAttribute<AsParametersAttribute>() is not null)
                foreach (var c in p.ParameterType.GetConstructors().Single().GetParameters())
                    if (c.GetCustomAttribute<FromQueryAttribute>() is { } q) yield return q.Name ?? c.Name!;
            if (p.GetCustomAttribute<FromQueryAttribute>() is { } direct) yield return direct.Name ?? p.Name!;
        }
    }

    /// <summary>The self-parsing values inside [AsParameters] records: argument index, property, query name.</summary>
    static List<(int Index, PropertyInfo Property, string Name)> ValuesOf(MethodInfo method)
    {
        var result = new List<(int, PropertyInfo, string)>();
        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].GetCustomAttribute<AsParametersAttribute>() is null) continue;
            var type = parameters[i].ParameterType;
            foreach (var c in type.GetConstructors().Single().GetParameters())
            {
                var valueType = Nullable.GetUnderlyingType(c.ParameterType) ?? c.ParameterType;
                if (!typeof(IQueryValue).IsAssignableFrom(valueType)) continue;
                var property = type.GetProperty(c.Name!, BindingFlags.Public | BindingFlags.Instance)!;
                result.Add((i, property, c.GetCustomAttribute<FromQueryAttribute>()?.Name ?? c.Name!));
            }
        }
        return result;
    }
}
