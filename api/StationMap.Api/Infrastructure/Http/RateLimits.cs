using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>One limit: <see cref="PermitLimit"/> requests per fixed window of <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 1;
}

/// <summary>Settings of <c>StationMap:RateLimits</c> (documented in the README).</summary>
public sealed class RateLimitSettings
{
    /// <summary>
    /// Calls without a key, per client address (IPv6 per /64). A map load fires a few dozen tile and
    /// data requests at once; 100 a second leaves room for that and for fast panning, yet stops a
    /// client that fires hundreds a second.
    /// </summary>
    public RateLimitRule Anonymous { get; set; } = new() { PermitLimit = 100, WindowSeconds = 1 };
    /// <summary>Calls with a valid API key, per key (importers and other back ends).</summary>
    public RateLimitRule Keyed { get; set; } = new() { PermitLimit = 200, WindowSeconds = 1 };
    /// <summary>Calls whose key is unknown or revoked, per client address: slows down key guessing.</summary>
    public RateLimitRule AuthFailures { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };
}

/// <summary>
/// Where limiter state lives. In process by default; a store shared by several API instances
/// (Redis, say) replaces this registration and keeps everything else. The key already names the
/// policy, the client and the clock-aligned window ("anonymous:203.0.113.7:29401234"), so a shared
/// store only has to count per key and may expire a key after its window.
/// </summary>
public interface IRateLimitStore
{
    RateLimitPartition<string> Partition(string windowKey, RateLimitRule rule);

    /// <summary>Where requests are counted now (GET /api/v1/status).</summary>
    RateLimitStoreStatus Status { get; }
}

/// <summary>Each instance counts alone (the default, and <see cref="RedisRateLimitStore"/>'s fallback).</summary>
public sealed class InProcessRateLimitStore : IRateLimitStore
{
    public RateLimitPartition<string> Partition(string windowKey, RateLimitRule rule) =>
        RateLimitPartition.Get(windowKey, _ => Limiter(rule));

    public RateLimitStoreStatus Status => new("in-process", false, false, 0, null);

    internal FixedWindowRateLimiter Limiter(RateLimitRule rule) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = rule.PermitLimit,
        // The window is in the key: a new window is a new limiter with a full quota, and an old
        // one goes idle and is dropped. Never replenish (or queue) inside one.
        Window = TimeSpan.FromSeconds(rule.WindowSeconds) * 2,
        AutoReplenishment = false,
        QueueLimit = 0,
    });
}

/// <summary>Which limit a request counts against, and the window it falls in.</summary>
sealed record RateLimitBucket(string Policy, RateLimitRule Rule, string WindowKey, long WindowEndUnixSeconds)
{
    public int SecondsLeft(long nowUnixSeconds) => (int)Math.Max(1, WindowEndUnixSeconds - nowUnixSeconds);
    public string PolicyHeader => $"\"{Policy}\";q={Rule.PermitLimit};w={Rule.WindowSeconds}";
}

