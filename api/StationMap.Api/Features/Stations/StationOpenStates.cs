using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Infrastructure.Instances;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// Keeps <c>station_open_state</c> (migration 0015) equal to every live station's open state now,
/// so the station vector tiles join a table instead of evaluating opening hours per request. Each
/// row carries the instant its state holds until (the schedule's next change, at most
/// <see cref="Horizon"/> ahead); every <see cref="Every"/> the job re-evaluates only the stations
/// whose validity ran out, whose index record changed (a write: a new record) or all of them when
/// the holiday calendar changed, and writes the differences through
/// <c>stationmap.set_open_states</c>, which bumps the open-state version the tile ETags carry.
/// A pass after the first costs one dictionary lookup per station (about 2 ms for 100,000).
/// After a pass, at most every 15 s, it rebuilds the low-zoom cluster pyramid when something changed.
/// With several instances only the leader of <see cref="LeaderJobs.OpenStates"/> runs the passes (its
/// writes are idempotent anyway: equal rows are not rewritten and the version moves only when a state
/// really changed, so a leadership changing hands costs nothing but one full evaluation).
/// </summary>
public sealed class StationOpenStates(StationIndex index, NpgsqlDataSource data, TimeProvider clock, IHolidayCalendars calendars,
    IConfiguration config, Leadership leadership, ILogger<StationOpenStates> log) : BackgroundService
{
    /// <summary>A state with no known next change is re-checked after this long anyway (cheap, and a safety net).</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(6);
    readonly TimeSpan Every = TimeSpan.FromSeconds(Math.Max(1, config.GetValue("StationMap:StationTiles:OpenStateRefreshSeconds", 5)));

    sealed record Known(StationIndexRecord Record, string State, DateTimeOffset Until);
    readonly Dictionary<long, Known> _known = [];
    readonly SemaphoreSlim _pass = new(1, 1);
    static readonly TimeSpan ClustersEvery = TimeSpan.FromSeconds(15);
    readonly System.Diagnostics.Stopwatch _lastClusters = System.Diagnostics.Stopwatch.StartNew();
    bool _clustersBuilt;
    IHolidayCalendar? _holidays;
    long _holidaysVersion = -1;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        try { await leadership.WaitToLeadAsync(LeaderJobs.OpenStates, stop); } catch (OperationCanceledException) { return; }
        using var timer = new PeriodicTimer(Every, clock);
        var led = false;
        do
        {
            try
            {
                if (!leadership.Leads(LeaderJobs.OpenStates)) { led = false; continue; }
                if (!led)
                {
                    // Another instance wrote the table meanwhile: evaluate everything once and rebuild the pyramid.
                    led = true;
                    await _pass.WaitAsync(stop);
                    try { _known.Clear(); } finally { _pass.Release(); }
                    _clustersBuilt = false;
                }
                var loaded = index.IsLoaded; // read before the pass: a pyramid is built from evaluated states only
                await RefreshAsync(stop);
                // The first time as soon as the states are in; then at most every ClustersEvery.
                if (loaded && (!_clustersBuilt || _lastClusters.Elapsed >= ClustersEvery))
                {
                    await RebuildClustersAsync(force: false, stop);
                    _clustersBuilt = true;
                    _lastClusters.Restart();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            // The database may be down: the table keeps its last states (each with its validity) and the next pass catches up.
            catch (Exception e) { log.LogWarning(e, "Open-state refresh failed; retrying in {Seconds} s", Every.TotalSeconds); }
        }
        while (await WaitAsync(timer, stop));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try { return await timer.WaitForNextTickAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>One pass; returns the number of stations whose stored state changed (0 while the index is not loaded).</summary>
    public async Task<long> RefreshAsync(CancellationToken ct = default)
    {
        if (!index.IsLoaded) return 0;
        await _pass.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            var at = OpenAt.Of(now, clock, calendars);
            var all = !ReferenceEquals(_holidays, at.Holidays) || _holidaysVersion != at.Holidays.Version;
            var ids = new List<long>();
            var states = new List<string>();
            var until = new List<DateTimeOffset>();
            var seen = new HashSet<long>();
            foreach (var record in index.Records)
            {
                seen.Add(record.Id);
                if (!all && _known.TryGetValue(record.Id, out var k) && ReferenceEquals(k.Record, record) && now < k.Until) continue;
                var (state, validUntil) = Evaluate(record, at);
                _known[record.Id] = new Known(record, state, validUntil);
                ids.Add(record.Id);
                states.Add(state);
                until.Add(validUntil.ToUniversalTime());
            }
            var gone = _known.Keys.Where(id => !seen.Contains(id)).ToArray();
            foreach (var id in gone) _known.Remove(id);
            if (ids.Count == 0 && gone.Length == 0) return 0;

            await using var conn = await data.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            long changed = 0;
            foreach (var chunk in Enumerable.Range(0, ids.Count).Chunk(20_000))
            {
                await using var cmd = new NpgsqlCommand("SELECT stationmap.set_open_states($1, $2, $3)", conn, tx);
                cmd.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(i => ids[i]).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                cmd.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(i => states[i]).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                cmd.Parameters.Add(new NpgsqlParameter { Value = chunk.Select(i => until[i]).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
                changed += (long)(await cmd.ExecuteScalarAsync(ct))!;
            }
            if (gone.Length > 0)
            {
                // Soft-deleted stations leave the index; their rows go (a hard delete cascades).
                await using var drop = new NpgsqlCommand("DELETE FROM station_open_state WHERE station_id = ANY($1)", conn, tx);
                drop.Parameters.Add(new NpgsqlParameter { Value = gone, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                await drop.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            _holidays = at.Holidays;
            _holidaysVersion = at.Holidays.Version;
            if (ids.Count > 1000) log.LogInformation("Open states: {Evaluated} evaluated, {Changed} changed", ids.Count, changed);
            return changed;
        }
        catch
        {
            _known.Clear(); // what the table holds is unknown after a failed write: evaluate everything next time
            throw;
        }
        finally { _pass.Release(); }
    }

    /// <summary>
    /// Rebuilds the cluster pyramid of the low-zoom tiles (stationmap.rebuild_station_clusters) when the
    /// stations or their open states changed since its last build, or always with <paramref name="force"/>.
    /// True when it rebuilt (false also when another instance is building).
    /// </summary>
    public async Task<bool> RebuildClustersAsync(bool force, CancellationToken ct = default)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // A background pass over every station: more time than a request's statement timeout on a busy machine.
        await using (var limit = new NpgsqlCommand("SET LOCAL statement_timeout = '120s'", conn, tx)) await limit.ExecuteNonQueryAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT stationmap.rebuild_station_clusters($1)", conn, tx) { CommandTimeout = 130 };
        cmd.Parameters.AddWithValue(force);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rebuilt = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        await tx.CommitAsync(ct);
        if (rebuilt) log.LogInformation("Station cluster pyramid rebuilt in {Ms} ms", clock.ElapsedMilliseconds);
        return rebuilt;
    }

    /// <summary>The state now (as <see cref="OpenStateView.Of"/> names it) and the instant it holds until.</summary>
    static (string State, DateTimeOffset Until) Evaluate(StationIndexRecord record, OpenAt at)
    {
        var horizon = at.Instant + Horizon;
        if (record.Row.Status != "open") return ("closed", horizon);
        if (record.Schedule is null) return ("unknown", horizon);
        var s = record.Schedule.Evaluate(at.Instant, record.Context(at), out var stable);
        var until = stable < horizon ? stable : horizon;
        return (OpenStateView.Name(s.Status), until > at.Instant ? until : at.Instant.AddSeconds(1));
    }
}
