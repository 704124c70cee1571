using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Features.Stations;

namespace StationMap.Api.Features.Live;

/// <summary>A signal to store (the writer gives it its id).</summary>
public sealed record SignalDraft(
    long StationId, string Kind, string Source, long? DeviceId, long? ApiKeyId, double Trust,
    DateTimeOffset ObservedAt, double? DistanceM, LiveFields Fields, string? ReportAmenity = null, string? ReportState = null, string? Note = null);

/// <summary>
/// The one way signals are written: in one transaction, the signals, the fault-ticket rules
/// (<see cref="IFaultTickets"/>) and one live_change row; after the commit the in-memory state has
/// them, subscribers hear of the change and <see cref="LiveState"/> announces it to the other
/// instances (batched: a NOTIFY inside every signal's transaction would serialise the commits).
/// Nothing is acknowledged before the commit, so an answered check-in is never lost.
/// </summary>
public sealed class LiveWriter(NpgsqlDataSource data, LiveState state, TimeProvider clock, IServiceProvider services) : ILiveChangeLog
{
    /// <summary>The stored signals and the change that recorded them.</summary>
    public sealed record Written(IReadOnlyList<LiveSignal> Signals, LiveChange Change, IReadOnlyList<long> Tickets);

    public async Task<Written> WriteAsync(IReadOnlyList<SignalDraft> drafts, CancellationToken ct)
    {
        if (drafts.Count == 0 || drafts.Any(d => d.StationId != drafts[0].StationId))
            throw new ArgumentException("One station's signals, at least one.", nameof(drafts));
        var stationId = drafts[0].StationId;
        var received = clock.GetUtcNow().ToUniversalTime();
        var tickets = services.GetService<IFaultTickets>();
        if (drafts.Count == 1 && (tickets is null || !tickets.MayAct(drafts[0])))
            return await WriteQuietAsync(drafts[0], received, ct);

        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var stored = new List<LiveSignal>(drafts.Count);
        foreach (var d in drafts)
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO live_signal (station_id, kind, source, device_id, api_key_id, trust, observed_at, received_at,
                                         distance_m, fields, report_amenity, report_state, note)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13) RETURNING id
                """, conn, tx);
            AddSignalParameters(cmd, d, received);
            var id = (long)(await cmd.ExecuteScalarAsync(ct))!;
            stored.Add(new LiveSignal(id, d.StationId, d.Kind, d.Source, d.DeviceId, d.ApiKeyId, Math.Clamp(d.Trust, 0, 1),
                d.ObservedAt, received, d.Fields, d.ReportAmenity, d.ReportState, d.Note));
        }
        var changedTickets = new List<long>();
        if (tickets is not null)
            foreach (var s in stored) changedTickets.AddRange(await tickets.OnSignalAsync(conn, tx, s, ct));
        var change = await RecordAsync(conn, tx, stationId, "signal", stored[^1].Id, ct);
        // Tickets are read again only when the rules moved one (a report joining one adds a reporter).
        List<TicketRow>? rows = changedTickets.Count > 0 ? await LiveState.ReadTicketsAsync(conn, [stationId], ct) : null;
        await tx.CommitAsync(ct);
        state.ApplyWritten(stored, change, rows);
        return new Written(stored, change, changedTickets.Distinct().ToList());
    }

    /// <summary>A signal no ticket rule acts on: the signal, its change and the notification in one statement (one round trip, one commit).</summary>
    async Task<Written> WriteQuietAsync(SignalDraft d, DateTimeOffset received, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            WITH s AS (
                INSERT INTO live_signal (station_id, kind, source, device_id, api_key_id, trust, observed_at, received_at,
                                         distance_m, fields, report_amenity, report_state, note)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13) RETURNING id),
            c AS (
                INSERT INTO live_change (station_id, cause, ref_id, changed_at) SELECT $1, 'signal', s.id, $8 FROM s RETURNING seq, ref_id)
            SELECT c.ref_id, c.seq FROM c
            """);
        AddSignalParameters(cmd, d, received);
        long id, seq;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (id, seq) = (r.GetInt64(0), r.GetInt64(1));
        }
        var signal = new LiveSignal(id, d.StationId, d.Kind, d.Source, d.DeviceId, d.ApiKeyId, Math.Clamp(d.Trust, 0, 1),
            d.ObservedAt, received, d.Fields, d.ReportAmenity, d.ReportState, d.Note);
        var change = new LiveChange(seq, d.StationId, "signal", id);
        state.ApplyWritten([signal], change, null);
        return new Written([signal], change, []);
    }

    static void AddSignalParameters(NpgsqlCommand cmd, SignalDraft d, DateTimeOffset received)
    {
        cmd.Parameters.AddWithValue(d.StationId);
        cmd.Parameters.AddWithValue(d.Kind);
        cmd.Parameters.AddWithValue(d.Source);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)d.DeviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)d.ApiKeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue((float)Math.Clamp(d.Trust, 0, 1));
        cmd.Parameters.AddWithValue(d.ObservedAt.ToUniversalTime());
        cmd.Parameters.AddWithValue(received);
        cmd.Parameters.Add(new NpgsqlParameter { Value = d.DistanceM is { } m ? (float)m : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Real });
        cmd.Parameters.AddWithValue(LiveFieldsJson.Write(d.Fields));
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)d.ReportAmenity ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)d.ReportState ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)d.Note ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }

    public async Task<LiveChange> RecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, string cause, long? refId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO live_change (station_id, cause, ref_id, changed_at) VALUES ($1, $2, $3, $4) RETURNING seq
            """, conn, tx);
        cmd.Parameters.AddWithValue(stationId);
        cmd.Parameters.AddWithValue(cause);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)refId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(clock.GetUtcNow().ToUniversalTime());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new LiveChange(r.GetInt64(0), stationId, cause, refId);
    }
}
