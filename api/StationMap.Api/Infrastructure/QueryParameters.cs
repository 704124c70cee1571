using System.Reflection;
using Microsoft.AspNetCore.Mvc;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Rejects query parameters an endpoint does not know (a typo such as <c>amenity=</c> for
/// <c>amenities=</c> would otherwise be silently ignored and return unfiltered results).
/// </summary>
public static class QueryParameters
{
    /// <summary>Allows exactly the query names bound by <typeparamref name="TQuery"/> (an [AsParameters] record).</summary>
    public static TBuilder AllowOnlyQueryOf<TQuery, TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowOnlyQuery(NamesOf(typeof(TQuery)));

    public static TBuilder AllowOnlyQuery<TBuilder>(this TBuilder builder, params string[] names) where TBuilder : IEndpointConventionBuilder
    {
        var allowed = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        builder.AddEndpointFilter(async (context, next) =>
        {
            var query = context.HttpContext.Request.Query;
            var unknown = query.Keys.Where(k => !allowed.Contains(k)).ToList();
            // A repeated parameter (lon=1&lon=2) reaches the binder joined with a comma, which the
            // number parser reads as a thousands separator (12): refuse it instead.
            var repeated = query.Where(q => allowed.Contains(q.Key) && q.Value.Count > 1).Select(q => q.Key).ToList();
            if (unknown.Count == 0 && repeated.Count == 0) return await next(context);
            var v = new Validation();
            foreach (var name in unknown)
                v.Add(name, $"Unknown query parameter '{name}'. Allowed: {string.Join(", ", allowed.Order())}.");
            foreach (var name in repeated)
                v.Add(name, $"{name} is given more than once; give it once (lists are comma-separated in one value).");
            return v.Problem();
        });
        return builder;
    }

    /// <summary>The [FromQuery] names of the record's constructor parameters (each one must carry one).</summary>
    static string[] NamesOf(Type type) =>
        type.GetConstructors().Single().GetParameters()
            .Select(p => p.GetCustomAttribute<FromQueryAttribute>()?.Name
                         ?? throw new InvalidOperationException($"{type.Name}.{p.Name} needs [FromQuery(Name = ...)]"))
            .ToArray();
}
