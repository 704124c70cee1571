using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>Settings of <c>StationMap:Cors</c>.</summary>
public sealed class CorsSettings
{
    /// <summary>Origins that may read (GET/HEAD) from a browser; "*" or unset (the default) is any origin.</summary>
    /// <remarks>Null rather than ["*"] by default: the configuration binder appends to an array it finds filled.</remarks>
    public string[]? ReadOrigins { get; set; }
    /// <summary>Origins that may write (POST/PUT/PATCH/DELETE) from a browser; none by default.</summary>
    public string[] WriteOrigins { get; set; } = [];
    /// <summary>How long a browser may cache a preflight answer (Access-Control-Max-Age).</summary>
    public int PreflightMaxAgeSeconds { get; set; } = 600;
}

/// <summary>
/// Two CORS policies chosen by method, so no endpoint has to name one: reads and tiles are public
/// data that any origin's map or dashboard may fetch; writes carry an API key and are allowed only
/// from the origins an operator configured. A preflight is judged by the method it asks for. No
/// credentials mode: keys travel in headers, never cookies, so "*" is safe for reads.
/// </summary>
public sealed class CorsPolicies(IOptions<CorsSettings> settings) : ICorsPolicyProvider
{
    /// <summary>Request headers a client may send (preflight Access-Control-Allow-Headers).</summary>
    public static readonly string[] RequestHeaders =
        ["X-Api-Key", "Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "Accept", "Accept-Language"];

    /// <summary>Response headers a script on another origin may read.</summary>
    public static readonly string[] ExposedHeaders =
        ["ETag", "Link", "Retry-After", "RateLimit", "RateLimit-Policy", "Content-Disposition", "Location", "Idempotent-Replayed"];

    readonly CorsPolicy _reads = Build(settings.Value.ReadOrigins ?? ["*"], ["GET", "HEAD"], settings.Value.PreflightMaxAgeSeconds);
    readonly CorsPolicy _writes = Build(settings.Value.WriteOrigins, ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], settings.Value.PreflightMaxAgeSeconds);

    static CorsPolicy Build(string[] origins, string[] methods, int maxAge)
    {
        var b = new CorsPolicyBuilder().WithMethods(methods).WithHeaders(RequestHeaders).WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromSeconds(maxAge));
        if (origins.Contains("*")) b.AllowAnyOrigin();
        else b.WithOrigins(origins.Select(o => o.TrimEnd('/')).ToArray());
        return b.Build();
    }

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsOptions(method) && context.Request.Headers.AccessControlRequestMethod is { Count: > 0 } asked)
            method = asked.ToString();
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        return Task.FromResult<CorsPolicy?>(read ? _reads : _writes);
    }
}
