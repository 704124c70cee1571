using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Features.Stations;

namespace StationMap.Api.Features.Live;

/// <summary>
/// Every station's recent signals, open tickets and typical profile, in memory, fused on read
/// (<see cref="LiveFusion"/>). This instance's writes are applied by <see cref="LiveWriter"/> right
/// after their commit (read-your-writes) and announced to the other instances on channel
/// <see cref="Channel"/>, batched: one NOTIFY carries up to <see cref="AnnounceBatch"/> changes,
/// '&lt;instance&gt;|seq:station:cause:ref;…', sent from its own connection after the commits (a NOTIFY
/// inside each signal's transaction would serialise every commit on PostgreSQL's notify lock). Other
/// instances read the announced signals back by id (they hear them through the instance's shared
/// <see cref="Infrastructure.Instances.PgNotifications"/>). On start (and after every reconnect of that listener)
/// the state is loaded from the tables: signals of the last <see cref="LiveOptions.HorizonHours"/>,
/// unfinished tickets, blocked devices and the check-ins behind the typical profiles; the typical
/// profiles are recounted every hour so that old check-ins leave the window.
/// </summary>
public sealed class LiveState(NpgsqlDataSource data, IOptions<LiveOptions> options, TimeProvider clock, StationIndex stations,
    Infrastructure.Instances.PgNotifications notifications, ILogger<LiveState> log)
    : BackgroundService, ILiveState, ILiveChangeApplier
{
    public const string Channel = "stationmap_live_change";

    /// <summary>This process's name in notifications, so it skips its own.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N")[..12];

    readonly LiveOptions _o = options.Value;
    /// <summary>Changes per announcement: "seq:station:cause:ref" of about 30 bytes each, under the 8,000-byte NOTIFY payload.</summary>
    public const int AnnounceBatch = 200;
    readonly System.Threading.Channels.Channel<LiveChange> _announce = System.Threading.Channels.Channel.CreateUnbounded<LiveChange>(
        new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
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
            signals = d.Signals;
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

    /// <summary>The station's recent signals (newest last), for the contradiction checks of the ingest; with <paramref name="since"/>, only those observed after it.</summary>
    public IReadOnlyList<LiveSignal> Signals(long stationId, DateTimeOffset? since = null)
    {
        if (!_stations.TryGetValue(stationId, out var d)) return [];
        lock (d)
        {
            var all = d.Signals;
            if (since is not { } from) return all;
            var i = all.Length;
            while (i > 0 && all[i - 1].ObservedAt > from) i--;
            return all[i..];
        }
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
        _announce.Writer.TryWrite(change);
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
        foreach (var c in changes.OrderBy(c => c.Seq))
        {
            Advance(Data(c.StationId), c);
            _announce.Writer.TryWrite(c);
        }
    }

    /// <summary>Sends this instance's committed changes to the others, batched; a failed send is logged (the data is committed: other instances read it on their next load).</summary>
    async Task AnnounceAsync(CancellationToken stop)
    {
        var batch = new List<LiveChange>(AnnounceBatch);
        var lastWarning = DateTimeOffset.MinValue;
        while (await _announce.Reader.WaitToReadAsync(stop))
        {
            batch.Clear();
            while (batch.Count < AnnounceBatch && _announce.Reader.TryRead(out var c)) batch.Add(c);
            var payload = Instance + "|" + string.Join(';', batch.Select(c =>
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Seq}:{c.StationId}:{c.Cause}:{c.RefId}")));
            try
            {
                await using var cmd = data.CreateCommand("SELECT pg_notify($1, $2)");
                cmd.Parameters.AddWithValue(Channel);
                cmd.Parameters.AddWithValue(payload);
                await cmd.ExecuteNonQueryAsync(stop);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                if (DateTimeOffset.UtcNow - lastWarning > TimeSpan.FromSeconds(30))
                {
                    lastWarning = DateTimeOffset.UtcNow;
                    log.LogWarning("Live changes could not be announced to other instances ({Message}); they stay in the database", e.Message);
                }
            }
            // Coalesce: what arrives in the next few milliseconds goes out in one notification.
            await Task.Delay(5, stop);
        }
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
        var announcing = Task.Run(async () =>
        {
            try { await AnnounceAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }, CancellationToken.None);
        await ListenAsync(stop);
        await announcing;
    }

    async Task ListenAsync(CancellationToken stop)
    {
        var lastTypical = DateTimeOffset.MinValue;
        var inbox = new ConcurrentQueue<string>();
        var wake = System.Threading.Channels.Channel.CreateBounded<bool>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        long wanted = 0, done = 0;
        // The instance's shared listener: announcements of the other instances, and after every
        // (re)connection (LISTEN in force) a reload from the tables, since announcements sent while
        // nobody listened are lost.
        using var subscription = notifications.Subscribe(Channel,
            payload => { inbox.Enqueue(payload); wake.Writer.TryWrite(true); },
            () => { Interlocked.Increment(ref wanted); wake.Writer.TryWrite(true); });
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (inbox.IsEmpty && Interlocked.Read(ref wanted) == done)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    wait.CancelAfter(TimeSpan.FromSeconds(30));
                    try { await wake.Reader.ReadAsync(wait.Token); } catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
                }
                var want = Interlocked.Read(ref wanted);
                if (want == 0) continue;   // not connected yet: the first load waits for LISTEN
                await using var conn = await data.OpenConnectionAsync(stop);
                if (want != done)
                {
                    await LoadAsync(conn, stop);
                    done = want;
                    lastTypical = clock.GetUtcNow();
                }
                var foreign = new List<LiveChange>();
                while (inbox.TryDequeue(out var payload)) foreign.AddRange(Parse(payload));
                if (foreign.Count > 0) await ApplyForeignAsync(conn, foreign, stop);
                if (clock.GetUtcNow() - lastTypical > TimeSpan.FromHours(1))
                {
                    await LoadTypicalAsync(conn, stop);
                    lastTypical = clock.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                Interlocked.Increment(ref wanted);   // what failed to apply is found by a reload
                log.LogWarning(e, "Live state listener failed; it reloads from the tables");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>The changes of '&lt;instance&gt;|seq:station:cause:ref;…' from another instance; none for this instance's own or a malformed one.</summary>
    IEnumerable<LiveChange> Parse(string payload)
    {
        var bar = payload.IndexOf('|');
        if (bar <= 0 || payload[..bar] == Instance) yield break;
        foreach (var item in payload[(bar + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = item.Split(':');
            if (p.Length != 4 || !long.TryParse(p[0], out var seq) || !long.TryParse(p[1], out var station)) continue;
            yield return new LiveChange(seq, station, p[2], long.TryParse(p[3], out var r) ? r : null);
        }
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

    /// <summary>
    /// One station's in-memory state; lock the instance to read or change it. Signals are kept per field
    /// and source, the newest <see cref="LiveFusion.PerSourceCap"/> of each (all the fusion reads), so a
    /// busy station costs the same to fuse as a quiet one; <see cref="Signals"/> is their union in observed order.
    /// </summary>
    sealed class StationData
    {
        readonly Dictionary<string, List<LiveSignal>> _buckets = new(StringComparer.Ordinal);
        readonly HashSet<long> _ids = [];
        readonly Queue<long> _recentIds = new();
        LiveSignal[]? _union;
        public TicketRow[] Tickets = [];
        public TypicalProfile Typical = new();
        public long Seq;

        /// <summary>Every kept signal, oldest first.</summary>
        public LiveSignal[] Signals => _union ??= [.. _buckets.Values.SelectMany(b => b).DistinctBy(x => x.Id).OrderBy(x => x.ObservedAt).ThenBy(x => x.Id)];

        static IEnumerable<string> Keys(LiveSignal s)
        {
            var f = s.Fields;
            var source = s.Source;
            if (f.Crowding is not null || f.SeatsFree is not null || f.Occupancy is not null) yield return "crowding|" + source;
            if (f.SeatsFree is not null) yield return "seats_free|" + source;
            if (f.Occupancy is not null) yield return "occupancy|" + source;
            if (f.ChargedAvailable is not null) yield return "charged_available|" + source;
            if (f.Operating is not null) yield return "operating|" + source;
            if (f.Amenities is { } amenities) foreach (var a in amenities.Keys) yield return "amenity:" + a + "|" + source;
            // A report that says nothing the fusion reads (wrong_location, gone) is kept for the rules of the ingest.
            if (f.Crowding is null && f.SeatsFree is null && f.Occupancy is null && f.ChargedAvailable is null && f.Operating is null && f.Amenities is not { Count: > 0 })
                yield return "other|" + source;
        }

        /// <summary>Adds a signal once (by id), in observed order; a new check-in also counts in the typical profile when <paramref name="zone"/> is given.</summary>
        public void Add(LiveSignal s, TimeZoneInfo? zone)
        {
            if (!_ids.Add(s.Id)) return;
            _recentIds.Enqueue(s.Id);
            while (_recentIds.Count > 4096) _ids.Remove(_recentIds.Dequeue());
            foreach (var key in Keys(s))
            {
                if (!_buckets.TryGetValue(key, out var bucket)) _buckets[key] = bucket = [];
                var at = bucket.Count;
                while (at > 0 && bucket[at - 1].ObservedAt > s.ObservedAt) at--;
                bucket.Insert(at, s);
                if (bucket.Count > LiveFusion.PerSourceCap) bucket.RemoveAt(0);
            }
            _union = null;
            if (zone is not null && s.Kind == "checkin" && s.Fields.Crowding is { } c) Typical.Add(s.ObservedAt, zone, c);
        }

        public void Prune(DateTimeOffset now, double horizonHours)
        {
            var cut = now.AddHours(-horizonHours);
            foreach (var bucket in _buckets.Values)
            {
                var n = 0;
                while (n < bucket.Count && bucket[n].ObservedAt < cut) n++;
                if (n == 0) continue;
                bucket.RemoveRange(0, n);
                _union = null;
            }
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
