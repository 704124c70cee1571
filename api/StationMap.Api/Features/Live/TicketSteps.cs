using Microsoft.Extensions.Options;
using Npgsql;

namespace StationMap.Api.Features.Live;

/// <summary>A ticket locked for a step (FOR UPDATE), with what the rules need.</summary>
public sealed record LockedTicket(long Id, long StationId, string? Operator, string Amenity, string Problem, string State, long[] Reporters);

/// <summary>
/// The one writer of fault_ticket, fault_ticket_event, moderation_item and device trust: every step of
/// a ticket (from a signal, the transitions API, a moderation decision or Open311) goes through
/// <see cref="StepAsync"/>, so each one sets its timestamp, writes its audit event and queues its
/// webhook (ticket.&lt;state&gt;) in the caller's transaction.
/// </summary>
public sealed class TicketSteps(IServiceProvider services, IOptionsMonitor<LiveOptions> options)
{
    /// <summary>Legal steps of the transitions API: state → the states it may be reached from.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> From = new Dictionary<string, string[]>
    {
        ["confirmed"] = ["reported"],
        ["acknowledged"] = ["confirmed"],
        ["fixed"] = ["confirmed", "acknowledged"],
        ["verified"] = ["fixed"],
        ["rejected"] = ["reported", "confirmed", "acknowledged"],
    };

    public static readonly string[] Unfinished = ["reported", "confirmed", "acknowledged"];

    public TrustOptions Trust => options.CurrentValue.Trust;

    // The hooks part implements the outbox; until it is registered, ticket steps queue nothing.
    IWebhookOutbox? Outbox => services.GetService<IWebhookOutbox>();

    const string Columns = "t.id, t.station_id, s.operator, t.amenity, t.problem, t.state, t.reporters";

