using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <param name="Limit">At most this many items, 1–1000 (default 100).</param>
public sealed record ModerationQuery([FromQuery(Name = "limit")] int? Limit);

/// <summary>Something an editor must look at, and what was decided.</summary>
/// <param name="Id">Item id.</param>
/// <param name="StationId">The station the report is about.</param>
/// <param name="StationName">Its name.</param>
/// <param name="Reason">low_trust (the device's trust is below the moderation threshold), claims_gone, claims_wrong_location or conflicts_with_staff (staff or a sensor said otherwise in the 2 hours before).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="SignalId">The report behind it.</param>
/// <param name="ReportAmenity">What the report was about (an amenity or station).</param>
/// <param name="ReportState">What it said (broken, empty, gone, …).</param>
/// <param name="Note">The courier's note, if any.</param>
/// <param name="TicketId">The ticket the report opened or joined, if any.</param>
/// <param name="TicketState">That ticket's state now.</param>
/// <param name="DeviceId">The reporting device.</param>
/// <param name="DeviceTrust">Its trust now (0–1).</param>
/// <param name="Decision">accept or reject; null while open.</param>
/// <param name="DecidedBy">The editor's key (apikey:ID:NAME).</param>
/// <param name="DecidedAt">When it was decided.</param>
/// <param name="DecisionNote">The editor's note.</param>
public sealed record ModerationItemView(long Id, long StationId, string StationName, string Reason, DateTimeOffset CreatedAt, long? SignalId,
    string? ReportAmenity, string? ReportState, string? Note, long? TicketId, string? TicketState, long? DeviceId, double? DeviceTrust,
    string? Decision, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionNote);

/// <summary>Items, in queue order (open: oldest first) or decision order (decided: newest first).</summary>
public sealed record ModerationList(IReadOnlyList<ModerationItemView> Items);

/// <summary>An editor's decision.</summary>
/// <param name="Decision">accept (the report stands: its ticket is confirmed by the moderator, its reporters gain trust) or reject (its ticket is rejected, the device and the ticket's reporters lose trust).</param>
/// <param name="Note">Why (at most 2000 characters), kept with the decision and in the ticket's history.</param>
public sealed record ModerationDecisionRequest(string? Decision, string? Note);

/// <summary>The moderation queue (editor): reports from little-trusted devices, claims of gone or wrong_location, and reports that conflict with staff or sensors.</summary>
public static class ModerationEndpoints
{
    public static RouteGroupBuilder MapModeration(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/moderation").WithTags("Moderation").RequireAuthorization(ApiKeyAuth.Editor);
        group.MapGet("/queue", Queue)
            .WithName("ModerationQueue")
            .WithSummary("Reports waiting for an editor, oldest first (editor key)")
            .WithDescription("Reasons: low_trust, claims_gone, claims_wrong_location, conflicts_with_staff. Each item names the report, its ticket and the device with its trust now.");
        group.MapPost("/queue/{id:long}/decision", Decide)
            .WithName("DecideModerationItem")
            .WithSummary("Accept or reject a queued report (editor key); audited")
            .WithDescription("accept: a reported ticket becomes confirmed (confirmed_by moderator) and its reporters gain trust. reject: an unfinished ticket becomes " +
                             "rejected and the device and the ticket's reporters lose trust. Other open items of the same ticket are decided with it. " +
                             "decided_by is the editor's key; the ticket's history names it too. 409 when the item is already decided.")
            .ProducesProblem(404).ProducesProblem(409);
        group.MapGet("/decisions", Decisions)
            .WithName("ModerationDecisions")
            .WithSummary("The decisions log, newest first (editor key)")
            .WithDescription("Every decided item with its decision, decided_by (the editor's key), decided_at and note.");
        return api;
    }

    const string Columns = """
        m.id, m.station_id, s.name, m.reason, m.created_at, m.signal_id, l.report_amenity, l.report_state, l.note, m.ticket_id, t.state,
        m.device_id, d.trust, m.decision, m.decided_by, m.decided_at, m.note
        """;

    const string Select = "SELECT " + Columns + """
         FROM moderation_item m JOIN station s ON s.id = m.station_id
        LEFT JOIN live_signal l ON l.id = m.signal_id LEFT JOIN fault_ticket t ON t.id = m.ticket_id LEFT JOIN device d ON d.id = m.device_id
        """;
    const string OpenItems = Select + " WHERE m.decision IS NULL ORDER BY m.created_at, m.id LIMIT $1";
    const string DecidedItems = Select + " WHERE m.decision IS NOT NULL ORDER BY m.decided_at DESC, m.id DESC LIMIT $1";
    const string OneItem = Select + " WHERE m.id = $1";

