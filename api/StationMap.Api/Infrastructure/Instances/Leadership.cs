using System.Collections.Concurrent;
using Npgsql;

namespace StationMap.Api.Infrastructure.Instances;

/// <summary>The background jobs that must run in one instance at a time (each has its own lock).</summary>
public static class LeaderJobs
{
    /// <summary>ServiceAreaJob: writes service_area / service_area_state.</summary>
    public const string ServiceAreas = "service-areas";
    /// <summary>StationOpenStates: writes station_open_state and rebuilds the station cluster pyramid.</summary>
    public const string OpenStates = "open-states";
    /// <summary>WebhookDispatcher: sends the outbox (deliveries to other systems).</summary>
    public const string Webhooks = "webhooks";
    /// <summary>LiveChangeRetention: deletes old live_change rows.</summary>
    public const string LiveRetention = "live-retention";

    /// <summary>Every job, in the order of their lock numbers (the second key of pg_try_advisory_lock(int, int)); only append.</summary>
    public static readonly IReadOnlyList<string> All = [ServiceAreas, OpenStates, Webhooks, LiveRetention];
}

/// <summary>One job's leadership as this instance sees it.</summary>
public sealed record JobLeadership(string Job, bool LeadsHere, string? Leader, DateTimeOffset? Since);

/// <summary>
/// Which instance runs each job of <see cref="LeaderJobs"/>: the one whose dedicated connection holds
/// the job's session-level advisory lock, <c>pg_try_advisory_lock(LockClass, n)</c>. Every
/// <see cref="PollInterval"/> (1 s by default, <c>StationMap:Leadership:PollSeconds</c>) this instance
/// pings that connection and tries the locks it does not hold. PostgreSQL frees a session lock when
/// its backend ends, so a killed leader process (its socket closes) or a dropped connection
/// (pg_terminate_backend, a restarted server) hands the job to another instance at its next poll,
/// within about a second. The old leader learns of the loss at its own next poll (a failed ping):
/// jobs check <see cref="Leads"/> between batches and keep their writes idempotent, and
/// <see cref="StillLeadsAsync"/> lets a job fence a transaction on the lock still being held.
/// <para>
/// Why the lock functions directly and not DistributedLock.Postgres: one connection holds all the
/// job locks and is also the liveness probe, the status needs the holder of each lock
/// (pg_locks joined to pg_stat_activity's application_name), and fencing needs the holder's backend
/// pid; all three are one query each here, and the library would open a connection per lock.
/// </para>
/// </summary>
public sealed class Leadership(NpgsqlDataSource data, InstanceIdentity instance, IConfiguration config, ILogger<Leadership> log,
    SessionConnections? sessions = null) : BackgroundService
{
    /// <summary>The first key of every job lock: "SMLD" as an int, so other advisory locks of the database never collide.</summary>
    public const int LockClass = 0x534D4C44;
    /// <summary>The application_name prefix of the leadership connections; the instance id follows it.</summary>
    public const string ApplicationNamePrefix = "stationmap-leader:";
    /// <summary>A poll that takes longer than this (s) counts as a lost connection: step down rather than lead blind.</summary>
    const int PollTimeoutSeconds = 5;

    readonly TimeSpan PollInterval = TimeSpan.FromSeconds(Math.Clamp(config.GetValue("StationMap:Leadership:PollSeconds", 1.0), 0.2, 30));
    readonly bool _enabled = config.GetValue("StationMap:Leadership:Enabled", true);
    readonly ConcurrentDictionary<string, DateTimeOffset> _held = new();
    readonly ConcurrentDictionary<string, TaskCompletionSource> _gained = new();
    volatile IReadOnlyDictionary<string, string> _leaders = new Dictionary<string, string>();
    volatile int _backendPid;
    readonly OutageLog _outage = new(log, "Leadership");

    /// <summary>Raised (on the poll loop) when this instance gains or loses a job: (job, leads now).</summary>
    public event Action<string, bool>? Changed;

    public string Instance => instance.Id;

    /// <summary>True while this instance holds the job's lock (as of its last poll).</summary>
    public bool Leads(string job) => _held.ContainsKey(job);

    /// <summary>Completes when this instance leads <paramref name="job"/> (at once when it does).</summary>
    public Task WaitToLeadAsync(string job, CancellationToken ct)
    {
        if (Leads(job)) return Task.CompletedTask;
        var tcs = _gained.GetOrAdd(job, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        // Gained meanwhile: complete this wait and take it out, so a later wait (after losing the job) gets a fresh one.
        if (Leads(job) && _gained.TryRemove(KeyValuePair.Create(job, tcs))) tcs.TrySetResult();
        return tcs.Task.WaitAsync(ct);
    }

    /// <summary>Every job, whether this instance leads it and which instance does (null: none, or unknown while the database is away).</summary>
    public IReadOnlyList<JobLeadership> Jobs =>
        LeaderJobs.All.Select(j => new JobLeadership(j, Leads(j), Leads(j) ? instance.Id : _leaders.GetValueOrDefault(j),
            _held.TryGetValue(j, out var since) ? since : null)).ToList();

    /// <summary>
    /// True when this instance's leadership connection still holds <paramref name="job"/>'s lock, asked
    /// on <paramref name="conn"/> (inside a job's transaction, just before it commits: a fence against
    /// a leader that lost the lock since its last poll).
    /// </summary>
    public async Task<bool> StillLeadsAsync(string job, NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        if (!_enabled) return true;
        var pid = _backendPid;
        if (pid == 0 || !Leads(job)) return false;
        await using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objid = $2::oid " +
            "AND objsubid = 2 AND pid = $3 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))", conn, tx);
        cmd.Parameters.AddWithValue((long)LockClass);
        cmd.Parameters.AddWithValue((long)Index(job));
        cmd.Parameters.AddWithValue(pid);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    static int Index(string job)
    {
        for (var i = 0; i < LeaderJobs.All.Count; i++) if (LeaderJobs.All[i] == job) return i + 1;
        throw new ArgumentException($"Unknown job {job}", nameof(job));
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_enabled)
        {
            // One instance by configuration: it leads everything.
            foreach (var job in LeaderJobs.All) Gain(job);
            return;
        }
        NpgsqlConnection? conn = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (conn is null)
                    {
                        conn = await (sessions?.Data ?? data).OpenConnectionAsync(stop);   // not pooled: closing it frees its locks
                        await using (var name = new NpgsqlCommand("SELECT set_config('application_name', $1, false), pg_backend_pid()", conn))
                        {
                            name.Parameters.AddWithValue(ApplicationNamePrefix + instance.Id);
                            await using var r = await name.ExecuteReaderAsync(stop);
                            await r.ReadAsync(stop);
                            _backendPid = r.GetInt32(1);
                        }
                    }
                    await PollAsync(conn, stop);
                    _outage.Succeeded();
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
                catch (Exception e)
                {
                    // The connection (and with it every lock it held) is gone or unusable: step down at once,
                    // close it so the server frees whatever it may still hold, and start over.
                    LoseAll();
                    _leaders = new Dictionary<string, string>();
                    if (conn is not null) await ReleaseAsync(conn);
                    conn = null;
                    _backendPid = 0;
                    if (DatabaseOutage.IsOutage(e)) _outage.Failed(e);
                    else log.LogWarning(e, "Leadership poll failed; stepping down and retrying");
                }
                try { await Task.Delay(PollInterval, stop); } catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            LoseAll();
            // Freeing the locks now lets another instance take over at its next poll.
            if (conn is not null) await ReleaseAsync(conn);
        }
    }

    /// <summary>
    /// Gives up every lock of <paramref name="conn"/> and closes it. A pooled connection goes back to
    /// the pool with its session (and its session locks) alive until its next use, so the locks are
    /// released explicitly first; on a broken connection that fails, and the server has freed them.
    /// </summary>
    static async Task ReleaseAsync(NpgsqlConnection conn)
    {
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", conn) { CommandTimeout = 2 };
            await unlock.ExecuteNonQueryAsync();
        }
        catch { /* the connection is gone, and its locks with it */ }
        try { await conn.DisposeAsync(); } catch { /* already broken */ }
    }

    async Task PollAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        foreach (var job in LeaderJobs.All)
        {
            if (Leads(job)) continue;
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", conn) { CommandTimeout = PollTimeoutSeconds };
            cmd.Parameters.AddWithValue(LockClass);
            cmd.Parameters.AddWithValue(Index(job));
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) Gain(job);
        }
        // Who holds each lock (this also pings the connection): application_name carries the instance id.
        var leaders = new Dictionary<string, string>();
        await using (var who = new NpgsqlCommand(
            "SELECT l.objid::int, a.application_name, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objsubid = 2 " +
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())", conn)
        { CommandTimeout = PollTimeoutSeconds })
        {
            who.Parameters.AddWithValue((long)LockClass);
            await using var r = await who.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var n = r.GetInt32(0);
                if (n < 1 || n > LeaderJobs.All.Count) continue;
                var name = r.IsDBNull(1) ? "" : r.GetString(1);
                leaders[LeaderJobs.All[n - 1]] = name.StartsWith(ApplicationNamePrefix, StringComparison.Ordinal)
                    ? name[ApplicationNamePrefix.Length..] : $"pid {r.GetInt32(2)}";
            }
        }
        _leaders = leaders;
    }

    void Gain(string job)
    {
        if (!_held.TryAdd(job, DateTimeOffset.UtcNow)) return;
        log.LogInformation("Instance {Instance} now leads {Job}", instance.Id, job);
        if (_gained.TryRemove(job, out var tcs)) tcs.TrySetResult();
        Raise(job, true);
    }

    void LoseAll()
    {
        foreach (var job in _held.Keys.ToList())
        {
            if (!_held.TryRemove(job, out _)) continue;
            log.LogWarning("Instance {Instance} no longer leads {Job}", instance.Id, job);
            Raise(job, false);
        }
    }

    void Raise(string job, bool leads)
    {
        try { Changed?.Invoke(job, leads); }
        catch (Exception e) { log.LogWarning(e, "A leadership subscriber failed"); }
    }
}
