using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Infrastructure.Instances;

namespace StationMap.Api.Features.Live;

/// <summary>Settings of <c>StationMap:Live:Webhooks</c> (README, "Webhooks").</summary>
public sealed class WebhookSettings
{
    /// <summary>Send deliveries from this instance (any number of instances may: they share the outbox).</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>The wait after the first failed attempt; it doubles after each further one (seconds).</summary>
    public double BaseDelaySeconds { get; set; } = 10;
    /// <summary>The longest wait between two attempts (seconds).</summary>
    public double MaxDelaySeconds { get; set; } = 3600;
    /// <summary>Attempts before a delivery is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>How long a receiver may take to answer (seconds); longer counts as a failed attempt.</summary>
    public double TimeoutSeconds { get; set; } = 10;
    /// <summary>How often the outbox is looked at without a notification (seconds): retries fall due this way.</summary>
    public double PollSeconds { get; set; } = 2;
    /// <summary>Deliveries claimed (and sent concurrently) at once.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failed attempt: base × 2^(n−1), at most the maximum.</summary>
    public TimeSpan Backoff(int failedAttempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelaySeconds, BaseDelaySeconds * Math.Pow(2, Math.Max(0, failedAttempts - 1))));
}

/// <summary>
/// Sends the outbox. Each round claims due pending deliveries with <c>FOR UPDATE SKIP LOCKED</c>
/// (so instances never take the same row) and leases them by moving next_attempt_at past the
/// timeout, then POSTs each signed body outside any transaction and records the attempt: 2xx →
/// delivered; otherwise attempts + 1 and the next try after <see cref="WebhookSettings.Backoff"/>,
/// failed after <see cref="WebhookSettings.MaxAttempts"/>. A lease that is never settled (the
/// instance died mid-send) simply falls due again. It wakes on NOTIFY stationmap_webhook (sent by
/// <see cref="WebhookOutbox"/> at commit; through the instance's shared listener) and every <see cref="WebhookSettings.PollSeconds"/>.
/// Times come from the <see cref="TimeProvider"/>.
/// </summary>
/// With several API instances the background loop runs only in the leader of
/// <see cref="LeaderJobs.Webhooks"/> (SKIP LOCKED and the lease still keep two senders apart while a
/// leadership changes hands); a dispatcher made without <see cref="Leadership"/> (a test's) always runs.
public sealed class WebhookDispatcher(NpgsqlDataSource data, IOptions<WebhookSettings> options, TimeProvider clock, ILogger<WebhookDispatcher> log,
    PgNotifications? notifications = null, Leadership? leadership = null)
    : BackgroundService
{
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,   // a redirect is not a delivery; the receiver's URL should be fixed instead
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Look at the outbox now (also called by the NOTIFY listener).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var settings = options.Value;
        if (!settings.Enabled) return;
        // A delivery queued while nobody listened is found by the round a reconnect wakes.
        using var subscription = notifications?.Subscribe(WebhookEvents.Channel, _ => Wake(), Wake);
        if (leadership is not null) leadership.Changed += (job, leads) => { if (leads && job == LeaderJobs.Webhooks) Wake(); };
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (leadership is not null) await leadership.WaitToLeadAsync(LeaderJobs.Webhooks, stop);
                var sent = await RunOnceAsync(stop);
                failures = 0;
                if (sent >= settings.BatchSize) continue;   // more may be due right away
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                wait.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.05, settings.PollSeconds)));
                try { await _wake.Reader.ReadAsync(wait.Token); } catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                failures++;
                if (failures == 1) log.LogWarning(e, "Webhook dispatch failed; retrying");
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 * failures)), stop); } catch (OperationCanceledException) { break; }
            }
        }
    }

    sealed record Claimed(long Id, string Event, string Payload, DateTimeOffset CreatedAt, int Attempts, string Url, string Secret);

    sealed record Outcome(int? StatusCode, string? Error, int DurationMs, bool Delivered);

    /// <summary>One round: claim what is due, send it, record every attempt. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var claimed = await ClaimAsync(settings, ct);
        if (claimed.Count == 0) return 0;
        await Task.WhenAll(claimed.Select(async d =>
        {
            var outcome = await SendAsync(d, settings, ct);
            await RecordAsync(d, outcome, settings, ct);
        }));
        return claimed.Count;
    }

    async Task<List<Claimed>> ClaimAsync(WebhookSettings settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            UPDATE webhook_delivery d SET next_attempt_at = $3
            FROM webhook w
            WHERE w.id = d.webhook_id
              AND d.id IN (SELECT x.id FROM webhook_delivery x
                           WHERE x.status = 'pending' AND x.next_attempt_at <= $1
                           ORDER BY x.next_attempt_at, x.id
                           LIMIT $2
                           FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.event, d.payload::text, d.created_at, d.attempts, w.url, w.secret
            """, conn);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(Math.Max(1, settings.BatchSize));
        // The lease: past the send's timeout, so no other instance takes the row while it is in flight.
        cmd.Parameters.AddWithValue(now + TimeSpan.FromSeconds(settings.TimeoutSeconds + 60));
        var list = new List<Claimed>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt32(4), reader.GetString(5), reader.GetString(6)));
        return list;
    }

    async Task<Outcome> SendAsync(Claimed d, WebhookSettings settings, CancellationToken ct)
    {
        var body = WebhookSignature.Body(d.Id, d.Event, d.CreatedAt, d.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd(WebhookSignature.UserAgent);
        request.Headers.Add(WebhookSignature.EventHeader, d.Event);
        request.Headers.Add(WebhookSignature.DeliveryHeader, d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(d.Secret, body));
        var started = clock.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new(code, code is >= 200 and < 300 ? null : response.ReasonPhrase, Elapsed(started), code is >= 200 and < 300);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(null, $"no answer within {settings.TimeoutSeconds} s", Elapsed(started), false);
        }
        catch (HttpRequestException e)
        {
            return new(null, e.Message, Elapsed(started), false);
        }
    }

    int Elapsed(long started) => (int)Math.Min(int.MaxValue, clock.GetElapsedTime(started).TotalMilliseconds);

    async Task RecordAsync(Claimed d, Outcome outcome, WebhookSettings settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attempts = d.Attempts + 1;
        var status = outcome.Delivered ? "delivered" : attempts >= settings.MaxAttempts ? "failed" : "pending";
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new("INSERT INTO webhook_attempt (delivery_id, attempted_at, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)")
                {
                    Parameters =
                    {
                        new() { Value = d.Id }, new() { Value = now }, new() { Value = (object?)outcome.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                        new() { Value = (object?)Truncate(outcome.Error) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }, new() { Value = outcome.DurationMs },
                    },
                },
                new("UPDATE webhook_delivery SET attempts = $2, status = $3, next_attempt_at = $4, delivered_at = $5 WHERE id = $1")
                {
                    Parameters =
                    {
                        new() { Value = d.Id }, new() { Value = attempts }, new() { Value = status },
                        new() { Value = status == "pending" ? now + settings.Backoff(attempts) : now },
                        new() { Value = outcome.Delivered ? now : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        if (!outcome.Delivered)
            log.LogInformation("Webhook delivery {Id} attempt {Attempt} failed ({Status}); {Next}", d.Id, attempts,
                outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? outcome.Error, status);
    }

    static string? Truncate(string? text) => text is null || text.Length <= 500 ? text : text[..500];

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

public static class WebhookServices
{
    /// <summary>The outbox (<see cref="IWebhookOutbox"/>) and its dispatcher, with settings from StationMap:Live:Webhooks.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<WebhookSettings>(config.GetSection("StationMap:Live:Webhooks"));
        services.AddSingleton<IWebhookOutbox, WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
