using System.Text.RegularExpressions;
using Npgsql;

namespace StationMap.Api.Infrastructure.Instances;

/// <summary>What <see cref="PgNotifications"/> reports about its connection, for the status endpoint.</summary>
public sealed record NotificationStatus(bool Connected, IReadOnlyList<string> Channels, long Connects, DateTimeOffset? ConnectedSince,
    DateTimeOffset? LastNotificationAt, string? LastError);

/// <summary>
/// The one LISTEN connection of this process. Caches that follow the database (road graph, station
/// index, holiday calendars, service-area wake-ups, the webhook outbox) subscribe to their channel
/// here instead of each holding a connection of their own: one backend per instance, however many
/// caches, and one place that reconnects.
/// <para>
/// Contract: <c>onConnected</c> runs after every (re)connection, once the channel's LISTEN is in force;
/// a subscriber then reloads whatever it keeps, since notifications sent while nobody listened are
/// lost. After that, <c>onNotification</c> gets each payload of the channel in commit order. Both run
/// on the listener's thread and must only queue work (wake a loop), never wait on the database.
/// A subscription added while connected is LISTENed at once (the wait is interrupted for it).
/// </para>
/// A dead connection shows up as a failed wait (a terminated backend or a stopped server closes the
/// socket) or, at the latest, as a failed heartbeat query after <see cref="Heartbeat"/> of silence;
/// reconnects are retried every second, then up to every 5 s.
/// </summary>
public sealed partial class PgNotifications(NpgsqlDataSource data, ILogger<PgNotifications> log, InstanceIdentity? instance = null,
    SessionConnections? sessions = null) : BackgroundService
{
    /// <summary>The application_name prefix of the listener connections (the instance id follows), for operators' pg_stat_activity.</summary>
    public const string ApplicationNamePrefix = "stationmap-listener:";
    static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    sealed record Subscription(string Channel, Action<string> OnNotification, Action OnConnected);

    readonly Lock _gate = new();
    Subscription[] _subscriptions = [];
    readonly HashSet<Subscription> _pending = [];   // added while connected, not yet LISTENed / told
    CancellationTokenSource? _interrupt;
    readonly OutageLog _outage = new(log, "Notification listener");
    volatile bool _connected;
    long _connects;
    long _dispatched;
    DateTimeOffset? _connectedSince;
    DateTimeOffset? _lastNotification;
    string? _lastError;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex ChannelName();

    public NotificationStatus Status
    {
        get
        {
            var channels = Volatile.Read(ref _subscriptions).Select(s => s.Channel).Distinct().Order(StringComparer.Ordinal).ToList();
            return new(_connected, channels, Interlocked.Read(ref _connects), _connectedSince, _lastNotification, _lastError);
        }
    }

    /// <summary>
    /// Follows <paramref name="channel"/> (a plain identifier: LISTEN takes no parameter). Disposing the
    /// result stops the callbacks (the channel stays LISTENed until the next reconnect).
    /// </summary>
    public IDisposable Subscribe(string channel, Action<string> onNotification, Action onConnected)
    {
        if (!ChannelName().IsMatch(channel)) throw new ArgumentException($"Not a plain channel name: {channel}", nameof(channel));
        var s = new Subscription(channel, onNotification, onConnected);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, s];
            if (_connected) { _pending.Add(s); _interrupt?.Cancel(); }
        }
        return new Unsubscriber(this, s);
    }

    sealed class Unsubscriber(PgNotifications owner, Subscription s) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._subscriptions = owner._subscriptions.Where(x => x != s).ToArray();
                owner._pending.Remove(s);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await (sessions?.Data ?? data).OpenConnectionAsync(stop);   // not pooled: closing it ends its LISTEN
                conn.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
                if (instance is not null)
                {
                    await using var name = new NpgsqlCommand("SELECT set_config('application_name', $1, false)", conn);
                    name.Parameters.AddWithValue(ApplicationNamePrefix + instance.Id);
                    await name.ExecuteScalarAsync(stop);
                }
                var listening = new HashSet<string>(StringComparer.Ordinal);
                Subscription[] all;
                // From here on a new subscription is queued as pending (and picked up below), never lost
                // between this snapshot and the first wait.
                lock (_gate) { all = _subscriptions; _pending.Clear(); _connected = true; }
                await ListenAsync(conn, all, listening, stop);
                _connectedSince = DateTimeOffset.UtcNow;
                Interlocked.Increment(ref _connects);
                _outage.Succeeded();
                _lastError = null;
                failures = 0;
                Tell(all);
                var quiet = System.Diagnostics.Stopwatch.StartNew();
                while (!stop.IsCancellationRequested)
                {
                    Subscription[] added;
                    lock (_gate) { added = [.. _pending]; _pending.Clear(); }
                    if (added.Length > 0)
                    {
                        await ListenAsync(conn, added, listening, stop);
                        Tell(added);
                    }
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    lock (_gate)
                    {
                        if (_pending.Count > 0) continue;   // subscribed meanwhile: LISTEN it first
                        _interrupt = wait;
                    }
                    wait.CancelAfter(Heartbeat);
                    var heard = Interlocked.Read(ref _dispatched);
                    try { await conn.WaitAsync(wait.Token); }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested) { }
                    finally { lock (_gate) _interrupt = null; }

                    if (Interlocked.Read(ref _dispatched) != heard) quiet.Restart();
                    else if (quiet.Elapsed >= Heartbeat)
                    {
                        // Nothing heard for a while: make sure the connection still answers (a failure ends it here).
                        await using var ping = new NpgsqlCommand("SELECT 1", conn);
                        await ping.ExecuteScalarAsync(stop);
                        quiet.Restart();
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // Any failure, not only the database's: an exception escaping a hosted service stops the host.
                _lastError = e.GetBaseException().Message;
                if (DatabaseOutage.IsOutage(e)) _outage.Failed(e);
                else log.LogWarning(e, "Notification listener failed; reconnecting");
            }
            finally
            {
                lock (_gate) { _connected = false; _interrupt = null; }
            }
            failures++;
            try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, failures)), stop); } catch (OperationCanceledException) { break; }
        }
    }

    static async Task ListenAsync(NpgsqlConnection conn, IEnumerable<Subscription> subscriptions, HashSet<string> listening, CancellationToken ct)
    {
        foreach (var channel in subscriptions.Select(s => s.Channel).Distinct())
        {
            if (!listening.Add(channel)) continue;
            // The name was checked against a plain-identifier pattern in Subscribe: LISTEN takes no parameter.
            await using var cmd = new NpgsqlCommand("LISTEN " + channel, conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    void Tell(IEnumerable<Subscription> subscriptions)
    {
        foreach (var s in subscriptions)
        {
            try { s.OnConnected(); }
            catch (Exception e) { log.LogWarning(e, "A subscriber of {Channel} failed on reconnect", s.Channel); }
        }
    }

    void Dispatch(string channel, string payload)
    {
        _lastNotification = DateTimeOffset.UtcNow;
        Interlocked.Increment(ref _dispatched);
        foreach (var s in Volatile.Read(ref _subscriptions))
        {
            if (!string.Equals(s.Channel, channel, StringComparison.Ordinal)) continue;
            try { s.OnNotification(payload); }
            catch (Exception e) { log.LogWarning(e, "A subscriber of {Channel} failed", channel); }
        }
    }
}
