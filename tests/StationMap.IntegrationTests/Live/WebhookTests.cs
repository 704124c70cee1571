using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using StationMap.Api.Features.Live;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>A real HTTP receiver on 127.0.0.1 (Kestrel) that records what it gets and answers by a script per path.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At);

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, int> _calls = new();
    public ConcurrentQueue<Received> All { get; } = new();
    /// <summary>Status codes answered per path, in order; the last one repeats.</summary>
    public ConcurrentDictionary<string, int[]> Script { get; } = new();
    public string BaseUrl { get; private set; } = "";

    WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var path = http.Request.Path.Value ?? "/";
            receiver.All.Enqueue(new(path, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(), DateTimeOffset.UtcNow));
            var n = receiver._calls.AddOrUpdate(path, 1, (_, c) => c + 1);
            var script = receiver.Script.GetValueOrDefault(path, [200]);
            http.Response.StatusCode = script[Math.Min(n, script.Length) - 1];
            await http.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.Single().TrimEnd('/');
        return receiver;
    }

    public IReadOnlyList<Received> On(string path) => All.Where(r => r.Path == path).ToList();

    /// <summary>Waits until <paramref name="path"/> has received <paramref name="count"/> requests.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(string path, int count, double seconds = 10)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (On(path).Count < count)
        {
            Assert.True(watch.Elapsed.TotalSeconds < seconds, $"{path} got {On(path).Count} of {count} requests within {seconds} s");
            await Task.Delay(20);
        }
        return On(path);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Webhooks with a short poll, so retries fall due soon after the test moves the clock on.</summary>
public sealed class WebhookFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["StationMap:Live:Webhooks:PollSeconds"] = "0.2",
        ["StationMap:Live:Webhooks:BaseDelaySeconds"] = "10",
        ["StationMap:Live:Webhooks:MaxAttempts"] = "3",
        ["StationMap:Live:Webhooks:TimeoutSeconds"] = "2",
    };
}

public sealed class WebhookTests(WebhookFixture api) : IClassFixture<WebhookFixture>
{
    const string Secret = "a-receiver-secret-of-enough-length";

    static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    async Task<(long Station, long Ticket)> TicketAsync(string @operator)
    {
        var station = await api.ScalarAsync<long>(
            "INSERT INTO station (name, location, operator) VALUES ('钱塘江畔驿站', ST_GeogFromText('POINT(120.21 30.25)'), $1) RETURNING id", @operator);
        var ticket = await api.ScalarAsync<long>(
            "INSERT INTO fault_ticket (station_id, amenity, problem, state, opened_by, reported_at, confirmed_at) " +
            "VALUES ($1, 'microwave', 'broken', 'confirmed', 'crowd', $2, $2) RETURNING id", station, api.Clock.Now);
        return (station, ticket);
    }

