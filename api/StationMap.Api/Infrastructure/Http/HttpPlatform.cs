using System.IO.Compression;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.ResponseCompression;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// The HTTP conventions other apps rely on (DESIGN.md, "HTTP conventions for other apps"), as
/// middleware written once for every route: HEAD, compression, CORS, rate limits, control
/// characters, ETags and caching. Endpoints only map GET and write their body.
/// </summary>
public static class HttpPlatform
{
    /// <summary>Compressed on the fly: text and tiles (JSON, problem+json, GeoJSON, XML, CSV, MVT, SVG, JS, CSS, HTML).</summary>
    public static readonly string[] CompressedTypes =
    [
        "application/json", "application/problem+json", "application/geo+json", "application/merge-patch+json",
        "application/xml", "application/problem+xml",
        "text/csv", "application/vnd.mapbox-vector-tile", "image/svg+xml", "text/javascript", "application/javascript",
        "text/css", "text/html", "text/plain",
    ];

    public static IServiceCollection AddHttpPlatform(this IServiceCollection services, IConfiguration config)
    {
        services.AddResponseCompression(o =>
        {
            // No secrets are reflected into compressed bodies next to attacker-chosen text (keys are
            // headers, never echoed), so BREACH does not apply; compress over HTTPS as well.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = CompressedTypes;
        });
        // Brotli is what browsers take: its default quality (Optimal, 4) costs about half a
        // millisecond more than Fastest on a 40 KB nearest answer and sends ~40% fewer bytes
        // (8.1 → 4.7 KB; a road tile 7.2 → 6.1 KB), which on a phone on slow 4G (1.6 Mbit/s) is worth
        // far more than that CPU (issue 10: ≤ 350 KB for the first view). Gzip, for the few
        // clients without br, keeps the fastest level.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

        services.Configure<CorsSettings>(config.GetSection("StationMap:Cors"));
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, CorsPolicies>();

        services.AddForwardedClients(config);
        services.AddRateLimits(config);
        return services;
    }

    /// <summary>Before routing: HEAD as GET, compression, CORS (preflights answered here).</summary>
    public static IApplicationBuilder UseHttpEdge(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();   // the client's address from a known proxy's X-Forwarded-For (ForwardedClients)
        app.UseHeadAsGet();
        app.UseResponseCompression();
        app.UseCors();
        return app;
    }

    /// <summary>After routing and authentication: rate limits, control characters, ETags and Cache-Control.</summary>
    public static IApplicationBuilder UseHttpRequestPolicies(this IApplicationBuilder app)
    {
        app.UseRateLimits();
        app.Use(AllowHeadBesideGet);
        app.UseControlCharacterCheck();
        app.UseConditionalGets();
        return app;
    }

    /// <summary>Routing's own 405 (a path such as /healthz, outside /api) lists GET; HEAD is served wherever GET is.</summary>
    static Task AllowHeadBesideGet(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint()?.DisplayName == "405 HTTP Method Not Supported")
        {
            http.Response.OnStarting(() =>
            {
                var allow = http.Response.Headers.Allow.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                if (allow.Contains(HttpMethods.Get) && !allow.Contains(HttpMethods.Head))
                {
                    allow.Add(HttpMethods.Head);
                    allow.Sort(StringComparer.Ordinal);
                    http.Response.Headers.Allow = string.Join(", ", allow);
                }
                return Task.CompletedTask;
            });
        }
        return next(http);
    }
}
