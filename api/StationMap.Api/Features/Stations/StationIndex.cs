using System.Collections.Concurrent;
using System.Diagnostics;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// The live (not deleted) stations in memory, for GET …/nearest by distance. PostgreSQL stays the
/// source of truth; the index follows it:
/// <list type="bullet">
/// <item>on start and after every reconnect of the instance's shared listener
/// (<see cref="Infrastructure.Instances.PgNotifications"/>): a full resynchronisation (rows whose
/// <c>xmin</c> differ from the copy are re-read, missing ones dropped);</item>
/// <item>on NOTIFY <see cref="Channel"/> (migration 0008, one per changing statement, in commit order):
/// the announced rows are re-read by id; "*" (big statements, TRUNCATE) resynchronises;</item>
/// <item>after every write through this instance's EF context commits (<see cref="StationIndexWriteHook"/>):
/// the written rows are re-read before the request answers (read-your-writes);</item>
/// <item>every <see cref="ResyncEvery"/>: a resynchronisation as a safety net.</item>
/// </list>
/// Consistency rule: an answer reflects every station change committed before the request started
/// when it was made through this instance; changes by other processes are seen once their
/// notification is processed (normally within milliseconds, at worst at the next resync), and
/// <see cref="SyncAsync"/> waits for exactly that. Re-reads are serialised, so the copy only moves
/// forward in commit order. Until the first load completes <see cref="Current"/> is null and
/// callers use the SQL path; when the database is unreachable the copy keeps answering.
/// </summary>
public sealed class StationIndex(NpgsqlDataSource data, Infrastructure.Instances.PgNotifications notifications, IConfiguration config,
    ILogger<StationIndex> log) : BackgroundService
{
    public const string Channel = "stationmap_station_change";
    static readonly TimeSpan ResyncEvery = TimeSpan.FromMinutes(5);
    static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(5);
    /// <summary>Records added since the tree was built beyond which the tree is rebuilt (the overlay is scanned linearly).</summary>
    const int RebuildAfter = 1024;

    readonly bool _enabled = config.GetValue("StationMap:NearestIndex:Enabled", true);
    readonly SemaphoreSlim _apply = new(1, 1);
    readonly Dictionary<long, StationIndexRecord> _live = [];
    readonly ConcurrentDictionary<long, StationIndexRecord> _byId = new();
    readonly ConcurrentDictionary<string, TaskCompletionSource> _syncs = new();
    readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    volatile StationIndexSnapshot? _snapshot;
    long _resyncWanted;   // raised by every (re)connection of the listener and by failures
    long _resyncDone;     // the value of _resyncWanted the last full resynchronisation answered

    /// <summary>The current snapshot, or null while the index is disabled or not yet loaded.</summary>
    internal StationIndexSnapshot? Current => _enabled ? _snapshot : null;

    /// <summary>True once the first load is done (and the index is enabled): <see cref="Find"/> and <see cref="Records"/> then know every live station.</summary>
    internal bool IsLoaded => _enabled && _snapshot is not null;

    /// <summary>The live (not deleted) station with this id, or null (unknown, deleted, or the index not loaded: see <see cref="IsLoaded"/>).</summary>
    internal StationIndexRecord? Find(long id) => _enabled ? _byId.GetValueOrDefault(id) : null;

    /// <summary>Every live station (a moment's view; empty until loaded).</summary>
    internal IEnumerable<StationIndexRecord> Records => _enabled ? _byId.Values : [];

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_enabled) return;
        var inbox = new ConcurrentQueue<string>();
        var wake = System.Threading.Channels.Channel.CreateBounded<bool>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
        // The instance's shared listener. On every (re)connection, once LISTEN is in force, a full
        // resynchronisation: a change committed after its read is announced to us, one made while
        // nobody listened is found by it.
        using var subscription = notifications.Subscribe(Channel,
            payload => { inbox.Enqueue(payload); wake.Writer.TryWrite(true); },
            () => { Interlocked.Increment(ref _resyncWanted); wake.Writer.TryWrite(true); });
        var lastResync = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var wanted = Interlocked.Read(ref _resyncWanted);
                if (inbox.IsEmpty && wanted == _resyncDone)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    wait.CancelAfter(TimeSpan.FromSeconds(30));
                    try { await wake.Reader.ReadAsync(wait.Token); } catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
                    wanted = Interlocked.Read(ref _resyncWanted);
                }
                if (wanted == 0) continue;   // not connected yet: the first load waits for LISTEN
                var ids = new HashSet<long>();
                var all = wanted != _resyncDone || lastResync.Elapsed > ResyncEvery;
                var syncs = new List<string>();
                while (inbox.TryDequeue(out var payload))
                {
                    if (payload == "*") all = true;
                    else if (payload.StartsWith("sync:", StringComparison.Ordinal)) syncs.Add(payload);
                    else foreach (var part in payload.Split(','))
                        if (long.TryParse(part, out var id)) ids.Add(id);
                }
                if (all) { await ResyncAsync(stop); _resyncDone = wanted; lastResync.Restart(); }
                else if (ids.Count > 0) await RefreshAsync(ids, stop);
                foreach (var s in syncs) if (_syncs.TryRemove(s, out var done)) done.TrySetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            // Any failure, not only the database's: an exception escaping a hosted service stops the host.
            catch (Exception e)
            {
                Interlocked.Increment(ref _resyncWanted);
                log.LogWarning(e, "Station index refresh failed; the index keeps answering and resynchronises");
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// Waits until every station change committed before this call is in the index: sends a marker
    /// through the same NOTIFY channel and waits for the listener to reach it. False when the
    /// listener does not get there within 5 s (database or listener down).
    /// </summary>
    public async Task<bool> SyncAsync(CancellationToken ct = default)
    {
        if (!_enabled) return true;
        var token = $"sync:{_instance}:{Guid.NewGuid():N}";
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _syncs[token] = done;
        try
        {
            await using (var conn = await data.OpenConnectionAsync(ct))
            await using (var cmd = new NpgsqlCommand("SELECT pg_notify($1, $2)", conn))
            {
                cmd.Parameters.AddWithValue(Channel);
                cmd.Parameters.AddWithValue(token);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await done.Task.WaitAsync(SyncTimeout, ct);
            return true;
        }
        catch (TimeoutException) { return false; }
        finally { _syncs.TryRemove(token, out _); }
    }

    /// <summary>Re-reads the given stations (after a write committed) and applies what the database now says.</summary>
    public async Task RefreshAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        if (!_enabled || ids.Count == 0) return;
        await _apply.WaitAsync(ct);
        try
        {
            if (_snapshot is null) return; // the first load will read them
            var rows = await ReadAsync(ids.ToArray(), ct);
            var changes = new List<(long Id, StationIndexRecord? Record)>();
            foreach (var id in ids)
            {
                rows.TryGetValue(id, out var row);
                if (row is null && !_live.ContainsKey(id)) continue;
                if (row is not null && _live.TryGetValue(id, out var have) && have.Xmin == row.Xmin) continue;
                changes.Add((id, row));
            }
            Apply(changes);
        }
        finally { _apply.Release(); }
    }

    /// <summary>Brings the whole copy in line with the table: re-reads new and changed rows (by xmin), drops the missing.</summary>
    async Task ResyncAsync(CancellationToken ct)
    {
        await _apply.WaitAsync(ct);
        try
        {
            var clock = Stopwatch.StartNew();
            var changes = new List<(long Id, StationIndexRecord? Record)>();
            if (_live.Count == 0)
            {
                // In id order, a chunk per statement: one 100,000-row SELECT can outlast statement_timeout on a busy machine.
                for (long after = 0; ;)
                {
                    var chunk = await ReadAsync(null, ct, after);
                    foreach (var (id, r) in chunk) changes.Add((id, r));
                    if (chunk.Count < ChunkRows) break;
                    after = chunk.Keys.Max();
                }
            }
            else
            {
                var current = new Dictionary<long, uint>();
                await using (var conn = await data.OpenConnectionAsync(ct))
                await using (var cmd = new NpgsqlCommand("SELECT id, xmin::text::bigint FROM station WHERE deleted_at IS NULL", conn))
                await using (var reader = await cmd.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) current[reader.GetInt64(0)] = (uint)reader.GetInt64(1);
                var stale = current.Where(c => !_live.TryGetValue(c.Key, out var r) || r.Xmin != c.Value).Select(c => c.Key).ToArray();
                foreach (var id in _live.Keys) if (!current.ContainsKey(id)) changes.Add((id, null));
                foreach (var part in stale.Chunk(ChunkRows))
                {
                    var rows = await ReadAsync(part, ct);
                    foreach (var id in part) changes.Add((id, rows.GetValueOrDefault(id)));
                }
            }
            Apply(changes, rebuild: true);
            if (changes.Count > 0)
                log.LogInformation("Station index resynchronised: {Changes} changes, {Count} stations in {Ms} ms", changes.Count, _live.Count, clock.ElapsedMilliseconds);
        }
        finally { _apply.Release(); }
    }

    /// <summary>Publishes a new snapshot with the changes (null record = gone). Caller holds <see cref="_apply"/>.</summary>
    void Apply(List<(long Id, StationIndexRecord? Record)> changes, bool rebuild = false)
    {
        var previous = _snapshot;
        if (changes.Count == 0 && previous is not null) return;
        var generation = (previous?.Generation ?? 0) + 1;
        var added = new List<StationIndexRecord>();
        foreach (var (id, record) in changes)
        {
            if (_live.Remove(id, out var old)) old.SupersededAt = generation;
            if (record is null) { _byId.TryRemove(id, out _); continue; }
            _live[id] = record;
            _byId[id] = record;
            added.Add(record);
        }
        if (previous is null || rebuild || previous.Added.Length + added.Count > RebuildAfter)
        {
            _snapshot = new StationIndexSnapshot(generation, new StationKdTree(_live.Values), [], _live.Count);
            return;
        }
        var overlay = previous.Added.Where(r => r.SupersededAt > generation).Concat(added).ToArray();
        _snapshot = new StationIndexSnapshot(generation, previous.Tree, overlay, _live.Count);
    }

    const string Columns =
        "id, name, name_en, address, district, ST_X(location::geometry), ST_Y(location::geometry), tier, operator, phone, " +
        "opening_hours, time_zone, status, status_reason, capacity, amenities::text, access, verified_at, is_demo, " +
        "created_at, updated_at, version, xmin::text::bigint, services::text";

    const int ChunkRows = 10_000;

    /// <summary>
    /// Live rows by id; a deleted or missing id is absent. With <paramref name="ids"/> null: the next
    /// <see cref="ChunkRows"/> live rows with id greater than <paramref name="after"/>.
    /// </summary>
    async Task<Dictionary<long, StationIndexRecord>> ReadAsync(long[]? ids, CancellationToken ct, long after = 0)
    {
        var rows = new List<(Station Row, uint Xmin)>();
        await using (var conn = await data.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand($"SELECT {Columns} FROM station WHERE deleted_at IS NULL" +
            (ids is null ? " AND id > $1 ORDER BY id LIMIT $2" : " AND id = ANY($1)"), conn))
        {
            cmd.Parameters.Add(ids is null
                ? new NpgsqlParameter { Value = after, NpgsqlDbType = NpgsqlDbType.Bigint }
                : new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            if (ids is null) cmd.Parameters.Add(new NpgsqlParameter { Value = ChunkRows, NpgsqlDbType = NpgsqlDbType.Integer });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) rows.Add(Row(r));
        }
        // Records (parsing, geometry) are made after the statement ends, not while it holds its snapshot.
        var result = new Dictionary<long, StationIndexRecord>(rows.Count);
        foreach (var (row, xmin) in rows) result[row.Id] = StationIndexRecord.From(row, xmin);
        return result;
    }

    static (Station, uint) Row(NpgsqlDataReader r)
    {
        {
            var row = new Station
            {
                Id = r.GetInt64(0),
                Name = r.GetString(1),
                NameEn = r.IsDBNull(2) ? null : r.GetString(2),
                Address = r.IsDBNull(3) ? null : r.GetString(3),
                District = r.IsDBNull(4) ? null : r.GetString(4),
                Location = new Point(r.GetDouble(5), r.GetDouble(6)) { SRID = 4326 },
                Tier = r.GetString(7),
                Operator = r.IsDBNull(8) ? null : r.GetString(8),
                Phone = r.IsDBNull(9) ? null : r.GetString(9),
                OpeningHours = r.IsDBNull(10) ? null : r.GetString(10),
                TimeZone = r.GetString(11),
                Status = r.GetString(12),
                StatusReason = r.IsDBNull(13) ? null : r.GetString(13),
                Capacity = r.IsDBNull(14) ? null : r.GetInt32(14),
                Amenities = r.GetString(15),
                Access = r.GetFieldValue<string[]>(16),
                VerifiedAt = r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17),
                IsDemo = r.GetBoolean(18),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(19),
                UpdatedAt = r.GetFieldValue<DateTimeOffset>(20),
                Version = r.GetInt32(21),
                Services = r.GetString(23),
            };
            return (row, (uint)r.GetInt64(22));
        }
    }
}
