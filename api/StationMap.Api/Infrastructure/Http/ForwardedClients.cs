using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// Behind a reverse proxy (nginx in front of several instances) every request arrives from the
/// proxy's address, so per-client limits would count every client as one. X-Forwarded-For (and
/// -Proto) is taken, through ASP.NET Core's ForwardedHeaders middleware, only from the proxies named
/// in <c>StationMap:ForwardedHeaders:KnownProxies</c> (default 127.0.0.1 and ::1: a proxy on the same
/// machine); from any other peer the header is ignored, so a client cannot choose its own address.
/// One hop is taken (ForwardLimit 1): the address the known proxy saw. An empty list turns it off.
/// </summary>
public static class ForwardedClients
{
    public static readonly string[] DefaultProxies = ["127.0.0.1", "::1"];

    public static IServiceCollection AddForwardedClients(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection("StationMap:ForwardedHeaders:KnownProxies");
        var proxies = section.Exists() ? section.Get<string[]>() ?? [] : DefaultProxies;
        // A single value from the environment (StationMap__ForwardedHeaders__KnownProxies=10.0.0.2,10.0.0.3) as a list too.
        if (section.Value is { Length: > 0 } single) proxies = single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var p in proxies)
                o.KnownProxies.Add(IPAddress.TryParse(p, out var address) ? address
                    : throw new InvalidOperationException($"StationMap:ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
        });
        return services;
    }
}
