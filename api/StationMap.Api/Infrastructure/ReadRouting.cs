using System.Globalization;
using Npgsql;

namespace StationMap.Api.Infrastructure;

/// <summary>Marks an endpoint whose reads may lag the primary a little (tiles, lists): they go to the read data source.</summary>
public sealed class ReadsMayLag
{
    public static readonly ReadsMayLag Instance = new();
}

/// <summary>
/// Where a read goes. With <c>ConnectionStrings:Read</c> set (e.g. Npgsql multi-host with
/// <c>Target Session Attributes=prefer-standby</c>), endpoints marked <see cref="ReadsMayLag"/> read from it;
/// everything else, and every request of a client that wrote in the last
/// <c>StationMap:ReadYourWritesSeconds</c> (cookie <see cref="Cookie"/>, set on each successful write) or that
/// sends <c>Cache-Control: no-cache</c>, reads from the primary. Without the setting there is one data source.
/// </summary>
public sealed class ReadRouting(NpgsqlDataSource primary, NpgsqlDataSource? replica, TimeProvider clock)
{
    /// <summary>Holds the Unix time (seconds) until which this client's reads go to the primary.</summary>
    public const string Cookie = "sm-read-primary";

    public bool HasReplica => replica is not null;

    /// <summary>Drops the replica pool's idle connections (after an outage: they may all be dead).</summary>
    public void ClearReplica() => replica?.Clear();

    /// <summary>The data source for a read of the current request: the replica only for a lag-tolerant endpoint of a client that has not just written.</summary>
    public NpgsqlDataSource For(HttpContext? http) =>
        replica is not null && http is not null && http.GetEndpoint()?.Metadata.GetMetadata<ReadsMayLag>() is not null && !Pinned(http.Request)
            ? replica
            : primary;

    /// <summary>True when the request must see the latest writes: a fresh read-your-writes cookie or Cache-Control: no-cache.</summary>
    public bool Pinned(HttpRequest request)
    {
        if (request.Headers.CacheControl.Any(v => v is not null && v.Contains("no-cache", StringComparison.OrdinalIgnoreCase))) return true;
        return request.Cookies.TryGetValue(Cookie, out var until)
               && long.TryParse(until, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
               && seconds >= clock.GetUtcNow().ToUnixTimeSeconds();
    }

    /// <summary>The cookie a successful write sets: reads of the next <paramref name="window"/> go to the primary.</summary>
    public void MarkWrite(HttpResponse response, TimeSpan window)
    {
        var until = clock.GetUtcNow().Add(window).ToUnixTimeSeconds();
        response.Cookies.Append(Cookie, until.ToString(CultureInfo.InvariantCulture), new CookieOptions
        {
            MaxAge = window,
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });
    }
}

public static class ReadRoutingExtensions
{
    /// <summary>Reads of this endpoint may come from the replica (ConnectionStrings:Read) unless the client just wrote.</summary>
    public static RouteHandlerBuilder ReadsMayLag(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(Infrastructure.ReadsMayLag.Instance);

    /// <summary>
    /// With a replica configured, every successful unsafe request (POST, PUT, PATCH, DELETE answered below 400)
    /// sets the read-your-writes cookie, so the same client's reads in the next seconds see the write.
    /// </summary>
    public static IApplicationBuilder UseReadYourWrites(this IApplicationBuilder app)
    {
        var routing = app.ApplicationServices.GetRequiredService<ReadRouting>();
        if (!routing.HasReplica) return app;
        var window = TimeSpan.FromSeconds(Math.Max(1, app.ApplicationServices
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<StationMapOptions>>().Value.ReadYourWritesSeconds));
        return app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method))
            {
                http.Response.OnStarting(() =>
                {
                    if (http.Response.StatusCode < 400) routing.MarkWrite(http.Response, window);
                    return Task.CompletedTask;
                });
            }
            await next(http);
        });
    }
}