    async Task<JsonNode> CreateHookAsync(HttpClient admin, string url, string[] events, string? @operator = null, string? secret = Secret) =>
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events, secret, @operator }).Json(201);

    /// <summary>Queues an event the way the ticket code does: through IWebhookOutbox inside its own transaction.</summary>
    async Task EnqueueAsync(string eventName, long ticket, string? @operator, bool commit = true)
    {
        var data = api.Services.GetRequiredService<NpgsqlDataSource>();
        var outbox = api.Services.GetRequiredService<IWebhookOutbox>();
        await using var conn = await data.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await outbox.EnqueueAsync(conn, tx, eventName, ticket, @operator, new { note = "from the test" }, CancellationToken.None);
        if (commit) await tx.CommitAsync();
        else await tx.RollbackAsync();
    }

    async Task<JsonNode> DeliveriesUntilAsync(HttpClient admin, long hook, Func<JsonNode, bool> done, double seconds = 10)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var list = await admin.GetAsync($"/api/v1/webhooks/{hook}/deliveries").Json(200);
            if (done(list)) return list;
            Assert.True(watch.Elapsed.TotalSeconds < seconds, $"deliveries did not reach the expected state: {list.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_ticket_event_is_signed_retried_after_a_500_and_both_attempts_are_logged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script["/retry"] = [500, 200];
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var (station, ticket) = await TicketAsync("顺丰速运");
        var hook = await CreateHookAsync(admin, receiver.BaseUrl + "/retry", ["ticket.confirmed"], "顺丰速运");
        Assert.Equal(Secret, (string?)hook["secret"]);
        // Neither of these wants the event: another event, another operator.
        await CreateHookAsync(admin, receiver.BaseUrl + "/other-event", ["ticket.fixed"]);
        await CreateHookAsync(admin, receiver.BaseUrl + "/other-operator", ["*"], "美团");

        var queued = DateTimeOffset.UtcNow;
        await EnqueueAsync("ticket.confirmed", ticket, "顺丰速运");
        var first = (await receiver.WaitForAsync("/retry", 1))[0];
        Assert.True(first.At - queued < TimeSpan.FromSeconds(3), $"the first attempt came {(first.At - queued).TotalMilliseconds} ms after the commit");

        // The signature is the HMAC-SHA256 of the exact bytes received, under the webhook's secret (and under no other).
        Assert.Equal(Sign(Secret, first.Body), first.Headers[WebhookSignature.SignatureHeader]);
        Assert.NotEqual(Sign("another-secret-of-enough-length", first.Body), first.Headers[WebhookSignature.SignatureHeader]);
        Assert.Equal("ticket.confirmed", first.Headers[WebhookSignature.EventHeader]);
        Assert.StartsWith("StationMap-Webhooks", first.Headers["User-Agent"]);
        Assert.StartsWith("application/json", first.Headers["Content-Type"]);
        var body = JsonNode.Parse(first.Body)!;
        Assert.Equal(first.Headers[WebhookSignature.DeliveryHeader], body["id"]!.ToJsonString());
        Assert.Equal("ticket.confirmed", (string?)body["event"]);
        Assert.Equal(ticket, (long)body["ticket"]!["id"]!);
        Assert.Equal("microwave", (string?)body["ticket"]!["amenity"]);
        Assert.Equal(station, (long)body["station"]!["id"]!);
        Assert.Equal("钱塘江畔驿站", (string?)body["station"]!["name"]);
        Assert.Equal("顺丰速运", (string?)body["station"]!["operator"]);
        Assert.Equal("from the test", (string?)body["note"]);

        // The retry waits for the backoff (10 s on the API's clock): not before, then promptly.
        var pending = await DeliveriesUntilAsync(admin, (long)hook["id"]!, l => (int?)l["deliveries"]?[0]?["attempt_count"] == 1);
        Assert.Equal("pending", (string?)pending["deliveries"]![0]!["status"]);
        Assert.Equal(api.Clock.Now.AddSeconds(10), DateTimeOffset.Parse((string)pending["deliveries"]![0]!["next_attempt_at"]!));
        await Task.Delay(600);
        Assert.Single(receiver.On("/retry"));
        api.Clock.Now = api.Clock.Now.AddSeconds(10);
        var both = await receiver.WaitForAsync("/retry", 2);
        Assert.Equal(first.Body, both[1].Body);   // the same delivery, byte for byte
        Assert.Equal(first.Headers[WebhookSignature.DeliveryHeader], both[1].Headers[WebhookSignature.DeliveryHeader]);

        var log = await DeliveriesUntilAsync(admin, (long)hook["id"]!, l => (string?)l["deliveries"]?[0]?["status"] == "delivered");
        var delivery = Assert.Single(log["deliveries"]!.AsArray())!;
        Assert.Equal(2, (int)delivery["attempt_count"]!);
        Assert.Equal(ticket, (long)delivery["ticket_id"]!);
        Assert.NotNull((string?)delivery["delivered_at"]);
        Assert.Equal([500, 200], delivery["attempts"]!.AsArray().Select(a => (int)a!["status_code"]!).ToArray());
        Assert.All(delivery["attempts"]!.AsArray(), a => Assert.True((int)a!["duration_ms"]! >= 0));

        // Exactly one row was queued: the other two webhooks did not want this event.
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM webhook_delivery WHERE ticket_id = $1", ticket));
        Assert.Empty(receiver.On("/other-event"));
        Assert.Empty(receiver.On("/other-operator"));
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_ends_failed_after_MaxAttempts_and_errors_are_logged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script["/down"] = [503];
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var (_, ticket) = await TicketAsync("顺丰速运");
        var hook = await CreateHookAsync(admin, receiver.BaseUrl + "/down", ["*"]);
        // A second one whose receiver does not exist at all: a connection error, not a status code.
        var refused = await CreateHookAsync(admin, "http://127.0.0.1:9/nothing-listens", ["ticket.fixed"]);
        await EnqueueAsync("ticket.fixed", ticket, "顺丰速运");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await receiver.WaitForAsync("/down", attempt);
            await DeliveriesUntilAsync(admin, (long)hook["id"]!, l => (int?)l["deliveries"]?[0]?["attempt_count"] == attempt);
            await DeliveriesUntilAsync(admin, (long)refused["id"]!, l => (int?)l["deliveries"]?[0]?["attempt_count"] == attempt);
            // 10 s, then 20 s: exponential backoff.
            api.Clock.Now = api.Clock.Now.AddSeconds(10 * Math.Pow(2, attempt - 1));
        }
        var log = await DeliveriesUntilAsync(admin, (long)hook["id"]!, l => (string?)l["deliveries"]?[0]?["status"] == "failed");
        Assert.Equal(3, log["deliveries"]![0]!["attempts"]!.AsArray().Count);
        Assert.Null(log["deliveries"]![0]!["next_attempt_at"]);
        var errors = await DeliveriesUntilAsync(admin, (long)refused["id"]!, l => (string?)l["deliveries"]?[0]?["status"] == "failed");
        var attempts = errors["deliveries"]![0]!["attempts"]!.AsArray();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => { Assert.Null(a!["status_code"]); Assert.False(string.IsNullOrEmpty((string?)a["error"])); });
        await Task.Delay(500);
        Assert.Equal(3, receiver.On("/down").Count);
    }

    [Fact]
    public async Task A_rolled_back_transaction_queues_nothing_and_a_revoked_webhook_gets_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var (_, ticket) = await TicketAsync("顺丰速运");
        var hook = await CreateHookAsync(admin, receiver.BaseUrl + "/hook", ["ticket.acknowledged"]);
        await EnqueueAsync("ticket.acknowledged", ticket, "顺丰速运", commit: false);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM webhook_delivery WHERE ticket_id = $1", ticket));

        var revoke = await admin.DeleteAsync($"/api/v1/webhooks/{hook["id"]}");
        Assert.Equal(204, (int)revoke.StatusCode);
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/api/v1/webhooks/{hook["id"]}")).StatusCode);
        var shown = await admin.GetAsync($"/api/v1/webhooks/{hook["id"]}").Json(200);
        Assert.NotNull((string?)shown["revoked_at"]);
        Assert.Null(shown["secret"]);
        await EnqueueAsync("ticket.acknowledged", ticket, "顺丰速运");
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM webhook_delivery WHERE ticket_id = $1", ticket));
        await admin.DeleteAsync("/api/v1/webhooks/999999").Problem(404);
        await admin.GetAsync("/api/v1/webhooks/999999/deliveries").Problem(404);
    }

    [Fact]
    public async Task Creating_a_webhook_needs_an_admin_key_and_valid_fields()
    {
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        await api.Client().PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = new[] { "*" } }).Problem(401);
        await editor.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = new[] { "*" } }).Problem(403);
        await editor.GetAsync("/api/v1/webhooks").Problem(403);

        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "ftp://example.org/h", events = new[] { "*" } }).Problem(400, "url");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "not a url", events = new[] { "*" } }).Problem(400, "url");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { events = new[] { "*" } }).Problem(400, "url");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = new[] { "ticket.exploded" } }).Problem(400, "events");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = Array.Empty<string>() }).Problem(400, "events");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = new[] { "*" }, secret = "short" }).Problem(400, "secret");
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = new[] { "*" }, @operator = " " }).Problem(400, "operator");
        await admin.GetAsync("/api/v1/webhooks/1/deliveries?limit=0").Problem(400, "limit");

        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://example.org/h", events = new[] { "ticket.reported", "ticket.fixed" } });
        var created = await response.Json(201);
        Assert.Equal($"/api/v1/webhooks/{created["id"]}", response.Headers.Location?.OriginalString);
        var secret = (string)created["secret"]!;
        Assert.True(secret.Length >= 16, secret);
        Assert.Equal(["ticket.reported", "ticket.fixed"], created["events"]!.AsArray().Select(e => (string)e!).ToArray());
        var list = await admin.GetAsync("/api/v1/webhooks").Json(200);
        var listed = Assert.Single(list["webhooks"]!.AsArray(), w => (long)w!["id"]! == (long)created["id"]!)!;
        Assert.Null(listed["secret"]);
        Assert.DoesNotContain(secret, list.ToJsonString());
        Assert.StartsWith("apikey:", (string?)listed["created_by"]);
    }
}