    static ModerationItemView Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
        Long(r, 5), Text(r, 6), Text(r, 7), Text(r, 8), Long(r, 9), Text(r, 10), Long(r, 11), r.IsDBNull(12) ? null : Math.Round(r.GetFloat(12), 4),
        Text(r, 13), Text(r, 14), r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15), Text(r, 16));

    static long? Long(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    static async Task<List<ModerationItemView>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var items = new List<ModerationItemView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) items.Add(Read(r));
        return items;
    }

    static async Task<Results<Ok<ModerationList>, ValidationProblem>> Queue([AsParameters] ModerationQuery query, NpgsqlDataSource data, CancellationToken ct) =>
        await ListAsync(query, data, OpenItems, ct);

    static async Task<Results<Ok<ModerationList>, ValidationProblem>> Decisions([AsParameters] ModerationQuery query, NpgsqlDataSource data, CancellationToken ct) =>
        await ListAsync(query, data, DecidedItems, ct);

    static async Task<Results<Ok<ModerationList>, ValidationProblem>> ListAsync(ModerationQuery query, NpgsqlDataSource data, string sql, CancellationToken ct)
    {
        var v = new Validation();
        v.Range(query.Limit, "limit", 1, TicketEndpoints.MaxLimit);
        if (!v.IsValid) return v.Problem();
        await using var cmd = data.CreateCommand(sql);
        cmd.Parameters.AddWithValue(query.Limit ?? TicketEndpoints.DefaultLimit);
        return TypedResults.Ok(new ModerationList(await ReadAsync(cmd, ct)));
    }

    static async Task<Results<Ok<ModerationItemView>, ProblemHttpResult, ValidationProblem>> Decide(
        long id, ModerationDecisionRequest body, NpgsqlDataSource data, ClaimsPrincipal user, TicketSteps steps, IServiceProvider services,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (body.Decision is not ("accept" or "reject")) v.Add("decision", "decision is required: accept or reject.");
        if (body.Note is { Length: > TicketEndpoints.MaxNote }) v.Add("note", $"note must be at most {TicketEndpoints.MaxNote} characters.");
        if (!v.IsValid) return v.Problem();

        var now = clock.GetUtcNow();
        var actor = ApiKeyAuth.Actor(user);
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long? ticketId, deviceId;
        string? decided;
        await using (var cmd = new NpgsqlCommand("SELECT ticket_id, device_id, decision FROM moderation_item WHERE id = $1 FOR UPDATE", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return Problems.Of(Problems.ModerationItemNotFound, $"There is no moderation item {id}.");
            (ticketId, deviceId, decided) = (Long(r, 0), Long(r, 1), Text(r, 2));
        }
        if (decided is not null) return Problems.Of(Problems.ModerationDecided, $"Moderation item {id} is already decided ({decided}); see GET /api/v1/moderation/decisions.");

        var ticket = ticketId is { } t ? await TicketSteps.LockAsync(conn, tx, t, ct) : null;
        var stepped = false;
        var penalised = new HashSet<long>();
        if (deviceId is { } device) penalised.Add(device);
        if (body.Decision == "accept")
        {
            if (ticket is { State: "reported" })
            {
                await steps.StepAsync(conn, tx, ticket, "confirmed", actor, null, body.Note ?? "accepted in moderation", now, ct, confirmedBy: "moderator");
                await steps.TrustAsync(conn, tx, ticket.Reporters, confirmed: true, ct);
                stepped = true;
            }
        }
        else
        {
            if (ticket is not null && TicketSteps.Unfinished.Contains(ticket.State))
            {
                await steps.StepAsync(conn, tx, ticket, "rejected", actor, null, body.Note ?? "rejected in moderation", now, ct);
                penalised.UnionWith(ticket.Reporters);
                stepped = true;
            }
            await steps.TrustAsync(conn, tx, penalised, confirmed: false, ct);
        }
        await using (var cmd = new NpgsqlCommand(
                         "UPDATE moderation_item SET decision = $2, decided_by = $3, decided_at = $4, note = $5 " +
                         "WHERE decision IS NULL AND (id = $1 OR ($6::bigint IS NOT NULL AND ticket_id = $6))", conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(body.Decision!);
            cmd.Parameters.AddWithValue(actor);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)body.Note ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)ticketId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var change = stepped ? await LiveChanges.RecordAsync(services, conn, tx, ticket!.StationId, "moderation", ticket.Id, ct) : null;
        ModerationItemView item;
        await using (var cmd = new NpgsqlCommand(OneItem, conn, tx))
        {
            cmd.Parameters.AddWithValue(id);
            item = (await ReadAsync(cmd, ct))[0];
        }
        await tx.CommitAsync(ct);
        await LiveChanges.AppliedAsync(services, change, ct);
        return TypedResults.Ok(item);
    }
}
