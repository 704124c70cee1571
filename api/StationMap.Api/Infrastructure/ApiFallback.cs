using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// What a request under /api that no endpoint took gets: 405 (with <c>Allow</c>) when the path exists
/// for other methods, 415 when the method exists but not for the request's Content-Type, else 404 —
/// a problem in every case, never the client's index.html. The catch-all route wins over routing's
/// own 405/415 answers (it matches every path and method), so it works them out itself from the
/// other endpoints' patterns, constraints included ("stations/abc" is not "stations/{id:long}").
/// </summary>
public static class ApiFallback
{
    const string Pattern = "/api/{**rest}";

    public static WebApplication MapApiFallback(this WebApplication app)
    {
        app.Map(Pattern, Handle).ExcludeFromDescription();
        return app;
    }

    static IResult Handle(HttpContext http, EndpointDataSource endpoints, IInlineConstraintResolver constraints)
    {
        var request = http.Request;
        var matching = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != Pattern && Matches(e.RoutePattern, http, constraints))
            .ToList();
        if (matching.Count > 0)
        {
            var forMethod = matching.Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } m
                                                || m.Contains(request.Method, StringComparer.OrdinalIgnoreCase)).ToList();
            if (forMethod.Count == 0)
            {
                var allowed = matching.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods).Distinct().ToList();
                // Every GET route answers HEAD too (Http.HeadRequests runs HEAD as GET).
                if (allowed.Contains(HttpMethods.Get) && !allowed.Contains(HttpMethods.Head)) allowed.Add(HttpMethods.Head);
                allowed.Sort(StringComparer.Ordinal);
                http.Response.Headers.Allow = string.Join(", ", allowed);
                return Problems.Of(Problems.MethodNotAllowed, $"{request.Path} does not take {request.Method}; it takes {string.Join(", ", allowed)}.");
            }
            var types = forMethod.SelectMany(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []).Distinct().ToList();
            if (types.Count > 0)
                return Problems.Of(Problems.UnsupportedMediaType, $"{request.Method} {request.Path} takes a body of type {string.Join(", ", types)}; " +
                                                               $"got {(string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : request.ContentType)}.");
        }
        return Problems.Of(Problems.RouteNotFound, $"{request.Method} {request.Path} is not part of the StationMap API; see /swagger.");
    }

    static bool Matches(RoutePattern pattern, HttpContext http, IInlineConstraintResolver resolver)
    {
        var values = new RouteValueDictionary();
        if (!new TemplateMatcher(new RouteTemplate(pattern), new RouteValueDictionary()).TryMatch(http.Request.Path, values)) return false;
        foreach (var parameter in pattern.Parameters)
            foreach (var policy in parameter.ParameterPolicies)
            {
                if (policy.Content is null || resolver.ResolveConstraint(policy.Content) is not { } constraint) continue;
                if (!constraint.Match(http, null, parameter.Name, values, RouteDirection.IncomingRequest)) return false;
            }
        return true;
    }
}
