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

    // A signal no ticket rule acts on: the signal and its change in one statement.
    const string QuietSql = """
        WITH s AS (
            INSERT INTO live_signal (station_id, kind, source, device_id, api_key_id, trust, observed_at, received_at,
                                     distance_m, fields, report_amenity, report_state, note)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13) RETURNING id),
        c AS (
            INSERT INTO live_change (station_id, cause, ref_id, changed_at) SELECT $1, 'signal', s.id, $8 FROM s RETURNING seq, ref_id)
        SELECT c.ref_id, c.seq FROM c
        """;

    /// <summary>Most quiet signals one commit carries.</summary>
    public const int MaxGroup = 64;
    /// <summary>Most groups in flight at once (each holds one pooled connection).</summary>
    const int MaxWriters = 2;

    sealed record Pending(SignalDraft Draft, DateTimeOffset Received, TaskCompletionSource<Written> Done);

    readonly System.Threading.Channels.Channel<Pending> _quiet = System.Threading.Channels.Channel.CreateUnbounded<Pending>();
    int _writers;

    /// <summary>
    /// Quiet signals are committed in groups: the ones that arrive while a commit is under way go together in
    /// the next one (one round trip, one transaction: a batch of the one-row statements), so a busy ingest pays
    /// one commit for many signals, while a lone signal is written at once. Each caller is answered after its
    /// group commits; when a group fails, its signals are written one by one, so one bad signal fails alone.
    /// </summary>
    Task<Written> WriteQuietAsync(SignalDraft d, DateTimeOffset received, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var pending = new Pending(d, received, new TaskCompletionSource<Written>(TaskCreationOptions.RunContinuationsAsynchronously));
        _quiet.Writer.TryWrite(pending);
        StartWriter();
        return pending.Done.Task;
    }

    void StartWriter()
    {
        if (Interlocked.Increment(ref _writers) <= MaxWriters) _ = Task.Run(DrainAsync);
        else Interlocked.Decrement(ref _writers);
    }

    async Task DrainAsync()
    {
        try
        {
            var group = new List<Pending>(MaxGroup);
            while (true)
            {
                group.Clear();
                while (group.Count < MaxGroup && _quiet.Reader.TryRead(out var p)) group.Add(p);
                if (group.Count == 0) break;
                await WriteGroupAsync(group);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _writers);
        }
        // A signal queued between the last empty read and the decrement has a writer too.
        if (_quiet.Reader.Count > 0) StartWriter();
    }

    async Task WriteGroupAsync(IReadOnlyList<Pending> group)
    {
        List<Written> written;
        try
        {
            written = await CommitGroupAsync(group);
        }
        catch (PostgresException) when (group.Count > 1)   // a statement failed (not the connection): find which
        {
            foreach (var p in group)
            {
                try { Complete(p, (await CommitGroupAsync([p]))[0]); }
                catch (Exception e) { p.Done.TrySetException(e); }
            }
            return;
        }
        catch (Exception e)
        {
            // The connection or the server failed (an outage): every signal of the group fails with it, and
            // each caller answers 503; none is acknowledged, none waits for ever.
            foreach (var p in group) p.Done.TrySetException(e);
            return;
        }
        for (var i = 0; i < group.Count; i++) Complete(group[i], written[i]);
    }

    void Complete(Pending p, Written w)
    {
        state.ApplyWritten(w.Signals, w.Change, null);
        p.Done.TrySetResult(w);
    }

    /// <summary>The group's statements in one batch: one round trip and one implicit transaction, committed together.</summary>
    async Task<List<Written>> CommitGroupAsync(IReadOnlyList<Pending> group)
    {
        await using var conn = await data.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(conn);
        foreach (var p in group)
        {
            var cmd = new NpgsqlBatchCommand(QuietSql);
            AddSignalParameters(cmd.Parameters, p.Draft, p.Received);
            batch.BatchCommands.Add(cmd);
        }
        var result = new List<Written>(group.Count);
        await using var r = await batch.ExecuteReaderAsync();
        foreach (var p in group)
        {
            if (!await r.ReadAsync()) throw new InvalidOperationException("A quiet signal's statement returned no row.");
            var (id, seq) = (r.GetInt64(0), r.GetInt64(1));
            var d = p.Draft;
            var signal = new LiveSignal(id, d.StationId, d.Kind, d.Source, d.DeviceId, d.ApiKeyId, Math.Clamp(d.Trust, 0, 1),
                d.ObservedAt, p.Received, d.Fields, d.ReportAmenity, d.ReportState, d.Note);
            result.Add(new Written([signal], new LiveChange(seq, d.StationId, "signal", id), []));
            await r.NextResultAsync();
        }
        return result;
    }

    static void AddSignalParameters(NpgsqlCommand cmd, SignalDraft d, DateTimeOffset received) => AddSignalParameters(cmd.Parameters, d, received);

    static void AddSignalParameters(NpgsqlParameterCollection parameters, SignalDraft d, DateTimeOffset received)
    {
        parameters.AddWithValue(d.StationId);
        parameters.AddWithValue(d.Kind);
        parameters.AddWithValue(d.Source);
        parameters.Add(new NpgsqlParameter { Value = (object?)d.DeviceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = (object?)d.ApiKeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        parameters.AddWithValue((float)Math.Clamp(d.Trust, 0, 1));
        parameters.AddWithValue(d.ObservedAt.ToUniversalTime());
        parameters.AddWithValue(received);
        parameters.Add(new NpgsqlParameter { Value = d.DistanceM is { } m ? (float)m : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Real });
        parameters.AddWithValue(LiveFieldsJson.Write(d.Fields));
        parameters.Add(new NpgsqlParameter { Value = (object?)d.ReportAmenity ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = (object?)d.ReportState ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = (object?)d.Note ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
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
