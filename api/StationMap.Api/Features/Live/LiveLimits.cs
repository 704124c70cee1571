using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Http;

namespace StationMap.Api.Features.Live;

/// <summary>
/// The live writes' own limits (<see cref="LiveLimitOptions"/>), beside the API-wide ones: per
/// device, per device at one station (check-ins), per client address and per station, in fixed
/// windows aligned to the clock, counted in the same <see cref="IRateLimitStore"/> as the API-wide
/// limits (so a store shared by several instances counts them across instances). A refusal is a 429
/// problem with Retry-After naming the limit.
/// </summary>
public sealed class LiveLimits(IRateLimitStore store, IOptions<LiveOptions> options, TimeProvider clock) : IDisposable
{
    readonly PartitionedRateLimiter<(string Key, RateLimitRule Rule)> _limiter =
        PartitionedRateLimiter.Create<(string Key, RateLimitRule Rule), string>(t => store.Partition(t.Key, t.Rule));

    LiveLimitOptions O => options.Value.Limits;

    /// <summary>The limits of one crowd signal (check-in when <paramref name="checkin"/>, else a report), or null when all allow it.</summary>
    public ProblemHttpResult? CrowdSignal(HttpContext http, long deviceId, long stationId, bool checkin)
    {
        if (!O.Enabled) return null;
        return WithRetryAfter(http, Take("device", $"{deviceId}", O.PerDevice, O.PerDeviceWindowSeconds, "This device sent")
            ?? (checkin ? Take("device-station", $"{deviceId}:{stationId}", O.PerDeviceStation, O.PerDeviceStationWindowSeconds, "This device checked in here") : null)
            ?? Take("address", Address(http.Connection.RemoteIpAddress), O.PerAddress, O.PerAddressWindowSeconds, "This address sent")
            ?? Take("station", $"{stationId}", O.PerStation, O.PerStationWindowSeconds, "This station received"));
    }

    /// <summary>The limit on new device tokens per client address.</summary>
    public ProblemHttpResult? NewDevice(HttpContext http) => O.Enabled
        ? WithRetryAfter(http, Take("devices", Address(http.Connection.RemoteIpAddress), O.DevicesPerAddress, O.DevicesPerAddressWindowSeconds, "This address created"))
        : null;

    ProblemHttpResult? Take(string policy, string client, int limit, int windowSeconds, string who)
    {
        var window = Math.Max(1, windowSeconds);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var index = now / window;
        var rule = new RateLimitRule { PermitLimit = Math.Max(0, limit), WindowSeconds = window };
        using var lease = _limiter.AttemptAcquire(($"live-{policy}:{client}:{index}", rule));
        if (lease.IsAcquired) return null;
        var wait = (int)Math.Max(1, (index + 1) * window - now);
        var what = policy switch { "devices" => "device tokens", "device-station" => "check-ins", _ => "signals" };
        return Problems.Of(Problems.RateLimited, $"{who} more than {limit} {what} in {window} s. Retry after {wait} s.",
            new Dictionary<string, object?> { ["limit"] = $"live-{policy}", ["retry_after"] = wait });
    }

    static ProblemHttpResult? WithRetryAfter(HttpContext http, ProblemHttpResult? problem)
    {
        if (problem?.ProblemDetails.Extensions.TryGetValue("retry_after", out var wait) == true && wait is int seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers.CacheControl = "no-store";
        }
        return problem;
    }

    static string Address(System.Net.IPAddress? address) => RateLimits.Address(address);

    public void Dispose() => _limiter.Dispose();
}