/// <summary>
/// Rate limits with ASP.NET Core's limiter, as the global limiter (every route, no per-endpoint
/// wiring): per API key for keyed calls, per client address for anonymous ones, and a strict
/// per-address limit for calls whose key fails authentication (so it runs after authentication).
/// Windows are fixed and aligned to the clock, so <c>RateLimit</c>'s reset time is exact and a shared
/// store needs no coordination. Health probes are never limited. Answers carry
/// <c>RateLimit-Policy</c> and <c>RateLimit</c> (draft-ietf-httpapi-ratelimit-headers); a refusal is
/// a 429 problem with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string ProblemType = "/problems/rate-limited";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<RateLimitSettings>(config.GetSection("StationMap:RateLimits"));
        // StationMap:Redis (a StackExchange.Redis configuration string): limits shared by every instance, per instance while Redis is down.
        var redis = config["StationMap:Redis"];
        if (string.IsNullOrWhiteSpace(redis)) services.AddSingleton<IRateLimitStore, InProcessRateLimitStore>();
        else services.AddSingleton<IRateLimitStore>(sp => new RedisRateLimitStore(redis,
            "stationmap-" + sp.GetRequiredService<Instances.InstanceIdentity>().Id, sp.GetRequiredService<ILogger<RedisRateLimitStore>>()));
        services.AddSingleton(sp => Create(sp.GetRequiredService<IRateLimitStore>(), sp.GetRequiredService<IOptions<RateLimitSettings>>().Value, TimeProvider.System));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<PartitionedRateLimiter<HttpContext>>((o, limiter) =>
        {
            o.GlobalLimiter = limiter;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, ct) => Reject(context.HttpContext, ct);
        });
        return services;
    }

    /// <summary>The limiter, then the RateLimit headers on whatever the request is answered with.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        return app.Use((http, next) =>
        {
            if (http.Features.Get<RateLimitBucket>() is { } bucket)
            {
                var limiter = http.RequestServices.GetRequiredService<PartitionedRateLimiter<HttpContext>>();
                var left = limiter.GetStatistics(http)?.CurrentAvailablePermits ?? 0;
                var headers = http.Response.Headers;
                headers["RateLimit-Policy"] = bucket.PolicyHeader;
                headers["RateLimit"] = $"\"{bucket.Policy}\";r={left};t={bucket.SecondsLeft(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds())}";
            }
            return next(http);
        });
    }

    static PartitionedRateLimiter<HttpContext> Create(IRateLimitStore store, RateLimitSettings settings, TimeProvider clock) =>
        PartitionedRateLimiter.Create<HttpContext, string>(http =>
        {
            var bucket = http.Features.Get<RateLimitBucket>();
            if (bucket is null)
            {
                if (IsProbe(http.Request.Path)) return RateLimitPartition.GetNoLimiter("probe");
                bucket = Bucket(http, settings, clock.GetUtcNow().ToUnixTimeSeconds());
                http.Features.Set(bucket);
            }
            return store.Partition(bucket.WindowKey, bucket.Rule);
        });

    static bool IsProbe(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");

    static RateLimitBucket Bucket(HttpContext http, RateLimitSettings settings, long now)
    {
        string policy, client;
        RateLimitRule rule;
        if (http.User.Identity?.IsAuthenticated == true)
        {
            // The key's id: identifies the key without holding any of its secret (or its hash) here.
            (policy, rule, client) = ("keyed", settings.Keyed, "key" + http.User.FindFirstValue(ClaimTypes.NameIdentifier));
        }
        else if (SentKey(http.Request))
        {
            (policy, rule, client) = ("auth-failures", settings.AuthFailures, Address(http.Connection.RemoteIpAddress));
        }
        else
        {
            (policy, rule, client) = ("anonymous", settings.Anonymous, Address(http.Connection.RemoteIpAddress));
        }
        var window = Math.Max(1, rule.WindowSeconds);
        var index = now / window;
        return new RateLimitBucket(policy, rule, $"{policy}:{client}:{index}", (index + 1) * window);
    }

    /// <summary>A key was offered (and, since the request is not authenticated, refused); an empty header offers none.</summary>
    static bool SentKey(HttpRequest request) =>
        !string.IsNullOrWhiteSpace(request.Headers[ApiKeyAuth.HeaderName])
        || (request.Headers.Authorization.ToString() is var auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && auth.Length > 7);

    /// <summary>The client's address as a partition: IPv4 as is, IPv6 by its /64 (one subscriber's prefix).</summary>
    internal static string Address(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString();
    }

    static async ValueTask Reject(HttpContext http, CancellationToken ct)
    {
        var bucket = http.Features.Get<RateLimitBucket>();
        var wait = bucket?.SecondsLeft(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()) ?? 1;
        var headers = http.Response.Headers;
        headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (bucket is not null)
        {
            headers["RateLimit-Policy"] = bucket.PolicyHeader;
            headers["RateLimit"] = $"\"{bucket.Policy}\";r=0;t={wait}";
        }
        headers.CacheControl = "no-store";
        var what = bucket?.Policy switch
        {
            "auth-failures" => $"Too many requests with an unknown or revoked API key from this address (at most {bucket.Rule.PermitLimit} per {bucket.Rule.WindowSeconds} s).",
            "keyed" => $"This API key sent more than {bucket.Rule.PermitLimit} requests in {bucket.Rule.WindowSeconds} s.",
            { } => $"This address sent more than {bucket.Rule.PermitLimit} requests in {bucket.Rule.WindowSeconds} s.",
            null => "Too many requests.",
        };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Type = ProblemType,
                Title = "Too many requests.",
                Detail = $"{what} Retry after {wait} s.",
            },
        });
    }
}
