using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Features.Stations;

namespace StationMap.Api.Features.Live;

/// <summary>
/// Every station's recent signals, open tickets and typical profile, in memory, fused on read
/// (<see cref="LiveFusion"/>). This instance's writes are applied by <see cref="LiveWriter"/> right
/// after their commit (read-your-writes); other instances' arrive through channel
/// <see cref="Channel"/> and are read back by id. On start (and after a lost listener connection)
/// the state is loaded from the tables: signals of the last <see cref="LiveOptions.HorizonHours"/>,
/// unfinished tickets, blocked devices and the check-ins behind the typical profiles; the typical
/// profiles are recounted every hour so that old check-ins leave the window.
/// </summary>
public sealed class LiveState(NpgsqlDataSource data, IOptions<LiveOptions> options, TimeProvider clock, StationIndex stations, ILogger<LiveState> log)
    : BackgroundService, ILiveState, ILiveChangeApplier
{
    public const string Channel = "stationmap_live_change";

    /// <summary>This process's name in notifications, so it skips its own.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N")[..12];

    readonly LiveOptions _o = options.Value;
    readonly ConcurrentDictionary<long, StationData> _stations = new();
    readonly ConcurrentDictionary<long, byte> _blocked = new();
    long _sequence;

    public event Action<LiveChange>? Changed;

    event Action<LiveChange> ILiveState.Changed
    {
        add => Changed += value;
        remove => Changed -= value;
    }

    public long Sequence => Interlocked.Read(ref _sequence);

    public double FullConfidence => _o.FullConfidence;

    public long SequenceOf(long stationId) => _stations.TryGetValue(stationId, out var d) ? Interlocked.Read(ref d.Seq) : 0;

    public bool IsBlocked(long deviceId) => _blocked.ContainsKey(deviceId);

    public StationLive For(long stationId, DateTimeOffset now)
    {
        var record = stations.Find(stationId);
        var zone = record?.Zone ?? StationView.Zones.Get(StationVocabulary.DefaultTimeZone);
        if (!_stations.TryGetValue(stationId, out var d)) return StationLive.Empty();
        LiveSignal[] signals;
        TicketRow[] tickets;
        lock (d)
        {
            d.Prune(now, _o.HorizonHours);
            signals = [.. d.Signals];
            tickets = d.Tickets;
        }
        var live = LiveFusion.Fuse(signals, tickets, _o, now, record?.Row.Capacity, IsBlocked);
        var typical = live.Crowding is null ? d.Typical.At(now, zone, _o.Typical.MinSamples) : null;
        return live with { Typical = typical, Seq = Interlocked.Read(ref d.Seq) };
    }

    /// <summary>The station's whole 7 × 24 typical profile.</summary>
    public TypicalProfileView TypicalProfile(long stationId) =>
        (_stations.TryGetValue(stationId, out var d) ? d.Typical : new TypicalProfile()).View(_o.Typical.WindowDays, _o.Typical.MinSamples);

    /// <summary>The station's unfinished tickets as last read.</summary>
    public IReadOnlyList<TicketRow> Tickets(long stationId) => _stations.TryGetValue(stationId, out var d) ? d.Tickets : [];

    /// <summary>The station's recent signals (newest last), for the contradiction checks of the ingest.</summary>
    public IReadOnlyList<LiveSignal> Signals(long stationId)
    {
        if (!_stations.TryGetValue(stationId, out var d)) return [];
        lock (d) return [.. d.Signals];
    }

    /// <summary>Applies this instance's committed signals and the change that recorded them, then announces the change.</summary>
    public void ApplyWritten(IReadOnlyList<LiveSignal> signals, LiveChange change, IReadOnlyList<TicketRow>? tickets)
    {
        var d = Data(change.StationId);
        lock (d)
        {
            foreach (var s in signals) d.Add(s, Zone(s.StationId));
            if (tickets is not null) d.Tickets = [.. tickets];
        }
        Advance(d, change);
    }

    /// <summary>After a commit that recorded non-signal changes (a ticket step, a moderation decision, a block): reloads and announces.</summary>
    public async Task AppliedAsync(IReadOnlyList<LiveChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        await using var conn = await data.OpenConnectionAsync(ct);
        if (changes.Any(c => c.Cause == "device")) await LoadBlockedAsync(conn, ct);
        var ids = changes.Select(c => c.StationId).Distinct().ToArray();
        var tickets = await ReadTicketsAsync(conn, ids, ct);
        foreach (var id in ids)
        {
            var d = Data(id);
            lock (d) d.Tickets = [.. tickets.Where(t => t.StationId == id)];
        }
        foreach (var c in changes.OrderBy(c => c.Seq)) Advance(Data(c.StationId), c);
    }

    void Advance(StationData d, LiveChange change)
    {
        InterlockedMax(ref d.Seq, change.Seq);
        InterlockedMax(ref _sequence, change.Seq);
        var handlers = Changed;
        if (handlers is null) return;
        foreach (var h in handlers.GetInvocationList().Cast<Action<LiveChange>>())
        {
            try { h(change); }
            catch (Exception e) { log.LogWarning(e, "A live change subscriber failed"); }
        }
    }

    static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, current) == current) return;
    }

    StationData Data(long stationId) => _stations.GetOrAdd(stationId, _ => new StationData());

    TimeZoneInfo Zone(long stationId) => stations.Find(stationId)?.Zone ?? StationView.Zones.Get(StationVocabulary.DefaultTimeZone);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var lastTypical = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await data.OpenConnectionAsync(stop);
                var inbox = new ConcurrentQueue<string>();
                conn.Notification += (_, e) => inbox.Enqueue(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn)) await listen.ExecuteNonQueryAsync(stop);
                await LoadAsync(conn, stop);
                lastTypical = clock.GetUtcNow();
                while (!stop.IsCancellationRequested)
                {
                    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    {
                        wait.CancelAfter(TimeSpan.FromSeconds(30));
                        if (inbox.IsEmpty)
                            try { await conn.WaitAsync(wait.Token); } catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
                    }
                    var foreign = new List<LiveChange>();
                    while (inbox.TryDequeue(out var payload))
                        if (Parse(payload) is { } change) foreign.Add(change);
                    if (foreign.Count > 0) await ApplyForeignAsync(conn, foreign, stop);
                    if (clock.GetUtcNow() - lastTypical > TimeSpan.FromHours(1))
                    {
                        await LoadTypicalAsync(conn, stop);
                        lastTypical = clock.GetUtcNow();
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "Live state listener failed; it reloads on reconnect");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>'instance:seq:station:cause:ref' from another instance; null for this instance's own or a malformed one.</summary>
    LiveChange? Parse(string payload)
    {
        var p = payload.Split(':');
        if (p.Length != 5 || p[0] == Instance) return null;
        if (!long.TryParse(p[1], out var seq) || !long.TryParse(p[2], out var station)) return null;
        return new LiveChange(seq, station, p[3], long.TryParse(p[4], out var r) ? r : null);
    }

    async Task ApplyForeignAsync(NpgsqlConnection conn, List<LiveChange> changes, CancellationToken ct)
    {
        var signalIds = changes.Where(c => c.Cause == "signal" && c.RefId is not null).Select(c => c.RefId!.Value).ToArray();
        if (signalIds.Length > 0)
            foreach (var s in await ReadSignalsAsync(conn, signalIds, ct))
            {
                var d = Data(s.StationId);
                lock (d) d.Add(s, Zone(s.StationId));
            }
        if (changes.Any(c => c.Cause == "device")) await LoadBlockedAsync(conn, ct);
        // Any change may have moved a ticket (a report joins one, a staff value fixes one).
        var ids = changes.Select(c => c.StationId).Distinct().ToArray();
        var tickets = await ReadTicketsAsync(conn, ids, ct);
        foreach (var id in ids)
        {
            var d = Data(id);
            lock (d) d.Tickets = [.. tickets.Where(t => t.StationId == id)];
        }
        foreach (var c in changes.OrderBy(c => c.Seq)) Advance(Data(c.StationId), c);
    }

    async Task LoadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var since = now.AddHours(-_o.HorizonHours);
        var signals = await ReadSignalsAsync(conn, since, ct);
        var tickets = await ReadTicketsAsync(conn, null, ct);
        await LoadBlockedAsync(conn, ct);
        foreach (var group in signals.GroupBy(s => s.StationId))
        {
            var d = Data(group.Key);
            lock (d) foreach (var s in group) d.Add(s, zone: null);
        }
        foreach (var d in _stations) lock (d.Value) d.Value.Tickets = [.. tickets.Where(t => t.StationId == d.Key)];
        foreach (var group in tickets.GroupBy(t => t.StationId))
        {
            var d = Data(group.Key);
            lock (d) d.Tickets = [.. group];
        }
        await using (var cmd = new NpgsqlCommand("SELECT coalesce(max(seq), 0) FROM live_change", conn))
            InterlockedMax(ref _sequence, (long)(await cmd.ExecuteScalarAsync(ct))!);
        await using (var cmd = new NpgsqlCommand("SELECT station_id, max(seq) FROM live_change WHERE changed_at > $1 GROUP BY station_id", conn))
        {
            cmd.Parameters.AddWithValue(since);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) InterlockedMax(ref Data(r.GetInt64(0)).Seq, r.GetInt64(1));
        }
        await LoadTypicalAsync(conn, ct);
        log.LogInformation("Live state loaded: {Signals} recent signals, {Tickets} open tickets, {Stations} stations", signals.Count, tickets.Count, _stations.Count);
    }

    /// <summary>Recounts every typical profile from the check-ins of the window, by local weekday and hour of each station's zone.</summary>
    async Task LoadTypicalAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var fresh = new Dictionary<long, TypicalProfile>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT l.station_id,
                   (extract(isodow FROM l.observed_at AT TIME ZONE s.time_zone)::int - 1) * 24
                   + extract(hour FROM l.observed_at AT TIME ZONE s.time_zone)::int AS cell,
                   count(*)::int,
                   sum(CASE l.fields->>'crowding' WHEN 'empty' THEN 0 WHEN 'some_seats' THEN 1 ELSE 2 END)::float8
            FROM live_signal l JOIN station s ON s.id = l.station_id
            WHERE l.kind = 'checkin' AND l.observed_at > $1 AND l.observed_at <= $2 AND l.fields ? 'crowding'
              AND (l.device_id IS NULL OR l.device_id NOT IN (SELECT id FROM device WHERE blocked_at IS NOT NULL))
            GROUP BY 1, 2
            """, conn))
        {
            var now = clock.GetUtcNow();
            cmd.Parameters.AddWithValue(now.AddDays(-_o.Typical.WindowDays));
            cmd.Parameters.AddWithValue(now);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var id = r.GetInt64(0);
                if (!fresh.TryGetValue(id, out var p)) fresh[id] = p = new TypicalProfile();
                p.Add(r.GetInt32(1), r.GetInt32(2), r.GetDouble(3));
            }
        }
        foreach (var (id, d) in _stations) lock (d) d.Typical = fresh.GetValueOrDefault(id) ?? new TypicalProfile();
        foreach (var (id, p) in fresh) { var d = Data(id); lock (d) d.Typical = p; }
    }

    async Task LoadBlockedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var blocked = new HashSet<long>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM device WHERE blocked_at IS NOT NULL", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) blocked.Add(r.GetInt64(0));
        foreach (var id in _blocked.Keys) if (!blocked.Contains(id)) _blocked.TryRemove(id, out _);
        foreach (var id in blocked) _blocked[id] = 0;
    }

    /// <summary>Marks a device blocked or not in this instance at once (the write also notifies the others).</summary>
    public void SetBlocked(long deviceId, bool blocked)
    {
        if (blocked) _blocked[deviceId] = 0;
        else _blocked.TryRemove(deviceId, out _);
    }

    const string SignalsByIds =
        "SELECT id, station_id, kind, source, device_id, api_key_id, trust, observed_at, received_at, fields::text, report_amenity, report_state, note " +
        "FROM live_signal WHERE id = ANY($1) ORDER BY observed_at, id";
    const string SignalsSince =
        "SELECT id, station_id, kind, source, device_id, api_key_id, trust, observed_at, received_at, fields::text, report_amenity, report_state, note " +
        "FROM live_signal WHERE observed_at > $1 ORDER BY observed_at, id";

    /// <summary>Signals by id (<paramref name="parameter"/> a long[]) or observed since an instant (a DateTimeOffset).</summary>
    static async Task<List<LiveSignal>> ReadSignalsAsync(NpgsqlConnection conn, object parameter, CancellationToken ct)
    {
        var list = new List<LiveSignal>();
        await using var cmd = new NpgsqlCommand(parameter is long[]? SignalsByIds : SignalsSince, conn);
        cmd.Parameters.AddWithValue(parameter);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new LiveSignal(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), r.IsDBNull(5) ? null : r.GetInt64(5), r.GetFloat(6),
                r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), LiveFieldsJson.Read(r.GetString(9)),
                r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12)));
        return list;
    }

    /// <summary>Unfinished tickets (reported, confirmed, acknowledged, fixed) of the stations, or of all with null.</summary>
    public static async Task<List<TicketRow>> ReadTicketsAsync(NpgsqlConnection conn, long[]? stationIds, CancellationToken ct)
    {
        var list = new List<TicketRow>();
        await using var cmd = new NpgsqlCommand(
            "SELECT id, station_id, amenity, problem, state, reported_at, confirmed_at, acknowledged_at, fixed_at FROM fault_ticket " +
            "WHERE state IN ('reported', 'confirmed', 'acknowledged', 'fixed')" + (stationIds is null ? "" : " AND station_id = ANY($1)") +
            " ORDER BY id", conn);
        if (stationIds is not null) cmd.Parameters.AddWithValue(stationIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new TicketRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8)));
        return list;
    }

    /// <summary>One station's in-memory state; lock the instance to read or change the lists.</summary>
    sealed class StationData
    {
        public readonly List<LiveSignal> Signals = [];
        readonly HashSet<long> _ids = [];
        public TicketRow[] Tickets = [];
        public TypicalProfile Typical = new();
        public long Seq;

        /// <summary>Adds a signal once (by id), in observed order; a new check-in also counts in the typical profile when <paramref name="zone"/> is given.</summary>
        public void Add(LiveSignal s, TimeZoneInfo? zone)
        {
            if (!_ids.Add(s.Id)) return;
            var at = Signals.Count;
            while (at > 0 && Signals[at - 1].ObservedAt > s.ObservedAt) at--;
            Signals.Insert(at, s);
            if (zone is not null && s.Kind == "checkin" && s.Fields.Crowding is { } c) Typical.Add(s.ObservedAt, zone, c);
        }

        public void Prune(DateTimeOffset now, double horizonHours)
        {
            var cut = now.AddHours(-horizonHours);
            var n = 0;
            while (n < Signals.Count && Signals[n].ObservedAt < cut) _ids.Remove(Signals[n++].Id);
            if (n > 0) Signals.RemoveRange(0, n);
        }
    }
}

/// <summary>live_signal.fields as JSON (snake_case, nulls left out).</summary>
public static class LiveFieldsJson
{
    public static string Write(LiveFields f)
    {
        var o = new Dictionary<string, object>();
        if (f.Crowding is not null) o["crowding"] = f.Crowding;
        if (f.SeatsFree is not null) o["seats_free"] = f.SeatsFree;
        if (f.Occupancy is not null) o["occupancy"] = f.Occupancy;
        if (f.ChargedAvailable is not null) o["charged_available"] = f.ChargedAvailable;
        if (f.Operating is not null) o["operating"] = f.Operating;
        if (f.Amenities is { Count: > 0 }) o["amenities"] = f.Amenities;
        return JsonSerializer.Serialize(o);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; anything else in a row written by other means is ignored.</summary>
    public static LiveFields Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? Number(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
        Dictionary<string, string>? amenities = null;
        if (root.TryGetProperty("amenities", out var a) && a.ValueKind == JsonValueKind.Object)
            amenities = a.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        return new LiveFields(Text("crowding"), Number("seats_free"), Number("occupancy"), Number("charged_available"), Text("operating"), amenities);
    }
}
