using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>One event of the stream, serialised once for every subscriber: <c>id: seq</c>, <c>event: live</c>, <c>data: {...}</c>.</summary>
internal sealed record LiveEvent(long Seq, long StationId, byte[] Bytes);

/// <summary>The data of an <c>event: live</c>: the station, the change sequence that made it, and its live state now.</summary>
public sealed record LiveStreamData(long StationId, long Seq, StationLive Live);

/// <summary>
/// A stream's subscription: its box and a bounded queue of events. A subscriber whose queue is full
/// (a client that reads slower than changes arrive) is cut off rather than slowing everyone: its
/// stream ends and the client reconnects with Last-Event-ID, which replays what it missed.
/// </summary>
internal sealed class LiveSubscriber(LiveBox box)
{
    /// <summary>Events a subscriber may lag behind before it is cut off.</summary>
    public const int Capacity = 4096;

    readonly Channel<LiveEvent> _events = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: then the subscriber is cut off
    });

    public LiveBox Box { get; } = box;
    public ChannelReader<LiveEvent> Events => _events.Reader;
    public bool CutOff { get; private set; }

    public void Offer(LiveEvent e)
    {
        if (_events.Writer.TryWrite(e)) return;
        CutOff = true;
        _events.Writer.TryComplete();
    }

    public void Close() => _events.Writer.TryComplete();
}

/// <summary>
/// Fans the live changes out to the streams. <see cref="ILiveState.Changed"/> only queues the change
/// (handlers must be quick); this loop takes what is queued, keeps the newest change per station,
/// reads each station's live state once (<see cref="ILiveState.For"/> at now), serialises its event
/// once and hands the same bytes to every subscriber whose box holds the station.
/// </summary>
internal sealed class LiveStreamHub : BackgroundService
{
    const int BatchChanges = 4096;

    readonly ILiveState _live;
    readonly LiveStations _stations;
    readonly TimeProvider _clock;
    readonly ILogger<LiveStreamHub> _log;
    readonly Channel<LiveChange> _changes = Channel.CreateUnbounded<LiveChange>(new UnboundedChannelOptions { SingleReader = true });
    readonly Lock _gate = new();
    LiveSubscriber[] _subscribers = [];

    public LiveStreamHub(ILiveState live, LiveStations stations, TimeProvider clock, ILogger<LiveStreamHub> log)
    {
        _live = live;
        _stations = stations;
        _clock = clock;
        _log = log;
        live.Changed += OnChanged;
    }

    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    void OnChanged(LiveChange change)
    {
        // Nobody listening: nothing to build. A stream that subscribes later replays from the database.
        if (Volatile.Read(ref _subscribers).Length > 0) _changes.Writer.TryWrite(change);
    }

    public LiveSubscriber Subscribe(LiveBox box)
    {
        var s = new LiveSubscriber(box);
        lock (_gate) _subscribers = [.. _subscribers, s];
        return s;
    }

    public void Unsubscribe(LiveSubscriber s)
    {
        lock (_gate) _subscribers = _subscribers.Where(x => x != s).ToArray();
        s.Close();
    }

    /// <summary>The bytes of one event (also used for the replay on resume).</summary>
    public static byte[] Event(long seq, long stationId, StationLive live)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new LiveStreamData(stationId, seq, live), ApiJson.Options);
        var head = Encoding.UTF8.GetBytes($"id: {seq}\nevent: live\ndata: ");
        var bytes = new byte[head.Length + json.Length + 2];
        head.CopyTo(bytes, 0);
        json.CopyTo(bytes, head.Length);
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var newest = new Dictionary<long, long>();
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stop))
            {
                newest.Clear();
                while (newest.Count < BatchChanges && _changes.Reader.TryRead(out var c))
                    if (!newest.TryGetValue(c.StationId, out var seq) || c.Seq > seq) newest[c.StationId] = c.Seq;
                var subscribers = Volatile.Read(ref _subscribers);
                if (subscribers.Length == 0) continue;
                try
                {
                    await FanOutAsync(newest, subscribers, stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed lookup must not end the hub: cut everyone off so their clients resume from the database.
                    _log.LogWarning(e, "Live stream fan-out failed; {Count} subscribers are cut off and will resume", subscribers.Length);
                    foreach (var s in subscribers) s.Close();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        finally
        {
            foreach (var s in Volatile.Read(ref _subscribers)) s.Close();
        }
    }

    async Task FanOutAsync(Dictionary<long, long> newest, LiveSubscriber[] subscribers, CancellationToken ct)
    {
        var positions = await _stations.LocateAsync(newest.Keys, ct);
        var now = _clock.GetUtcNow();
        foreach (var (stationId, seq) in newest.OrderBy(n => n.Value))
        {
            if (!positions.TryGetValue(stationId, out var p)) continue; // deleted since
            LiveEvent? e = null;
            foreach (var s in subscribers)
            {
                if (!s.Box.Contains(p.Lon, p.Lat)) continue;
                e ??= new LiveEvent(seq, stationId, Event(seq, stationId, _live.For(stationId, now)));
                s.Offer(e);
            }
        }
    }

    public override void Dispose()
    {
        _live.Changed -= OnChanged;
        base.Dispose();
    }
}