/// <summary>A poll so long that only NOTIFY can wake the dispatcher in time.</summary>
public sealed class SlowPollWebhookFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["StationMap:Live:Webhooks:PollSeconds"] = "300",
    };
}

public sealed class WebhookOutboxSharingTests(SlowPollWebhookFixture api) : IClassFixture<SlowPollWebhookFixture>
{
    async Task<long> TicketAsync()
    {
        var station = await api.ScalarAsync<long>(
            "INSERT INTO station (name, location, operator) VALUES ('六和塔驿站', ST_GeogFromText('POINT(120.15 30.20)'), '顺丰速运') RETURNING id");
        return await api.ScalarAsync<long>(
            "INSERT INTO fault_ticket (station_id, amenity, problem, state, opened_by, reported_at) VALUES ($1, 'toilet', 'broken', 'reported', 'crowd', $2) RETURNING id",
            station, api.Clock.Now);
    }

    async Task EnqueueAsync(string eventName, long ticket)
    {
        var data = api.Services.GetRequiredService<NpgsqlDataSource>();
        await using var conn = await data.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await api.Services.GetRequiredService<IWebhookOutbox>().EnqueueAsync(conn, tx, eventName, ticket, "顺丰速运", new { }, CancellationToken.None);
        await tx.CommitAsync();
    }

