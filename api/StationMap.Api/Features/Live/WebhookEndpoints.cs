using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>The body of <c>POST /api/v1/webhooks</c>.</summary>
/// <param name="Url">Where deliveries are POSTed: an absolute http or https URL.</param>
/// <param name="Events">ticket.reported, ticket.confirmed, ticket.acknowledged, ticket.fixed, ticket.verified, ticket.rejected, or ["*"] for all.</param>
/// <param name="Secret">The HMAC-SHA256 key, at least 16 characters; generated when absent. Shown once, in the answer.</param>
/// <param name="Operator">Only tickets of this operator's stations; absent: every ticket.</param>
public sealed record WebhookInput(string? Url, IReadOnlyList<string>? Events, string? Secret, string? Operator);

/// <summary>A webhook (its secret is never shown again after creation).</summary>
public sealed record WebhookView(long Id, string Url, IReadOnlyList<string> Events, string? Operator,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>A new webhook with its secret, shown this once.</summary>
public sealed record WebhookCreated(long Id, string Url, IReadOnlyList<string> Events, string? Operator,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string Secret);

public sealed record WebhookList(IReadOnlyList<WebhookView> Webhooks);

/// <summary>One attempt to deliver: the receiver's status code, or the error when there was no answer.</summary>
public sealed record WebhookAttemptView(long Id, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, int DurationMs);

/// <summary>One event for one webhook: pending (next try at next_attempt_at), delivered or failed, with every attempt.</summary>
public sealed record WebhookDeliveryView(long Id, string Event, long? TicketId, string Status, int AttemptCount,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, IReadOnlyList<WebhookAttemptView> Attempts);

public sealed record WebhookDeliveryList(long WebhookId, IReadOnlyList<WebhookDeliveryView> Deliveries);

public sealed record DeliveryQuery([FromQuery(Name = "limit")] string? Limit);

/// <summary>Webhooks for operators' systems (admin keys only: URLs and delivery logs are configuration).</summary>
public static class WebhookEndpoints
{
    public const int MinSecretLength = 16;

    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(ApiKeyAuth.Admin);
        group.MapPost("/", Create)
            .WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to ticket events, signed with HMAC-SHA256 (admin key)")
            .WithDescription("Each ticket step is POSTed as JSON {id, event, created_at, ticket, station} with headers X-StationMap-Event, " +
                             "X-StationMap-Delivery and X-StationMap-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>. " +
                             "A 2xx answer delivers it; otherwise it is retried with exponential backoff and finally marked failed. " +
                             "The secret (generated when absent) is shown only in this answer.")
            .Produces<WebhookCreated>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403);
        group.MapGet("/", List)
            .WithName("ListWebhooks")
            .WithSummary("Every webhook, revoked ones included, without secrets (admin key)")
            .WithDescription("Each with its url, events, operator filter, who created it and when, and revoked_at once revoked.")
            .Produces<WebhookList>(200).ProducesProblem(401).ProducesProblem(403);
        group.MapGet("/{id:long}", Get)
            .WithName("GetWebhook")
            .WithSummary("One webhook, without its secret (admin key)")
            .WithDescription("404 for an unknown id. The secret is shown only when the webhook is created.")
            .Produces<WebhookView>(200).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapDelete("/{id:long}", Revoke)
            .WithName("RevokeWebhook")
            .WithSummary("Revoke a webhook: nothing more is queued or sent to it (admin key)")
            .WithDescription("Its pending deliveries are marked failed; the delivery log stays readable. Revoking twice is not an error.")
            .Produces(204).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapGet("/{id:long}/deliveries", Deliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("A webhook's deliveries, newest first, each with every attempt (admin key)")
            .WithDescription("limit = 1–500 (default 50). status is pending (next try at next_attempt_at), delivered or failed; " +
                             "each attempt has the receiver's status_code or the error, and its duration.")
            .Produces<WebhookDeliveryList>(200).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    static async Task<Results<Created<WebhookCreated>, ValidationProblem>> Create(
        WebhookInput body, ClaimsPrincipal user, NpgsqlDataSource data, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (string.IsNullOrWhiteSpace(body.Url)) v.Add("url", "url is required.");
        else if (body.Url.Length > 2000 || !Uri.TryCreate(body.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            v.Add("url", "url must be an absolute http or https URL of at most 2000 characters.");
        var events = body.Events?.Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (events.Count == 0) v.Add("events", $"events must list one or more of {string.Join(", ", WebhookEvents.All)}, or be [\"*\"].");
        foreach (var e in events.Where(e => e != WebhookEvents.Any && !WebhookEvents.All.Contains(e)))
            v.Add("events", $"events: '{e}' is not one of {string.Join(", ", WebhookEvents.All)} or *.");
        if (body.Secret is { } s && (s.Length < MinSecretLength || s.Length > 200 || s.Any(char.IsControl)))
            v.Add("secret", $"secret must be {MinSecretLength}–200 characters without control characters (or leave it out to have one generated).");
        if (body.Operator is { } o && (string.IsNullOrWhiteSpace(o) || o.Length > 200))
            v.Add("operator", "operator must be 1–200 characters (a station operator's name), or absent for every operator.");
        if (!v.IsValid) return v.Problem();

        var secret = body.Secret ?? WebhookSignature.NewSecret();
        if (events.Contains(WebhookEvents.Any)) events = [WebhookEvents.Any];
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO webhook (url, events, secret, operator, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING id, created_at
            """, conn);
        cmd.Parameters.AddWithValue(body.Url!);
        cmd.Parameters.AddWithValue(events.ToArray());
        cmd.Parameters.AddWithValue(secret);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)body.Operator ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(ApiKeyAuth.Actor(user));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var id = reader.GetInt64(0);
        var created = new WebhookCreated(id, body.Url!, events, body.Operator, reader.GetFieldValue<DateTimeOffset>(1), ApiKeyAuth.Actor(user), null, secret);
        return TypedResults.Created($"/api/v1/webhooks/{id}", created);
    }

    const string Columns = "id, url, events, operator, created_at, created_by, revoked_at";

    static WebhookView Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.IsDBNull(3) ? null : r.GetString(3),
        r.GetFieldValue<DateTimeOffset>(4), r.GetString(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));

    static async Task<Ok<WebhookList>> List(NpgsqlDataSource data, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand($"SELECT {Columns} FROM webhook ORDER BY id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<WebhookView>();
        while (await reader.ReadAsync(ct)) list.Add(Read(reader));
        return TypedResults.Ok(new WebhookList(list));
    }

    static async Task<WebhookView?> FindAsync(NpgsqlDataSource data, long id, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand($"SELECT {Columns} FROM webhook WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    static ProblemHttpResult NotFound(long id) => Problems.Of(Problems.WebhookNotFoundKind, $"There is no webhook {id} (see GET /api/v1/webhooks).");

    static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(long id, NpgsqlDataSource data, CancellationToken ct) =>
        await FindAsync(data, id, ct) is { } hook ? TypedResults.Ok(hook) : NotFound(id);

    static async Task<Results<NoContent, ProblemHttpResult>> Revoke(long id, NpgsqlDataSource data, TimeProvider clock, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            WITH hook AS (UPDATE webhook SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING id),
                 dropped AS (UPDATE webhook_delivery SET status = 'failed' WHERE webhook_id IN (SELECT id FROM hook) AND status = 'pending')
            SELECT count(*) FROM hook
            """, conn, tx);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        var found = (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
        await tx.CommitAsync(ct);
        return found ? TypedResults.NoContent() : NotFound(id);
    }

    static async Task<Results<Ok<WebhookDeliveryList>, ProblemHttpResult, ValidationProblem>> Deliveries(
        long id, [AsParameters] DeliveryQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        var limit = 50;
        if (query.Limit is not null && (!int.TryParse(query.Limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 500))
        {
            var v = new Validation();
            v.Add("limit", "limit must be a whole number between 1 and 500.");
            return v.Problem();
        }
        if (await FindAsync(data, id, ct) is null) return NotFound(id);
        await using var cmd = data.CreateCommand("""
            SELECT d.id, d.event, d.ticket_id, d.status, d.attempts, d.created_at, d.next_attempt_at, d.delivered_at,
                   a.id, a.attempted_at, a.status_code, a.error, a.duration_ms
            FROM (SELECT * FROM webhook_delivery WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2) d
            LEFT JOIN webhook_attempt a ON a.delivery_id = d.id
            ORDER BY d.id DESC, a.id
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(limit);
        var deliveries = new List<WebhookDeliveryView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var deliveryId = r.GetInt64(0);
            if (deliveries.Count == 0 || deliveries[^1].Id != deliveryId)
            {
                var status = r.GetString(3);
                deliveries.Add(new(deliveryId, r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), status, r.GetInt32(4),
                    r.GetFieldValue<DateTimeOffset>(5), status == "pending" ? r.GetFieldValue<DateTimeOffset>(6) : null,
                    r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), new List<WebhookAttemptView>()));
            }
            if (!r.IsDBNull(8))
                ((List<WebhookAttemptView>)deliveries[^1].Attempts).Add(new(r.GetInt64(8), r.GetFieldValue<DateTimeOffset>(9),
                    r.IsDBNull(10) ? null : r.GetInt32(10), r.IsDBNull(11) ? null : r.GetString(11), r.GetInt32(12)));
        }
        return TypedResults.Ok(new WebhookDeliveryList(id, deliveries));
    }
}