    static LockedTicket Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2),
        r.GetString(3), r.GetString(4), r.GetString(5), r.GetFieldValue<long[]>(6));

    /// <summary>Locks one ticket; null when there is none with that id.</summary>
    public static async Task<LockedTicket?> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM fault_ticket t JOIN station s ON s.id = t.station_id WHERE t.id = $1 FOR UPDATE OF t", conn, tx);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>Locks the station's tickets of <paramref name="amenity"/> with one of <paramref name="problems"/> in one of <paramref name="states"/> (fault_ticket_station_idx).</summary>
    public static async Task<List<LockedTicket>> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, string? amenity,
        string[]? problems, string[] states, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {Columns} FROM fault_ticket t JOIN station s ON s.id = t.station_id " +
            "WHERE t.station_id = $1 AND t.state = ANY($2) AND ($3::text IS NULL OR t.amenity = $3) AND ($4::text[] IS NULL OR t.problem = ANY($4)) " +
            "ORDER BY t.id FOR UPDATE OF t", conn, tx);
        cmd.Parameters.AddWithValue(stationId);
        cmd.Parameters.AddWithValue(states);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)amenity ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)problems ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        var list = new List<LockedTicket>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>
    /// Opens a ticket (state reported) unless an unfinished one of the same station, amenity and problem
    /// exists (fault_ticket_open_idx); either way returns it locked, and whether it is new. Concurrent
    /// openers wait on the index and the loser joins the winner's ticket.
    /// </summary>
    public async Task<(LockedTicket Ticket, bool Opened)> OpenOrJoinAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, string amenity,
        string problem, string openedBy, long? deviceId, string? description, string? externalRef, string actor, long? signalId, DateTimeOffset at, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await LockAsync(conn, tx, stationId, amenity, [problem], Unfinished, ct);
            if (existing.Count > 0) return (existing[0], false);
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO fault_ticket (station_id, amenity, problem, state, description, opened_by, reporters, external_ref, reported_at, updated_at)
                VALUES ($1, $2, $3, 'reported', $4, $5, $6, $7, $8, $8)
                ON CONFLICT (station_id, amenity, problem) WHERE state IN ('reported', 'confirmed', 'acknowledged') DO NOTHING
                RETURNING id
                """, conn, tx);
            cmd.Parameters.AddWithValue(stationId);
            cmd.Parameters.AddWithValue(amenity);
            cmd.Parameters.AddWithValue(problem);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)description ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.AddWithValue(openedBy);
            cmd.Parameters.AddWithValue(deviceId is { } d ? new[] { d } : Array.Empty<long>());
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)externalRef ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.AddWithValue(at);
            if (await cmd.ExecuteScalarAsync(ct) is long id)
            {
                await EventAsync(conn, tx, id, "reported", actor, signalId, null, at, ct);
                var ticket = (await LockAsync(conn, tx, id, ct))!;
                await EnqueueAsync(conn, tx, ticket, "reported", ct);
                return (ticket, true);
            }
            if (attempt > 2) throw new InvalidOperationException($"Ticket of station {stationId} {amenity} {problem}: neither inserted nor found.");
        }
    }

    /// <summary>Adds a device to the ticket's reporters; false when it was one already.</summary>
    public static async Task<bool> AddReporterAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long ticketId, long deviceId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE fault_ticket SET reporters = array_append(reporters, $2), updated_at = $3 WHERE id = $1 AND NOT ($2 = ANY(reporters))", conn, tx);
        cmd.Parameters.AddWithValue(ticketId);
        cmd.Parameters.AddWithValue(deviceId);
        cmd.Parameters.AddWithValue(at);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// One step: state and its timestamp (confirmed_by with confirmed), the audit event, the webhook.
    /// The caller has checked the step is legal and holds the ticket's lock.
    /// </summary>
    public async Task<LockedTicket> StepAsync(NpgsqlConnection conn, NpgsqlTransaction tx, LockedTicket ticket, string state, string actor,
        long? signalId, string? note, DateTimeOffset at, CancellationToken ct, string? confirmedBy = null)
    {
        if (state is not ("confirmed" or "acknowledged" or "fixed" or "verified" or "rejected"))
            throw new ArgumentOutOfRangeException(nameof(state), state, "not a ticket step");
        // One statement for every step: the step's own timestamp column is set, the others kept.
        await using (var cmd = new NpgsqlCommand("""
                         UPDATE fault_ticket SET state = $2, updated_at = $3, confirmed_by = COALESCE($4, confirmed_by),
                             confirmed_at    = CASE WHEN $2 = 'confirmed'    THEN $3 ELSE confirmed_at END,
                             acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN $3 ELSE acknowledged_at END,
                             fixed_at        = CASE WHEN $2 = 'fixed'        THEN $3 ELSE fixed_at END,
                             verified_at     = CASE WHEN $2 = 'verified'     THEN $3 ELSE verified_at END,
                             rejected_at     = CASE WHEN $2 = 'rejected'     THEN $3 ELSE rejected_at END
                         WHERE id = $1
                         """, conn, tx))
        {
            cmd.Parameters.AddWithValue(ticket.Id);
            cmd.Parameters.AddWithValue(state);
            cmd.Parameters.AddWithValue(at);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)confirmedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await EventAsync(conn, tx, ticket.Id, state, actor, signalId, note, at, ct);
        var stepped = ticket with { State = state };
        await EnqueueAsync(conn, tx, stepped, state, ct);
        return stepped;
    }

    static async Task EventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long ticketId, string state, string actor, long? signalId, string? note,
        DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO fault_ticket_event (ticket_id, state, at, actor, signal_id, note) VALUES ($1, $2, $3, $4, $5, $6)", conn, tx);
        cmd.Parameters.AddWithValue(ticketId);
        cmd.Parameters.AddWithValue(state);
        cmd.Parameters.AddWithValue(at);
        cmd.Parameters.AddWithValue(actor);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)signalId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)note ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    async Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, LockedTicket ticket, string state, CancellationToken ct)
    {
        if (Outbox is not { } outbox) return;
        var view = await TicketStore.GetAsync(conn, tx, ticket.Id, ct);
        await outbox.EnqueueAsync(conn, tx, "ticket." + state, ticket.Id, ticket.Operator, view!, ct);
    }

    /// <summary>Devices confirmed by others gain <see cref="TrustOptions.ConfirmedGain"/>; contradicted ones lose <paramref name="loss"/> (default <see cref="TrustOptions.ContradictedLoss"/>).</summary>
    public async Task TrustAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyCollection<long> devices, bool confirmed, CancellationToken ct, double? loss = null)
    {
        if (devices.Count == 0) return;
        var t = Trust;
        var delta = confirmed ? t.ConfirmedGain : -(loss ?? t.ContradictedLoss);
        await using var cmd = new NpgsqlCommand("""
            UPDATE device SET trust = LEAST($3::real, GREATEST($4::real, trust + $2::real)),
                              confirmed_count = confirmed_count + $5, contradicted_count = contradicted_count + $6
            WHERE id = ANY($1)
            """, conn, tx);
        cmd.Parameters.AddWithValue(devices.Distinct().ToArray());
        cmd.Parameters.AddWithValue((float)delta);
        cmd.Parameters.AddWithValue((float)t.Maximum);
        cmd.Parameters.AddWithValue((float)t.Minimum);
        cmd.Parameters.AddWithValue(confirmed ? 1 : 0);
        cmd.Parameters.AddWithValue(confirmed ? 0 : 1);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Queues something for an editor (GET /api/v1/moderation/queue).</summary>
    public static async Task ModerateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, long? signalId, long? ticketId, long? deviceId,
        string reason, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO moderation_item (station_id, signal_id, ticket_id, device_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)", conn, tx);
        cmd.Parameters.AddWithValue(stationId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)signalId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)ticketId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)deviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(reason);
        cmd.Parameters.AddWithValue(at);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
