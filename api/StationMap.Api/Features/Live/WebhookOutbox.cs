using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>The events a webhook may subscribe to: one per ticket step, or "*" for all of them.</summary>
public static class WebhookEvents
{
    public const string Any = "*";
    public const string Channel = "stationmap_webhook";
    public static readonly string[] All = [.. LiveVocabulary.TicketStates.Select(s => "ticket." + s)];
}

/// <summary>
/// The outbox (table webhook_delivery): one row per active webhook that wants the event (its events
/// list names it or "*"; its operator filter is null or the station's operator), written in the
/// caller's transaction so a ticket step and its deliveries commit or roll back together. The
/// NOTIFY on <see cref="WebhookEvents.Channel"/> is delivered at commit and wakes the dispatchers.
/// The stored payload gets the ticket and station (id, name, operator) from the database when the
/// caller's payload has no "ticket" or "station" member.
/// </summary>
public sealed class WebhookOutbox(TimeProvider clock) : IWebhookOutbox
{
    const string Sql = """
        WITH ctx AS (
            SELECT jsonb_build_object('id', t.id, 'station_id', t.station_id, 'amenity', t.amenity, 'problem', t.problem,
                                      'state', t.state, 'reported_at', t.reported_at, 'confirmed_at', t.confirmed_at,
                                      'acknowledged_at', t.acknowledged_at, 'fixed_at', t.fixed_at, 'verified_at', t.verified_at,
                                      'rejected_at', t.rejected_at) AS ticket,
                   jsonb_build_object('id', s.id, 'name', s.name, 'operator', s.operator) AS station
            FROM fault_ticket t JOIN station s ON s.id = t.station_id
            WHERE t.id = $2
        ), body AS (
            SELECT $3::jsonb
                   || CASE WHEN $3::jsonb ? 'ticket' OR ctx.ticket IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('ticket', ctx.ticket) END
                   || CASE WHEN $3::jsonb ? 'station' OR ctx.station IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('station', ctx.station) END AS payload
            FROM (SELECT 1) one LEFT JOIN ctx ON true
        ), queued AS (
            INSERT INTO webhook_delivery (webhook_id, event, ticket_id, payload, next_attempt_at, created_at)
            SELECT w.id, $1, $2, body.payload, $5, $5
            FROM webhook w, body
            WHERE w.revoked_at IS NULL
              AND ($1 = ANY (w.events) OR '*' = ANY (w.events))
              AND (w.operator IS NULL OR w.operator = $4)
            RETURNING id
        )
        SELECT pg_notify('stationmap_webhook', '') FROM (SELECT count(*) AS n FROM queued) q WHERE q.n > 0
        """;

    public async Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string eventName, long ticketId, string? stationOperator,
        object payload, CancellationToken ct)
    {
        var json = JsonSerializer.SerializeToNode(payload, ApiJson.Options);
        var obj = json as JsonObject ?? new JsonObject { ["data"] = json };
        await using var cmd = new NpgsqlCommand(Sql, conn, tx);
        cmd.Parameters.AddWithValue(eventName);
        cmd.Parameters.AddWithValue(ticketId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = obj.ToJsonString(ApiJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)stationOperator ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>What a receiver gets: the JSON body and its signature.</summary>
public static class WebhookSignature
{
    public const string EventHeader = "X-StationMap-Event";
    public const string DeliveryHeader = "X-StationMap-Delivery";
    public const string SignatureHeader = "X-StationMap-Signature-256";
    public const string UserAgent = "StationMap-Webhooks";

    /// <summary>The body sent: id, event and created_at of the delivery, then the stored payload's members (ticket, station …).</summary>
    public static byte[] Body(long deliveryId, string eventName, DateTimeOffset createdAt, string payloadJson)
    {
        var body = new JsonObject { ["id"] = deliveryId, ["event"] = eventName, ["created_at"] = createdAt.ToUniversalTime() };
        if (JsonNode.Parse(payloadJson) is JsonObject payload)
            foreach (var (name, value) in payload)
                if (name is not ("id" or "event" or "created_at")) body[name] = value?.DeepClone();
        return Encoding.UTF8.GetBytes(body.ToJsonString(ApiJson.Options));
    }

    /// <summary>"sha256=" + lower-case hex of HMAC-SHA256(secret as UTF-8, exact body bytes), as GitHub's X-Hub-Signature-256.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A new secret: 32 random bytes as base64url (43 characters).</summary>
    public static string NewSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