    [Fact]
    public async Task The_commit_wakes_the_dispatcher_within_seconds_though_it_polls_only_every_5_minutes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.BaseUrl + "/prompt", events = new[] { "ticket.reported" } }).Json(201);
        var ticket = await TicketAsync();
        await Task.Delay(500);   // the dispatcher is asleep in its poll by now
        var queued = DateTimeOffset.UtcNow;
        await EnqueueAsync("ticket.reported", ticket);
        var got = (await receiver.WaitForAsync("/prompt", 1, seconds: 5))[0];
        Assert.True(got.At - queued < TimeSpan.FromSeconds(3), $"delivered {(got.At - queued).TotalMilliseconds} ms after the commit");
    }

    [Fact]
    public async Task Several_dispatchers_share_the_outbox_and_send_each_delivery_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        for (var i = 0; i < 10; i++)
            await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = $"{receiver.BaseUrl}/shared/{i}", events = new[] { "*" }, @operator = "顺丰速运" }).Json(201);
        var ticket = await TicketAsync();
        // Two more dispatchers (as other API instances would run) beside the app's own, claiming five at a time.
        var data = api.Services.GetRequiredService<NpgsqlDataSource>();
        var settings = Microsoft.Extensions.Options.Options.Create(new WebhookSettings { BatchSize = 5, PollSeconds = 300 });
        var others = Enumerable.Range(0, 2).Select(_ => new WebhookDispatcher(data, settings, api.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookDispatcher>.Instance)).ToList();
        foreach (var e in new[] { "ticket.confirmed", "ticket.acknowledged", "ticket.fixed" }) await EnqueueAsync(e, ticket);
        var claimed = await Task.WhenAll(others.Select(async d =>
        {
            var n = 0;
            for (int got; (got = await d.RunOnceAsync(CancellationToken.None)) > 0;) n += got;
            return n;
        }));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (receiver.All.Count < 30 && watch.Elapsed.TotalSeconds < 10) await Task.Delay(20);
        await Task.Delay(300);
        var ids = receiver.All.Select(r => r.Headers[WebhookSignature.DeliveryHeader]).ToList();
        Assert.Equal(30, ids.Count);
        Assert.Equal(30, ids.Distinct().Count());
        Assert.True(claimed.Sum() <= 30, $"claimed {string.Join("+", claimed)}");
        Assert.Equal(30L, await api.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.ticket_id = $1", ticket));
        Assert.Equal(30L, await api.ScalarAsync<long>("SELECT count(*) FROM webhook_delivery WHERE ticket_id = $1 AND status = 'delivered'", ticket));
        foreach (var d in others) d.Dispose();
    }
}
