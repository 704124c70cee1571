using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>Where the limits are counted now, for the status endpoint.</summary>
/// <param name="Store">redis (shared by every instance) or in-process.</param>
/// <param name="RedisConfigured">StationMap:Redis is set.</param>
/// <param name="RedisAvailable">Redis answers now (false while it is down: then each instance counts alone).</param>
/// <param name="Fallbacks">Requests counted in process because Redis could not be asked, since start.</param>
/// <param name="LastError">Why Redis was last given up, if it was.</param>
public sealed record RateLimitStoreStatus(string Store, bool RedisConfigured, bool RedisAvailable, long Fallbacks, string? LastError);

/// <summary>
/// The limits shared by every API instance through Redis (<c>StationMap:Redis</c>, a
/// StackExchange.Redis configuration string such as <c>127.0.0.1:6379</c>): each window key
/// ("anonymous:203.0.113.7:29401234") is one RedisRateLimiting fixed-window counter (a Lua script:
/// increment, compare, expire), so requests spread over the instances draw on one budget.
/// <para>
/// When Redis cannot be asked (not connected, an error, no answer within 250 ms) the request is
/// counted by this instance's own limiter instead (the same rule, so with N instances a client may get
/// up to N times its budget while Redis is down), and Redis is left alone for 2 s before it is tried
/// again; the multiplexer reconnects by itself. A Redis problem therefore never fails a request.
/// </para>
/// </summary>
public sealed class RedisRateLimitStore : IRateLimitStore, IDisposable
{
    static readonly TimeSpan AnswerWithin = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan RestAfterFailure = TimeSpan.FromSeconds(2);

    readonly InProcessRateLimitStore _local = new();
    readonly ConnectionMultiplexer _redis;
    readonly ILogger _log;
    long _restUntil;   // Environment.TickCount64
    long _fallbacks;
    int _down;         // 1 while Redis is given up (logged once per outage)
    volatile string? _lastError;

    public RedisRateLimitStore(string configuration, string clientName, ILogger<RedisRateLimitStore> log)
    {
        _log = log;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;   // start without Redis; it connects when Redis is there
        options.ConnectTimeout = 1000;
        options.AsyncTimeout = (int)AnswerWithin.TotalMilliseconds;
        options.SyncTimeout = (int)AnswerWithin.TotalMilliseconds;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        options.ClientName ??= clientName;
        _redis = ConnectionMultiplexer.Connect(options);
        _redis.ConnectionFailed += (_, e) => Down(e.Exception?.Message ?? e.FailureType.ToString());
        _redis.ConnectionRestored += (_, _) => log.LogInformation("Redis reachable again: rate limits are shared again");
        if (!_redis.IsConnected) Down("not connected at start");
    }

    /// <summary>Redis may be asked now.</summary>
    public bool Available => _redis.IsConnected && Environment.TickCount64 >= Interlocked.Read(ref _restUntil);

    public RateLimitStoreStatus Status => new(Available ? "redis" : "in-process", true, Available, Interlocked.Read(ref _fallbacks), _lastError);

    public RateLimitPartition<string> Partition(string windowKey, RateLimitRule rule) =>
        RateLimitPartition.Get(windowKey, key => new SharedLimiter(this, key, rule, _local.Limiter(rule)));

    void Down(string why)
    {
        _lastError = why;
        Interlocked.Exchange(ref _restUntil, Environment.TickCount64 + (long)RestAfterFailure.TotalMilliseconds);
        if (Interlocked.Exchange(ref _down, 1) == 0)
            _log.LogWarning("Redis unavailable ({Error}): rate limits are counted per instance until it is back", why);
    }

    void Up()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1) _log.LogInformation("Redis answers again: rate limits are shared again");
    }

    public void Dispose() => _redis.Dispose();

    /// <summary>
    /// One window key's limiter: Redis when it can be asked, else the in-process one. A replenishing
    /// limiter (never auto) so the partitioned limiter's timer replenishes and retires the in-process half.
    /// </summary>
    sealed class SharedLimiter(RedisRateLimitStore store, string key, RateLimitRule rule, FixedWindowRateLimiter local) : ReplenishingRateLimiter
    {
        readonly RedisFixedWindowRateLimiter<string> _shared = new("stationmap:" + key, new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => store._redis,
            PermitLimit = rule.PermitLimit,
            // The window is in the key; the counter only has to outlive it.
            Window = TimeSpan.FromSeconds(Math.Max(1, rule.WindowSeconds) * 2),
        });
        long _sharedLeft = -1;   // permits left in Redis after this key's last shared acquisition; -1: none yet
        long _lastUse = Environment.TickCount64;   // ms: the last acquisition, shared or in process

        /// <summary>
        /// Idle since the last acquisition of either half. The in-process half alone is idle the whole
        /// time Redis answers, and the partitioned limiter disposes a partition idle for 10 s: a window
        /// longer than that would be disposed while still in use.
        /// </summary>
        public override TimeSpan? IdleDuration => local.IdleDuration is null ? null
            : TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - Interlocked.Read(ref _lastUse)));
        public override bool IsAutoReplenishing => false;
        public override TimeSpan ReplenishmentPeriod => local.ReplenishmentPeriod;
        public override bool TryReplenish() => local.TryReplenish();

        public override RateLimiterStatistics? GetStatistics()
        {
            var left = Interlocked.Read(ref _sharedLeft);
            return left >= 0 ? new RateLimiterStatistics { CurrentAvailablePermits = left } : local.GetStatistics();
        }

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            // Redis is asked asynchronously only: a refused attempt makes the rate-limiting middleware call AcquireAsync.
            Interlocked.Exchange(ref _lastUse, Environment.TickCount64);
            if (store.Available) return NotAttempted.Instance;
            Interlocked.Increment(ref store._fallbacks);
            Interlocked.Exchange(ref _sharedLeft, -1);
            return local.AttemptAcquire(permitCount);
        }

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct)
        {
            Interlocked.Exchange(ref _lastUse, Environment.TickCount64);
            if (store.Available)
            {
                try
                {
                    var lease = await _shared.AcquireAsync(permitCount, ct).AsTask().WaitAsync(AnswerWithin, ct);
                    if (lease.TryGetMetadata(RateLimitMetadataName.Remaining, out var remaining)) Interlocked.Exchange(ref _sharedLeft, Math.Max(0, remaining));
                    else Interlocked.Exchange(ref _sharedLeft, lease.IsAcquired ? Math.Max(0, rule.PermitLimit - 1) : 0);
                    store.Up();
                    return lease;
                }
                catch (Exception e) when (e is RedisException or TimeoutException or InvalidOperationException
                                          || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    store.Down(e.Message);
                }
            }
            Interlocked.Increment(ref store._fallbacks);
            Interlocked.Exchange(ref _sharedLeft, -1);
            return await local.AcquireAsync(permitCount, ct);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) { _shared.Dispose(); local.Dispose(); }
            base.Dispose(disposing);
        }
    }

    sealed class NotAttempted : RateLimitLease
    {
        public static readonly NotAttempted Instance = new();
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata) { metadata = null; return false; }
    }
}
